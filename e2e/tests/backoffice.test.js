// The back office: a district admin made with `ejia user add` logs in and creates a venue;
// every back-office page passes axe.

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
  await server?.stop();
});

test('a CLI-created district admin logs in and creates a venue', async () => {
  const out = server.cli(
    ['user', 'add', '--phone', '13700000001', '--name', '区管理员二', '--role', 'district_admin', '--password-stdin'],
    'e2e-admin-password\n',
  );
  assert.match(out, /created user/);
  const page = await newPage(browser);
  const base = server.url;
  await login(page, base, '13700000001', 'e2e-admin-password');
  await page.click('nav a[href="/manage"]');
  await checkA11y(page, 'back office');
  await page.click('a[href="/manage/venues"]');
  await checkA11y(page, 'venues');
  await page.click('a[href="/manage/venues/new"]');
  await checkA11y(page, 'new venue');

  // A mistake first: latitude out of range keeps the input and explains.
  await page.fill('#f-name', '市南区红色影院');
  await page.selectOption('#f-kind', 'cinema');
  await page.selectOption('#f-street_id', { label: '香港中路街道' });
  await page.selectOption('#f-community_id', { label: '云霄路社区' });
  await page.fill('#f-address', '香港中路');
  await page.fill('#f-lat', '136.06');
  await page.fill('#f-lng', '120.38');
  await page.click('form[action="/manage/venues/new"] button[type=submit]');
  assert.match(await page.textContent('#f-lat-error'), /坐标不正确/);
  assert.equal(await page.inputValue('#f-name'), '市南区红色影院');
  await checkA11y(page, 'new venue with an error');
  await page.fill('#f-lat', '36.06');
  await page.fill('#f-capacity', '320');
  await Promise.all([page.waitForURL(base + '/manage/venues'), page.click('form[action="/manage/venues/new"] button[type=submit]')]);
  const row = page.locator('tr', { hasText: '市南区红色影院' });
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /影院/);

  // It is on the public home page and in the audit log.
  await page.goto(base + '/district');
  assert.match(await page.textContent('#street-370202001'), /市南区红色影院/);
  await page.goto(base + '/manage/audit');
  assert.match(await page.textContent('main'), /区管理员二/);
  assert.match(await page.textContent('main'), /市南区红色影院/);
  await checkA11y(page, 'audit log');
  await page.context().close();
});

test('every back-office page passes axe', async () => {
  const page = await newPage(browser);
  const base = server.url;
  await login(page, base, '13800000001', server.demoPassword);
  for (const path of [
    '/manage/streets',
    '/manage/streets/1',
    '/manage/streets/new',
    '/manage/communities',
    '/manage/communities/1',
    '/manage/communities/new',
    '/manage/venues/1',
    '/manage/departments',
    '/manage/departments/1',
    '/manage/departments/new',
    '/manage/users',
    '/manage/users/2',
    '/manage/users/new',
    '/manage/audit',
    '/manage/cases',
    '/report',
    '/report?category=2',
    '/me/cases',
  ]) {
    const response = await page.goto(base + path);
    assert.equal(response.status(), 200, path);
    await checkA11y(page, path);
  }
  // A role granted through the form shows up.
  await page.goto(base + '/manage/users/9');
  await page.selectOption('#f-role', 'inspector');
  await page.selectOption('#f-scope', { label: '香港中路街道' });
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/roles"]:not(.inline) button[type=submit]')]);
  assert.match(await page.textContent('.grants'), /网格员\/巡查员 · 香港中路街道/);
  await checkA11y(page, 'user with a new role');
  // Error pages too.
  const missing = await page.goto(base + '/no/such/page');
  assert.equal(missing.status(), 404);
  await checkA11y(page, '404');
  await page.context().close();
});
