import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { restClient, REST_ROUTES, startStack, type Stack } from '@chirp/test-kit';

let stack: Stack;
let doc: any;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation })),
  );

beforeAll(async () => {
  stack = await startStack();
  const response = await restClient(stack)('GET', '/openapi.json');
  expect(response.status).toBe(200);
  doc = response.body;
});

afterAll(() => stack?.stop());

test('when /openapi.json is fetched, then it is OpenAPI 3.1 with the five tags and a bearer security scheme', () => {
  expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  expect(doc.tags.map((tag: { name: string }) => tag.name)).toEqual(expect.arrayContaining(['Auth', 'Posts', 'Comments', 'Likes', 'Users']));
  expect(Object.values(doc.components.securitySchemes)).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
});

test('when listing its operations, then they are exactly the REST routes (hello roots, every route of DESIGN, the /likes aliases)', () => {
  const documented = operations().map(({ key }) => key).sort();
  expect(documented).toEqual(REST_ROUTES.map(({ method, path }) => `${method} ${path}`).sort());
});

test('when documented, then the register password states its bounds in bytes and no character bound that would differ', () => {
  const password = doc.paths['/auth-api/v1/register'].post.requestBody.content['application/json'].schema.properties.password;
  expect(password).toEqual({ type: 'string', minBytes: 8, description: '8-72 bytes in UTF-8.' });
});

test.each(['/graphql', '/health', '/ready', '/openapi.json', '/docs'])('when looking for %s, then it is not in the document', (path) => {
  expect(Object.keys(doc.paths).filter((documented) => documented === path || documented.startsWith(`${path}/`))).toEqual([]);
});

describe.each(REST_ROUTES)('$method $path', ({ method, path, success, auth, errors }) => {
  const operation = () => doc.paths[path]?.[method.toLowerCase()];

  test(`when documented, then it lists ${success} and the errors it can answer with (${errors.join(', ') || 'none'}), each with a JSON schema`, () => {
    const responses = operation().responses;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining([String(success), ...errors.map(String)]));
    for (const status of errors) {
      const schema = responses[status].content['application/json'].schema;
      expect(schema.required).toContain('detail');
      expect(schema.properties.detail.type).toBe(status === 422 ? 'array' : 'string');
    }
  });

  test(`when documented, then it ${auth ? 'requires' : 'does not require'} the bearer scheme and has a tag`, () => {
    expect(operation().tags).toHaveLength(1);
    expect(operation().security ?? []).toEqual(auth ? [{ [Object.keys(doc.components.securitySchemes)[0]!]: [] }] : []);
  });
});
