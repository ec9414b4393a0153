// The queue dashboard in a real browser (Debian's chromium through playwright-core): an admin's token cookie shows the queue.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { chromium, type BrowserContext } from 'playwright-core';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { deleteKeys } from '../tasks-integration/tasks-harness';

// Starting chromium takes seconds on a loaded machine.
jest.setTimeout(90_000);

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const prefix = `test-${randomUUID()}`;
const QUEUE = 'invoices-queue';
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-chromium-'));
let app: TestApp;
let browser: BrowserContext;

beforeAll(async () => {
  app = await createTestApp({ config: { async: { prefix, queue: QUEUE, admin_claim: { role: 'admin' }, dashboard: { enabled: true } } } as never });
  browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  const redis = new IORedis('redis://127.0.0.1:6379');
  await deleteKeys(redis, prefix);
  redis.disconnect();
  fs.rmSync(userDataDir, { recursive: true, force: true });
});

test("an admin's browser with the token cookie sees the service's queue on the dashboard; without it, pym's 404", async () => {
  const page = await browser.newPage();
  const anonymous = await page.goto(`${app.url}/admin/queues`);
  expect(anonymous?.status()).toBe(404);
  expect(JSON.parse(await page.innerText('body'))).toMatchObject({ error: 'NOT_FOUND' });

  const token = app.token('admin-1', { data: { role: 'admin' } });
  await browser.addCookies([{ name: 'token', value: encodeURIComponent(`Bearer ${token}`), url: app.url, httpOnly: true, sameSite: 'Strict' }]);
  const admitted = await page.goto(`${app.url}/admin/queues`);
  expect(admitted?.status()).toBe(200);
  // The page's script fetched the queues through the same cookie and rendered the queue's card.
  await page.getByText(QUEUE, { exact: true }).first().waitFor({ timeout: 30_000 });
});
