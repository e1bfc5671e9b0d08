import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { GRAPHIQL_FILES } from '@chirp/gateway/graphiql';
import { eventually, registerUser, startStack, type Stack, type TestUser } from '@chirp/test-kit';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the GraphiQL browser test: ${CHROMIUM} does not exist (CI installs Debian's chromium package).`);
}

let stack: Stack;
let user: TestUser;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  if (!hasChromium) return;
  stack = await startStack();
  user = await registerUser(stack);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterEach(async () => {
  await context?.close();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A browser with the network cut: only the gateway answers; every other request is refused and listed. */
async function offline(): Promise<{ page: Page; refused: string[]; errors: string[] }> {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const refused: string[] = [];
  const gateway = new URL(stack.gateway.url).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === gateway) return route.continue();
    refused.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, refused, errors };
}

/** Replaces what a CodeMirror editor holds, as typing would (without the brackets it would close by itself). */
async function fill(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .CodeMirror`).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** Runs the query editor's operation and reads the answer the result pane then shows (CodeMirror's value, not its rendered lines). */
async function run(page: Page): Promise<unknown> {
  const result = page.locator('.result-window .CodeMirror');
  const shown = () => result.evaluate((element) => (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  const before = await shown();
  await page.getByRole('button', { name: /execute query/i }).click();
  const answer = await eventually(async () => {
    const value = await shown();
    expect(value).not.toBe(before);
    expect(value).toContain('"data"');
    return value;
  });
  return JSON.parse(answer);
}

(hasChromium ? test : test.skip)(
  'when Apollo Sandbox cannot load (no internet), then its page links to GraphiQL, which opens',
  async () => {
    const { page, refused } = await offline();
    await page.goto(`${stack.gateway.url}/graphql`);
    await page.getByText('cannot be loaded').waitFor();
    await page.getByRole('link', { name: '/graphiql' }).click();
    await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/graphiql');
    // What Sandbox wanted from the internet is what this test had to refuse.
    expect(refused.some((url) => new URL(url).hostname.endsWith('apollographql.com'))).toBe(true);
  },
  60_000,
);

(hasChromium ? test : test.skip)(
  'when /graphiql is opened with the network cut, then `{ me { id } }` answers anonymously, then with a token in the Authorization header the user, and nothing left the gateway',
  async () => {
    const { page, refused, errors } = await offline();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));

    const response = await page.goto(`${stack.gateway.url}/graphiql`);
    expect(response?.status()).toBe(200);
    await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
    await fill(page, '.graphiql-query-editor', '{ me { id } }');
    // GraphiQL takes an edit in a moment later; until then its button offers the default document's two operations.
    await page.locator('.graphiql-execute-button:not([aria-haspopup])').waitFor();
    // The headers editor opens with the placeholder, which is not sent: anonymous, not a bad token.
    expect(await run(page)).toEqual({ data: { me: null } });

    await fill(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', JSON.stringify({ Authorization: `Bearer ${user.token}` }));
    expect(await run(page)).toEqual({ data: { me: { id: user.id } } });
    await page.screenshot({ path: '/tmp/graphiql.png' });

    expect(requested).toEqual(expect.arrayContaining([...GRAPHIQL_FILES.map((file) => `/graphiql/${file.name}`), '/graphql']));
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
  },
  60_000,
);
