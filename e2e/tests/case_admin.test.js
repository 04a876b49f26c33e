// The case settings and the hotline in the back office: a district admin edits a category and
// adds and removes a holiday; the dispatcher records a 12345 call and reveals the caller's
// number to call back. Every page passes axe.

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

test('a district admin edits a category and adds and removes a holiday', async () => {
  const page = await newPage(browser);
  const base = server.url;
  await login(page, base, '13800000001', server.demoPassword);
  await page.goto(base + '/manage');
  await page.click('a[href="/manage/case-categories"]');
  await checkA11y(page, 'case categories');

  // The first minor category: a limit of 0 is kept and explained, then a real one is saved.
  await page.click('table a[href^="/manage/case-categories/"]');
  await checkA11y(page, 'a category');
  await page.fill('#f-time_limit', '0');
  await page.click('form[action^="/manage/case-categories/"] button[type=submit]');
  assert.match(await page.textContent('#f-time_limit-error'), /时限应写成/);
  assert.equal(await page.inputValue('#f-time_limit'), '0');
  await checkA11y(page, 'a category with an error');
  await page.fill('#f-time_limit', '2');
  await page.selectOption('#f-time_limit_unit', 'd');
  await Promise.all([
    page.waitForURL(/\/manage\/case-categories\?saved=/),
    page.click('form[action^="/manage/case-categories/"] button[type=submit]'),
  ]);
  assert.match(await page.textContent('main'), /2 工作日/);

  // The calendar: a holiday added through the form shows in the list, then is removed.
  await page.goto(base + '/manage/work-calendar');
  await checkA11y(page, 'work calendar');
  await page.fill('#f-day', '2030-10-01');
  await page.selectOption('#f-kind', 'holiday');
  await page.fill('#f-note', '国庆节');
  await Promise.all([
    page.waitForURL(/saved=day/),
    page.click('form[action="/manage/work-calendar/days"] button[type=submit]'),
  ]);
  const row = page.locator('#day-2030-10-01');
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /节假日/);
  assert.match(await row.textContent(), /国庆节/);
  await checkA11y(page, 'work calendar with a holiday');
  await Promise.all([page.waitForURL(/saved=removed/), row.locator('button[type=submit]').click()]);
  assert.equal(await page.locator('#day-2030-10-01').count(), 0);
  await checkA11y(page, 'work calendar after removing the holiday');

  // A week without a working day is refused, kept and explained.
  for (let i = 0; i < 7; i++) await page.uncheck(`#wd-${i}`);
  await page.click('form[action="/manage/work-calendar"] button[type=submit]');
  assert.match(await page.textContent('#f-weekdays-error'), /至少要有一个工作日/);
  await checkA11y(page, 'work calendar with an error');
  await page.context().close();
});

test('the dispatcher records a hotline call', async () => {
  const page = await newPage(browser);
  const base = server.url;
  await login(page, base, '13800000005', server.demoPassword);
  await page.goto(base + '/manage');
  await page.click('a[href="/manage/hotline"]');
  await checkA11y(page, 'hotline');

  // Missing fields first: explained at each.
  await page.click('form[action="/manage/hotline"] button[type=submit]');
  assert.match(await page.textContent('#f-caller_name-error'), /来电人/);
  await checkA11y(page, 'hotline with errors');

  await page.fill('#f-caller_name', '李先生');
  await page.fill('#f-caller_phone', '0532-8666 2222');
  await page.selectOption('#f-category_id', { index: 1 });
  await page.fill('#f-description', '路灯不亮已经三天了。');
  await page.selectOption('#f-community_id', { label: '云霄路社区' });
  await page.check('#f-wants_reply');
  await Promise.all([page.waitForURL(/\/manage\/hotline\?filed=\d+/), page.click('form[action="/manage/hotline"] button[type=submit]')]);
  assert.match(await page.textContent('[role=status]'), /已登记为/);
  await checkA11y(page, 'hotline after filing');
  await Promise.all([page.waitForURL(/\/cases\/\d+$/), page.click('#filed-case')]);
  assert.match(await page.textContent('main'), /李先生 · 0532\*\*\*\*2222/);
  assert.doesNotMatch(await page.content(), /86662222/);
  await checkA11y(page, 'the hotline case');

  // To call back: the whole number, once, as a link a phone dials; the reveal is logged.
  await Promise.all([page.waitForURL(/\/cases\/\d+\/caller\/reveal$/), page.click('form[action$="/caller/reveal"] button')]);
  assert.equal(await page.getAttribute('a[href^="tel:"]', 'href'), 'tel:053286662222');
  assert.match(await page.textContent('a[href^="tel:"]'), /0532-8666 2222/);
  assert.match(await page.textContent('[role=status]'), /已记入操作日志/);
  await checkA11y(page, 'the revealed number');
  await page.context().close();
});
