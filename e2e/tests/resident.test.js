// A resident registers with a texted code, logs in, switches language and large-text mode,
// changes their profile and logs out — in a phone-sized Chromium, axe-checked at each step.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  const exit = await server?.stop();
  assert.equal(exit.code, 0, 'ejia exits cleanly on SIGTERM');
});

test('register → log in → English → large text → profile → log out', async () => {
  const page = await newPage(browser);
  const base = server.url;
  await page.goto(base + '/district');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.locator('section.street h2').count(), 11);
  await checkA11y(page, 'district');
  await page.goto(base + '/');
  await checkA11y(page, 'home');

  // Step one: the phone number. A wrong number is explained next to the field.
  await page.click('nav a[href="/register"]');
  await checkA11y(page, 'register');
  await page.fill('#f-phone', '1391234');
  await page.click('form[action="/register"] button[type=submit]');
  assert.match(await page.textContent('#f-phone-error'), /11 位手机号/);
  assert.equal(await page.getAttribute('#f-phone', 'aria-invalid'), 'true');
  await checkA11y(page, 'register with an error');
  await page.fill('#f-phone', '139 1234 5678');
  await Promise.all([page.waitForURL(/\/register\/verify/), page.click('form[action="/register"] button[type=submit]')]);
  await checkA11y(page, 'verify');

  // Step two: the code from the text message (the development gateway's outbox).
  const outbox = server.cli(['sms', 'outbox', '--phone', '13912345678', '--limit', '1']);
  const code = outbox.match(/验证码是 (\d{6})/)[1];
  await page.fill('#f-code', code);
  await page.fill('#f-name', '王阿姨');
  await page.selectOption('#f-community_id', { label: '云霄路社区' });
  await page.fill('#f-password', '栈桥边看海鸥飞过来');
  await Promise.all([page.waitForURL(/\/welcome$/), page.click('form[action="/register/verify"] button[type=submit]')]);
  await page.goto(base + '/me');
  assert.equal(await page.inputValue('#f-name'), '王阿姨');
  assert.match(await page.textContent('main'), /139\*\*\*\*5678/);
  await checkA11y(page, 'profile');

  // Log out, then in again with the new password.
  await Promise.all([page.waitForURL(base + '/'), page.click('header summary').then(() => page.click('form[action="/logout"] button'))]);
  assert.equal(await page.locator('nav a[href^="/login"]').count(), 1);
  await login(page, base, '13912345678', '栈桥边看海鸥飞过来');
  await page.goto(base + '/me');
  assert.equal(await page.inputValue('#f-name'), '王阿姨');

  // One tap to English, one tap to large text; both remembered.
  await Promise.all([page.waitForNavigation(), page.click('button[name=lang]')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('h1'), /My account/);
  await checkA11y(page, 'profile in English');
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await Promise.all([page.waitForNavigation(), page.click('button[name=view]')]);
  assert.equal(await page.getAttribute('html', 'class'), 'large');
  assert.equal(await page.getAttribute('button[name=view]', 'aria-pressed'), 'true');
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(after >= before * 1.3, `large text grows the type (${before} → ${after})`);
  await checkA11y(page, 'profile in large text');

  // Change the profile: an empty name is refused next to the field, then a good one saved.
  await page.fill('#f-name', '   ');
  await page.click('form[action="/me/profile"] button[type=submit]');
  assert.match(await page.textContent('#f-name-error'), /Please fill this in/);
  await checkA11y(page, 'profile with an error');
  await page.fill('#f-name', 'Auntie Wang');
  await page.selectOption('#f-community_id', { label: '团岛社区' });
  await Promise.all([page.waitForURL(/done=profile/), page.click('form[action="/me/profile"] button[type=submit]')]);
  assert.match(await page.textContent('.notice'), /Saved/);
  assert.equal(await page.inputValue('#f-name'), 'Auntie Wang');

  // The choices stay on other pages and after reload.
  await page.goto(base + '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.getAttribute('html', 'class'), 'large');
  await checkA11y(page, 'home in English, large text');

  await Promise.all([page.waitForURL(base + '/'), page.click('header summary').then(() => page.click('form[action="/logout"] button'))]);
  assert.match(await page.textContent('nav'), /Log in/);
  const me = await page.goto(base + '/me');
  assert.match(me.url(), /\/login\?next=%2Fme/);
  await checkA11y(page, 'login after logout');
  await page.context().close();
});
