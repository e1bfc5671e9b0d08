import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  CONTENT,
  ERRORS,
  OBJECT_ID_LENGTH,
  OBJECT_ID_PATTERN,
  PAGE_SIZE,
  SCHEMA_MISMATCH_STATUS,
  type ErrorCode,
} from '@chirp/platform';

/**
 * JSON schemas of the REST routes: they validate requests (422 on mismatch),
 * shape responses, are the OpenAPI document's source, and give the routes
 * their types. Bounds come from @chirp/platform's limits, which the services
 * enforce.
 */
const dateTime = Type.String({ format: 'date-time' });

/**
 * One of several JSON types as a type list (`["string", "null"]`) rather
 * than TypeBox's `anyOf`, which the response serializer would check branch by
 * branch for every item.
 */
export const oneOfTypes = <T>(types: string[], options: object = {}) => Type.Unsafe<T>({ type: types, ...options });

export const idParams = (description: string) =>
  Type.Object({ id: Type.String({ pattern: OBJECT_ID_PATTERN, description }) }, { additionalProperties: false });
export type IdParams = Static<ReturnType<typeof idParams>>;

/** Unknown query parameters are ignored, as FastAPI does (and as the routes without a query schema do). */
export const pageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: PAGE_SIZE.min,
      maximum: PAGE_SIZE.max,
      default: PAGE_SIZE.default,
      description: `Page size, ${PAGE_SIZE.min}-${PAGE_SIZE.max}.`,
    }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Where the previous page ended, from its Link header.' })),
});
/** `limit` is always there when a route runs: the schema's default fills it in. */
export type PageQuery = Static<typeof pageQuery> & { limit: number };

const content = Type.String({
  minLength: CONTENT.minLength,
  maxLength: CONTENT.maxLength,
  description: `${CONTENT.minLength}-${CONTENT.maxLength} characters, trimmed.`,
});

export const contentBody = Type.Object({ content }, { additionalProperties: false });
export type ContentBody = Static<typeof contentBody>;

export const createPostBody = Type.Object(
  {
    content,
    authorId: Type.Optional(Type.String({ maxLength: OBJECT_ID_LENGTH, description: 'Optional; must be the signed-in user.' })),
  },
  { additionalProperties: false },
);
export type CreatePostBody = Static<typeof createPostBody>;

export const user = Type.Object({
  id: Type.String(),
  username: Type.String(),
  name: Type.String(),
  createdAt: dateTime,
  email: Type.Optional(Type.String({ description: "Present only in the user's own answers." })),
});
export type RestUser = Static<typeof user>;

/** The signed-in user's own account, as /auth-api/v1/me shows it: with the e-mail and the bio. */
export const profile = Type.Object({
  id: Type.String(),
  username: Type.String(),
  name: Type.String(),
  bio: oneOfTypes<string | null>(['string', 'null']),
  email: Type.String(),
  createdAt: dateTime,
});
export type RestProfile = Static<typeof profile>;

const author = Type.Object({ id: Type.String(), username: Type.String(), name: Type.String() });

const postProperties = {
  id: Type.String(),
  content: Type.String(),
  author,
  createdAt: dateTime,
  updatedAt: dateTime,
  editedAt: oneOfTypes<string | null>(['string', 'null'], { format: 'date-time' }),
  likeCount: Type.Integer(),
  commentCount: Type.Integer(),
  likedByMe: Type.Boolean(),
};
export const post = Type.Object(postProperties);
export type RestPost = Static<typeof post>;

export const comment = Type.Object({ id: Type.String(), postId: Type.String(), content: Type.String(), author, createdAt: dateTime });
export type RestComment = Static<typeof comment>;

export const postWithComments = Type.Object({
  ...postProperties,
  comments: Type.Array(comment, { description: 'The first page, oldest first.' }),
});

export const message = Type.Object({ message: Type.String() });

export const authResult = Type.Object({ message: Type.String(), token: Type.String(), expiresAt: dateTime, user });

export const likeResult = Type.Object({ message: Type.String(), liked: Type.Boolean(), likeCount: Type.Integer() });

export const followResult = Type.Object({ message: Type.String(), following: Type.Boolean() });

export const bookmarkResult = Type.Object({ message: Type.String(), bookmarked: Type.Boolean() });

export const listOf = (items: TSchema, description: string) =>
  Type.Array(items, { description: `${description} The next page, if any, is in the Link header (rel="next").` });

const errorBody = Type.Object({ detail: Type.String(), code: Type.String() });

const validationErrorBody = Type.Object({
  detail: Type.Array(
    Type.Object({
      loc: Type.Array(oneOfTypes<string | number>(['string', 'integer'])),
      msg: Type.String(),
      type: Type.String(),
    }),
  ),
});

/** The error answers a route can give besides the 422 every route can: each code's status, with the shape it has. */
export function errorResponses(...codes: ErrorCode[]) {
  const responses: Record<number, object> = {
    [SCHEMA_MISMATCH_STATUS]: { description: 'The body, path or query does not match the schema.', ...validationErrorBody },
  };
  for (const code of codes) responses[ERRORS[code].status] = { description: `${ERRORS[code].meaning} (${code}).`, ...errorBody };
  return responses;
}

export const bearer = [{ bearerAuth: [] }];
