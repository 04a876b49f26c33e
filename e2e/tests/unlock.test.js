// A resident whose number was locked by someone else's wrong passwords unlocks it with a texted
// code and logs in; then makes and revokes an API token and changes their calendar link — in a
// phone-sized Chromium, axe-checked at each step, in Chinese, English and large text.
// E2E_SHOTS=<dir> saves a screenshot of each page there, to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login, shot } from '../lib/harness.js';

let server;
let browser;
const RESIDENT = '13800000009';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  const exit = await server?.stop();
  assert.equal(exit.code, 0, 'ejia exits cleanly on SIGTERM');
});

async function tryLogin(page, base, password) {
  await page.goto(`${base}/login`);
  await page.fill('#f-phone', RESIDENT);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
}

test('locked by wrong passwords → unlock with a texted code → log in → tokens → calendar link', async () => {
  const base = server.url;
  // Someone else, in another browser, guesses ten times.
  const attacker = await newPage(browser);
  for (let i = 0; i < 10; i += 1) await tryLogin(attacker, base, `guess-${i}-wrong`);
  await attacker.context().close();

  // The owner is refused even with the right password, and told what to do.
  const page = await newPage(browser);
  await tryLogin(page, base, server.demoPassword);
  assert.match(await page.textContent('[role=alert]'), /已暂时锁定约 1\d 分钟/);
  await checkA11y(page, 'login, locked');
  await shot(page, 'login-locked-zh');

  // One tap texts the code to the number just typed; then the code from the text message.
  await Promise.all([page.waitForURL(/\/login\/unlock\/verify/), page.click('form[action="/login/unlock"] button')]);
  await checkA11y(page, 'unlock, code');
  await shot(page, 'unlock-code-zh');
  const outbox = server.cli(['sms', 'outbox', '--phone', RESIDENT, '--limit', '1']);
  const code = outbox.match(/验证码是 (\d{6})/)[1];
  await page.fill('#f-code', '000000' === code ? '000001' : '000000');
  await page.click('form[action="/login/unlock/verify"] button[type=submit]');
  assert.match(await page.textContent('#f-code-error'), /验证码不正确/);
  await checkA11y(page, 'unlock, wrong code');
  await page.fill('#f-code', code);
  await Promise.all([page.waitForURL(/\/login\?unlocked=1$/), page.click('form[action="/login/unlock/verify"] button[type=submit]')]);
  assert.match(await page.textContent('[role=status]'), /已解锁/);
  await checkA11y(page, 'login, unlocked');
  await shot(page, 'login-unlocked-zh');
  await page.fill('#f-phone', RESIDENT);
  await page.fill('#f-password', server.demoPassword);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  assert.equal(await page.locator('form[action="/logout"]').count(), 1, 'logged in');

  // API tokens: from the profile page, make one (shown once), then revoke it.
  await page.goto(`${base}/me`);
  await Promise.all([page.waitForURL(/\/me\/tokens$/), page.click('a[href="/me/tokens"]')]);
  await checkA11y(page, 'tokens, none');
  await page.fill('#f-label', '社区大屏');
  await page.click('form[action="/me/tokens"] button[type=submit]');
  assert.match(await page.textContent('code.token'), /^ejia_/);
  await checkA11y(page, 'tokens, one made');
  await shot(page, 'tokens-made-zh');
  await Promise.all([page.waitForURL(/done=revoked/), page.click('form[action$="/revoke"] button')]);
  assert.match(await page.textContent('[role=status]'), /令牌已撤销/);
  assert.equal(await page.locator('form[action$="/revoke"]').count(), 0);

  // The calendar link changes with one tap.
  await page.goto(`${base}/me/bookings`);
  const before = await page.getAttribute('a[href^="/calendar/"]', 'href');
  await Promise.all([page.waitForURL(/\/me\/bookings(#[\w-]*)?$/), page.click('form[action="/me/calendar/rotate"] button')]);
  assert.notEqual(await page.getAttribute('a[href^="/calendar/"]', 'href'), before);
  await checkA11y(page, 'bookings, calendar rotated');
  await shot(page, 'calendar-rotated-zh');

  // The unlock page (for a number typed afresh) in English and in large text.
  await Promise.all([page.waitForNavigation(), page.click('button[name=lang]')]);
  await page.goto(`${base}/login/unlock`);
  assert.match(await page.textContent('h1'), /Unlock logging in/);
  await checkA11y(page, 'unlock in English');
  await shot(page, 'unlock-phone-en');
  await Promise.all([page.waitForNavigation(), page.click('button[name=view]')]);
  assert.equal(await page.getAttribute('html', 'class'), 'large');
  await checkA11y(page, 'unlock in large text');
  await shot(page, 'unlock-phone-en-large');
  await page.goto(`${base}/me/tokens`);
  await checkA11y(page, 'tokens in large text');
  await shot(page, 'tokens-en-large');
});
