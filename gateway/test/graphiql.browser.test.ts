import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TestSystem } from './support/system.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type CreateMemberData } from './support/operations.js';

// Debian's Chromium (npm test's preflight, scripts/test-preflight.mjs, installs it), never a
// browser download. Missing, the test fails and says so: it never skips.
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const OUTPUT_DIR = fileURLToPath(new URL('../test-output/', import.meta.url));

let system: TestSystem;
let browser: Browser;
let page: Page;
let gatewayOrigin: string;
const offLoopback: string[] = [];
const pageErrors: string[] = [];

const isLoopback = (url: string) =>
  ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname) || url.startsWith('blob:') || url.startsWith('data:');

/** Monaco renders lines as spans with non-breaking spaces: compare text with whitespace folded. */
const textOf = async (selector: string) => ((await page.locator(selector).first().innerText()) || '').replace(/\s+/g, ' ');

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: run "node scripts/test-preflight.mjs" (npm test does) or set CHROMIUM_PATH`);
  system = await TestSystem.start('postgres', { graphiql: true, introspection: true });
  const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: { ...signUpInput(), nickname: 'web-one' } });
  await system.query(CHANGE_NICKNAME, { input: { memberId: data!.createMember.member!.id, nickname: 'web-two' } });
  await system.drained();
  gatewayOrigin = new URL(system.gatewayUrl).origin;

  // launch() starts from a fresh temporary profile; these flags keep Chromium itself off the network.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

/**
 * A browser profile of its own per test: GraphiQL keeps the editor's text and tabs in
 * localStorage and prefers them to the example, so a page the previous test left half-loaded must
 * not decide what this one shows.
 */
async function freshPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // The page must work offline: anything it requests beyond loopback is recorded and refused.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    offLoopback.push(url);
    return route.abort('internetdisconnected');
  });
  // A reader's token as a person would paste it into the Headers tab; GraphiQL persists headers.
  const token = await system.issuer.token('graphiql-reader', 'members:read');
  const headers = JSON.stringify(JSON.stringify({ Authorization: `Bearer ${token}` }));
  await context.addInitScript({
    content: `localStorage.setItem('graphiql:shouldPersistHeaders', 'true'); localStorage.setItem('graphiql:headers', ${headers});`,
  });
  const opened = await context.newPage();
  opened.on('pageerror', (error) => pageErrors.push(error.message));
  opened.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  return opened;
}

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

it('sends a browser that opens the gateway root to GraphiQL', async () => {
  page = await freshPage();
  const response = await page.goto(`${gatewayOrigin}/`);
  expect(response?.status()).toBe(200);
  expect(page.url()).toBe(`${gatewayOrigin}/graphiql/`);
});

// Monaco in a headless Chromium is slow while the rest of the suite keeps both cores busy: the
// waits are generous, and the test's own timeout covers all three.
it('serves GraphiQL with the example operation and the live schema docs, and runs a query across both subgraphs', async () => {
  page = await freshPage();
  const response = await page.goto(`${gatewayOrigin}/graphiql`);
  expect(response?.status()).toBe(200);
  expect(page.url()).toBe(`${gatewayOrigin}/graphiql/`);
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);

  // The editor opens on the example; the docs explorer shows the live schema's root types.
  await page
    .locator('.graphiql-query-editor')
    .getByText('MembersWithHistory')
    .first()
    .waitFor({ timeout: 90_000 })
    .catch((error: unknown) => {
      // Say why the page did not render, not only that it did not.
      throw new Error(`the editor never showed the example; page errors: ${JSON.stringify(pageErrors)}`, { cause: error });
    });
  await page.locator('.graphiql-doc-explorer').getByText('Mutation').first().waitFor({ timeout: 30_000 });
  expect(await textOf('.graphiql-doc-explorer')).toMatch(/query: Query mutation: Mutation/);

  await page.locator('.graphiql-execute-button').click();
  const result = page.locator('.graphiql-response');
  await result.getByText('web-two').first().waitFor({ timeout: 30_000 });
  const shown = await textOf('.graphiql-response');
  // members (members subgraph) joined with nicknameHistory (nickname-history subgraph).
  expect(shown).toMatch(/"nickname": "web-two", "createdAt": "[^"]+", "nicknameHistory": \{ "totalCount": 2,/);
  expect(shown).toMatch(/"previousNickname": "web-one", "nickname": "web-two"/);
  expect(shown).not.toMatch(/"errors"/);

  await mkdir(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: `${OUTPUT_DIR}graphiql.png`, fullPage: true });

  expect(offLoopback).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 240_000);
