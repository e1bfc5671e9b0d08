/**
 * JSON schemas of the REST routes: they validate requests (422 on mismatch),
 * shape responses, and are the OpenAPI document's source.
 */
const OBJECT_ID_PATTERN = '^[0-9a-fA-F]{24}$';
const dateTime = { type: 'string', format: 'date-time' } as const;

export const idParams = (description: string) =>
  ({
    type: 'object',
    required: ['id'],
    additionalProperties: false,
    properties: { id: { type: 'string', pattern: OBJECT_ID_PATTERN, description } },
  }) as const;

/** Unknown query parameters are ignored, as FastAPI does (and as the routes without a query schema do). */
export const pageQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Page size, 1-100.' },
    cursor: { type: 'string', maxLength: 200, description: 'Where the previous page ended, from its Link header.' },
  },
} as const;

export const contentBody = {
  type: 'object',
  required: ['content'],
  additionalProperties: false,
  properties: { content: { type: 'string', minLength: 1, maxLength: 280, description: '1-280 characters, trimmed.' } },
} as const;

export const user = {
  type: 'object',
  required: ['id', 'username', 'name', 'createdAt'],
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    name: { type: 'string' },
    createdAt: dateTime,
    email: { type: 'string', description: "Present only in the user's own answers." },
  },
} as const;

const author = {
  type: 'object',
  required: ['id', 'username', 'name'],
  properties: { id: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' } },
} as const;

export const post = {
  type: 'object',
  required: ['id', 'content', 'author', 'createdAt', 'updatedAt', 'editedAt', 'likeCount', 'commentCount', 'likedByMe'],
  properties: {
    id: { type: 'string' },
    content: { type: 'string' },
    author,
    createdAt: dateTime,
    updatedAt: dateTime,
    editedAt: { type: ['string', 'null'], format: 'date-time' },
    likeCount: { type: 'integer' },
    commentCount: { type: 'integer' },
    likedByMe: { type: 'boolean' },
  },
} as const;

export const comment = {
  type: 'object',
  required: ['id', 'postId', 'content', 'author', 'createdAt'],
  properties: { id: { type: 'string' }, postId: { type: 'string' }, content: { type: 'string' }, author, createdAt: dateTime },
} as const;

export const postWithComments = {
  type: 'object',
  required: [...post.required, 'comments'],
  properties: { ...post.properties, comments: { type: 'array', items: comment, description: 'The first page, oldest first.' } },
} as const;

export const message = {
  type: 'object',
  required: ['message'],
  properties: { message: { type: 'string' } },
} as const;

export const authResult = {
  type: 'object',
  required: ['message', 'token', 'expiresAt', 'user'],
  properties: { message: { type: 'string' }, token: { type: 'string' }, expiresAt: dateTime, user },
} as const;

export const likeResult = {
  type: 'object',
  required: ['message', 'liked', 'likeCount'],
  properties: { message: { type: 'string' }, liked: { type: 'boolean' }, likeCount: { type: 'integer' } },
} as const;

export const followResult = {
  type: 'object',
  required: ['message', 'following'],
  properties: { message: { type: 'string' }, following: { type: 'boolean' } },
} as const;

export const listOf = (items: object, description: string) =>
  ({
    type: 'array',
    items,
    description: `${description} The next page, if any, is in the Link header (rel="next").`,
  }) as const;

const errorBody = {
  type: 'object',
  required: ['detail', 'code'],
  properties: { detail: { type: 'string' }, code: { type: 'string' } },
} as const;

const validationErrorBody = {
  type: 'object',
  required: ['detail'],
  properties: {
    detail: {
      type: 'array',
      items: {
        type: 'object',
        required: ['loc', 'msg', 'type'],
        properties: {
          loc: { type: 'array', items: { type: ['string', 'integer'] } },
          msg: { type: 'string' },
          type: { type: 'string' },
        },
      },
    },
  },
} as const;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request breaks a rule of the API (BAD_USER_INPUT).',
  401: 'No valid bearer token (UNAUTHENTICATED).',
  403: 'Not allowed for this user (FORBIDDEN).',
  404: 'No such resource (NOT_FOUND).',
  409: 'Username or e-mail already taken (CONFLICT).',
  429: 'Too many requests (RATE_LIMITED).',
};

/** The error answers a route can give, documented with the shape each has. */
export function errorResponses(...statuses: number[]) {
  const responses: Record<number, object> = {
    422: { description: 'The body, path or query does not match the schema.', ...validationErrorBody },
  };
  for (const status of statuses) responses[status] = { description: ERROR_DESCRIPTIONS[status], ...errorBody };
  return responses;
}

export const bearer = [{ bearerAuth: [] }];
