// Acceptance in a real browser: /docs lists every API and its operations; "Authorize" with a `pym token` makes
// "Try it out" on GET /auth/version answer 200 (401 before), under the page's Content-Security-Policy.
import { launchChromium, type TestBrowser } from '../../framework/test/helpers/chromium';
import { type LibraryService, SHUTDOWN_TIMEOUT_MS, startLibrary, STARTUP_TIMEOUT_MS, tokenFor } from './helpers/library-service';

let library: LibraryService;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  library = await startLibrary();
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await library?.stop();
}, SHUTDOWN_TIMEOUT_MS);

/** Swagger UI's element id of an operation: `operations-<first tag or default>-<operationId>`. */
function operationSelector(operation: { tags?: string[]; operationId: string }): string {
  return `#operations-${operation.tags?.[0] ?? 'default'}-${operation.operationId}`;
}

test('the docs page lists every API and its operations, and "Try it out" works once authorized with a pym token', async () => {
  const apis: string[] = [...(await library.get('/version')).body.apis, 'pym'];
  const catalog = (await library.get('/openapi/catalog.json')).body;
  const token = await tokenFor('docs-reader');
  browser = await launchChromium();
  const { page } = browser;

  const response = await page.goto(`${library.url}/docs`);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  // The first API's operations, every one the served spec has.
  const methods = ['get', 'put', 'post', 'delete', 'patch'];
  const catalogOperations = Object.values<Record<string, any>>(catalog.paths).flatMap((item) => methods.filter((method) => item[method]).map((method) => item[method]));
  for (const operation of catalogOperations) await page.locator(operationSelector(operation)).waitFor();
  expect(await page.locator('.opblock').count()).toBe(catalogOperations.length);
  // The selector has every API, the built-in one included.
  const select = page.locator('.topbar select');
  expect(await select.locator('option').allTextContents()).toEqual(apis);

  await select.selectOption('pym');
  const authVersion = page.locator('#operations-default-pymAuthVersion');
  await authVersion.locator('.opblock-summary-control').click();
  await authVersion.locator('.try-out__btn').click();
  const status = authVersion.locator('.live-responses-table .response .response-col_status');
  await authVersion.locator('.execute').click();
  await expect(status.textContent()).resolves.toBe('401');

  await page.locator('.auth-wrapper .btn.authorize').click();
  const dialog = page.locator('.modal-ux');
  await dialog.locator('#auth-bearer-value').fill(token);
  await dialog.locator('.auth-btn-wrapper button.authorize').click();
  await dialog.locator('.btn-done').click();
  await authVersion.locator('.btn-clear').click();
  await status.waitFor({ state: 'detached' });
  await authVersion.locator('.execute').click();
  await expect(status.textContent()).resolves.toBe('200');
  await expect(authVersion.locator('.live-responses-table .response .response-col_description').textContent()).resolves.toContain('"name": "library"');

  // Nothing refused by the page's CSP, no script error (the 401 above is the only failed load).
  expect(browser.errors.filter((error) => !/Failed to load resource: .* 401/.test(error))).toEqual([]);
}, 120_000);
