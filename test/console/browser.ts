/** Headless Chromium for the console's browser tests: Debian's build (never one that
 * playwright downloads), a fresh profile, no network but the local Worker. */
import { existsSync } from 'node:fs';
import axeCore from 'axe-core';
import { Secret, TOTP } from 'otpauth';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright gives each launch a fresh, temporary --user-data-dir of its own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A person at a browser: their own context (cookies), a page that fails the test on any
 * Content-Security-Policy violation or page error, and dialogs accepted. */
export async function person(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // A page answered 4xx on purpose (a wrong sign-in, a missing page) logs its status too.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of 4')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  (page as Page & { problems: string[] }).problems = problems;
  return page;
}

/** Errors the page logged (CSP violations among them). */
export const problemsOf = (page: Page): string[] => (page as Page & { problems: string[] }).problems;

const axeSource = axeCore.source;

/** axe-core on the page as it is: no serious or critical violation. The script is evaluated
 * through the DevTools protocol, so the console's CSP (no inline script) stays in force. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.evaluate(axeSource);
  const results = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** An authenticator for one account: each code once, as the console takes them. */
export class Authenticator {
  #lastStep = -1;
  constructor(readonly secret: string) {}

  async code(): Promise<string> {
    const now = () => Math.floor(Date.now() / 30_000);
    while (this.#lastStep + 1 > now() + 1) await new Promise((resolve) => setTimeout(resolve, 1_000));
    this.#lastStep = Math.max(now(), this.#lastStep + 1);
    return new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(this.secret) }).generate({ timestamp: this.#lastStep * 30_000 });
  }
}
