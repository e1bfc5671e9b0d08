/**
 * Every REST route (DESIGN.md "REST compatibility routes", the hello roots and
 * the /likes aliases) in OpenAPI path form, with its success status and the
 * error statuses it can answer with.
 */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  success: number;
  /** Whether it needs a bearer token (DESIGN's "auth" column). */
  auth: boolean;
  errors: number[];
}

const routeOf =
  (auth: boolean) =>
  (method: RestRoute['method'], path: string, success: number, ...errors: number[]): RestRoute => ({ method, path, success, auth, errors });
const route = routeOf(false);
const authed = routeOf(true);

const POST = '/posts-api/v1/posts/{id}';
const USER = '/users-api/v1/users/{id}';

export const REST_ROUTES: RestRoute[] = [
  route('GET', '/auth-api', 200),
  route('GET', '/posts-api', 200),
  route('GET', '/users-api', 200),
  route('POST', '/auth-api/v1/register', 201, 400, 409, 422),
  route('POST', '/auth-api/v1/login', 200, 401, 422),
  authed('GET', '/auth-api/v1/me', 200, 401),
  authed('PATCH', '/auth-api/v1/me', 200, 400, 401, 422),
  authed('DELETE', '/auth-api/v1/me', 200, 400, 401, 422),
  authed('POST', '/auth-api/v1/password', 200, 400, 401, 409, 422),
  authed('POST', '/auth-api/v1/logout', 200, 401, 422),
  authed('GET', '/posts-api/v1/feed', 200, 400, 401, 422),
  authed('POST', '/posts-api/v1/posts', 201, 400, 401, 403, 422),
  route('GET', POST, 200, 401, 404, 422),
  authed('PUT', POST, 200, 400, 401, 403, 404, 422),
  authed('DELETE', POST, 200, 401, 403, 404, 422),
  authed('POST', `${POST}/comments`, 201, 400, 401, 404, 422),
  route('GET', `${POST}/comments`, 200, 400, 401, 404, 422),
  ...['like', 'likes'].flatMap((like) => [
    authed('POST', `${POST}/${like}`, 200, 401, 404, 422),
    authed('DELETE', `${POST}/${like}`, 200, 401, 404, 422),
  ]),
  authed('POST', `${POST}/bookmark`, 200, 401, 404, 422),
  authed('DELETE', `${POST}/bookmark`, 200, 401, 404, 422),
  authed('GET', '/posts-api/v1/bookmarks', 200, 400, 401, 422),
  ...['follow', 'unfollow'].map((action) => authed('POST', `${USER}/${action}`, 200, 400, 401, 404, 422)),
  ...['followers', 'following', 'posts'].map((list) => route('GET', `${USER}/${list}`, 200, 400, 401, 404, 422)),
];
