// Starts a real `ejia serve --demo` on a fresh data directory and drives the system
// Chromium with Playwright. axe-core checks every page for serious or critical violations.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BIN = process.env.EJIA_BIN || path.resolve(import.meta.dirname, '../../target/debug/ejia');

/** Starts ejia with the demo data; resolves once it serves. */
export async function startServer() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ejia-e2e-'));
  const env = { ...process.env, EJIA_LOG: 'warn' };
  delete env.EJIA_DATABASE_URL;
  const child = spawn(BIN, ['--data-dir', dataDir, 'serve', '--demo', '--addr', '127.0.0.1:0'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  const url = await new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`ejia exited early (${code}): ${lines.join('\n')}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const m = line.match(/^ejia is serving on (\S+)/);
      if (m) resolve(m[1]);
    });
  });
  const password = lines.join('\n').match(/password for all: (\S+);/)[1];
  const cli = (args, input = '') =>
    execFileSync(BIN, ['--data-dir', dataDir, ...args], { env, input, encoding: 'utf8' });
  return {
    url,
    demoPassword: password,
    cli,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', (code, signal) => resolve({ code, signal }));
        child.kill('SIGTERM');
      }),
  };
}

/** Launches the system Chromium. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A fresh page (its own cookies), phone-sized, recording CSP violations and page errors. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    // A 4xx page we asked for (a form shown again with errors, a 404) is logged by Chromium as
    // a failed resource; that is expected. Anything else — a CSP refusal, a script error — is not.
    if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) page.problems.push(msg.text());
  });
  page.on('pageerror', (err) => page.problems.push(String(err)));
  return page;
}

/** Runs axe-core on the current page; fails on serious or critical violations. */
export async function checkA11y(page, label) {
  // Evaluated through the DevTools protocol, so the page's strict CSP (which forbids any
  // injected script) stays on.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(bad, [], `axe on ${label} (${page.url()})`);
  assert.deepEqual(page.problems, [], `console errors on ${label}`);
}

/** With E2E_SHOTS=<dir>, saves a full-page screenshot of the page there as `<name>.png`, to look at. */
export async function shot(page, name) {
  if (process.env.E2E_SHOTS) await page.screenshot({ path: path.join(process.env.E2E_SHOTS, `${name}.png`), fullPage: true });
}

/** Logs in through the form. */
export async function login(page, base, phone, password) {
  await page.goto(`${base}/login`);
  await page.fill('#f-phone', phone);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}
