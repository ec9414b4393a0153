// Test helper: Debian's Chromium (installed by .ci/run) driven by playwright-core, headless, with a fresh profile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where .ci/run installs Chromium (Debian's `chromium` package). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags of every run: headless, no sandbox (root in CI), and nothing that reaches the network on its own. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** A running browser with one page; `close()` also deletes its profile. */
export interface TestBrowser {
  page: Page;
  context: BrowserContext;
  /** Page errors and console errors seen so far (a CSP violation is a console error). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Start Chromium with a fresh user-data-dir and open one page. Console errors and uncaught page errors are
 * collected in `errors`, for the test to assert there are none.
 *
 * @example
 * const browser = await launchChromium();
 * await browser.page.goto(`${url}/docs`);
 * await browser.close();
 */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  return {
    page,
    context,
    errors,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
