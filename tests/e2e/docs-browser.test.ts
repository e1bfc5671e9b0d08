import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { chromium, type BrowserContext } from 'playwright-core';
import { REST_ROUTES, startStack, type Stack } from '@chirp/test-kit';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the Swagger UI browser test: ${CHROMIUM} does not exist (CI installs Debian's chromium package).`);
}

let stack: Stack;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!hasChromium) return;
  stack = await startStack();
  profile = await mkdtemp(path.join(tmpdir(), 'chirp-docs-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await stack?.stop();
});

(hasChromium ? test : test.skip)(
  'when /docs is opened in a browser, then Swagger UI lists every REST route and loads nothing from outside localhost',
  async () => {
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));

    const response = await page.goto(`${stack.gateway.url}/docs`);
    expect(response?.status()).toBe(200);
    const operations = page.locator('.opblock');
    await operations.nth(REST_ROUTES.length - 1).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: '/tmp/docs.png', fullPage: true });

    const listed = await operations.evaluateAll((blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
        const route = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method} ${route}`;
      }),
    );
    expect(listed.sort()).toEqual(REST_ROUTES.map(({ method, path: route }) => `${method} ${route}`).sort());

    const external = requested.filter((url) => {
      const { protocol, hostname } = new URL(url);
      return /^(https?|wss?):$/.test(protocol) && !['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
    });
    expect(requested.length).toBeGreaterThan(1);
    expect(external).toEqual([]);
  },
  60_000,
);
