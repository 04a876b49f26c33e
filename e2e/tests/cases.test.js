// A city-appearance case from the street to the statistics, through the real pages with the demo
// accounts: the inspector (网格员) files two findings on a foot patrol, the command centre
// dispatches one, the department handles it with an after-photo, the inspector's check fails once
// (返工) and passes the second time, the case closes, the inspector rates it, and the statistics
// page shows it closed on time and reworked once. Every page passes axe.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';

const INSPECTOR = '13800000007';
const DISPATCHER = '13800000005';
const HANDLER = '13800000006';
const ADMIN = '13800000001';
// 香港中路街道, near the seafront (the demo inspector patrols the first street).
const HERE = { latitude: 36.0632, longitude: 120.3826 };

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

/** A real photo: a PNG the browser renders of its own page. */
async function photo(page) {
  return { name: 'scene.png', mimeType: 'image/png', buffer: await page.screenshot({ clip: { x: 0, y: 0, width: 240, height: 160 } }) };
}

async function as(phone) {
  const page = await newPage(browser);
  await login(page, server.url, phone, server.demoPassword);
  return page;
}

/** Takes one of the actions of the case page's action form (`#act`), with an optional note. */
async function act(page, action, note) {
  await page.check(`#action-${action}`);
  if (note) await page.fill('#f-note', note);
  await Promise.all([page.waitForNavigation(), page.click('#act button[type=submit]')]);
  await checkA11y(page, `case after ${action}`);
}

test('a patrol finding goes from the street to the statistics page', async () => {
  const base = server.url;

  // The inspector patrols; the phone allows its position.
  const inspector = await as(INSPECTOR);
  await inspector.context().grantPermissions(['geolocation'], { origin: base });
  await inspector.context().setGeolocation(HERE);
  await inspector.goto(`${base}/manage`);
  await Promise.all([inspector.waitForNavigation(), inspector.click('a[href="/patrol"]')]);
  await checkA11y(inspector, 'patrol, not started');
  await Promise.all([inspector.waitForNavigation(), inspector.click('form[action="/patrol/start"] button')]);
  await checkA11y(inspector, 'patrol, open');

  const filed = [];
  for (const [category, note] of [['占道经营', '水果摊占用人行道'], ['非法小广告', '']]) {
    await inspector.waitForFunction(() => document.getElementById('f-lat').value !== '');
    await inspector.selectOption('#f-category_id', { label: category });
    await inspector.setInputFiles('#f-photo', await photo(inspector));
    if (note) await inspector.fill('#f-description', note);
    await Promise.all([inspector.waitForNavigation(), inspector.click('#finding-form button[type=submit]')]);
    const id = new URL(inspector.url()).searchParams.get('filed');
    assert.match(id ?? '', /^\d+$/, `filed ${category}`);
    filed.push(id);
    await checkA11y(inspector, `patrol after filing ${category}`);
  }
  const [stall] = filed;
  await Promise.all([inspector.waitForNavigation(), inspector.click('#end-form button')]);
  const log = await inspector.locator('section', { hasText: '巡查记录' }).last().innerText();
  assert.match(log, /上报问题 2/);
  for (const id of filed) assert.ok(await inspector.locator(`a[href="/cases/${id}"]`).count() > 0, `case ${id} in the log`);

  // The command centre finds it in the queue and dispatches it to law enforcement.
  const dispatcher = await as(DISPATCHER);
  await dispatcher.goto(`${base}/manage/cases`);
  await checkA11y(dispatcher, 'queue');
  await Promise.all([dispatcher.waitForNavigation(), dispatcher.click(`a[href="/cases/${stall}"]`)]);
  await checkA11y(dispatcher, 'case for the dispatcher');
  assert.ok(await dispatcher.locator('img[src^="/cases/"]').count() >= 1, 'the finding photo is shown');
  await dispatcher.selectOption('#f-department_id', { label: '区综合行政执法局' });
  await act(dispatcher, 'dispatch');
  assert.match(await dispatcher.locator('.status').first().innerText(), /派遣/);

  // The department handles it, with a photo of the result.
  const handler = await as(HANDLER);
  const casePage = `${base}/cases/${stall}`;
  const handle = async (note) => {
    await handler.goto(casePage);
    await handler.setInputFiles('#photo-file', await photo(handler));
    await Promise.all([handler.waitForNavigation(), handler.click('form[action$="/photos"] button[type=submit]')]);
    await act(handler, 'report_handled', note);
  };
  await handle('摊位已劝离');

  // The inspector checks on site: not done yet (返工).
  await inspector.goto(casePage);
  await act(inspector, 'check_fail', '摊位又摆回来了');
  assert.match(await inspector.locator('.status').first().innerText(), /处置/);

  // Handled again, and this time the check passes: closed.
  await handle('已清理并告知店主');
  await inspector.goto(casePage);
  await act(inspector, 'check_pass');
  assert.match(await inspector.locator('.status').first().innerText(), /结案/);
  await inspector.check('#action-rate');
  await inspector.check('#rating-satisfied');
  await act(inspector, 'rate');
  assert.match(await inspector.locator('.summary').innerText(), /满意/);
  const timeline = await inspector.locator('.timeline').innerText();
  for (const step of ['派遣', '处置完成', '核查不通过', '核查通过', '评价']) assert.match(timeline, new RegExp(step));

  // The statistics: by category, 占道经营 has one case, closed on time and reworked once.
  const admin = await as(ADMIN);
  await admin.goto(`${base}/manage`);
  await Promise.all([admin.waitForNavigation(), admin.click('a[href="/manage/case-stats"]')]);
  await admin.goto(`${base}/manage/case-stats?by=category`);
  await checkA11y(admin, 'statistics by category');
  assert.ok(await admin.locator('svg[role="img"]').count() >= 1, 'a chart');
  const row = admin.locator('table.stats tbody tr', { has: admin.locator('th', { hasText: '占道经营' }) });
  const cell = async (col) => (await row.locator(`td[data-col="${col}"]`).innerText()).trim();
  assert.equal(await cell('cases'), '1');
  assert.equal(await cell('closed'), '1');
  assert.equal(await cell('closed_on_time'), '1');
  assert.equal(await cell('reworked'), '1');

  // The patrol log shows the inspector's patrol with its two findings.
  await admin.goto(`${base}/manage`);
  await Promise.all([admin.waitForNavigation(), admin.click('a[href="/manage/patrols"]')]);
  await checkA11y(admin, 'patrol log');
  const patrolRow = admin.locator('tbody tr', { has: admin.locator('th', { hasText: '网格员' }) });
  assert.equal(await patrolRow.count(), 1);
  assert.equal((await patrolRow.locator('td').last().innerText()).trim(), '2');
});

test('a resident reports with a photo and the phone position in three screens', async () => {
  const base = server.url;
  const resident = await as('13800000009');
  await resident.context().grantPermissions(['geolocation'], { origin: base });
  await resident.context().setGeolocation({ latitude: 36.0598, longitude: 120.3312 });
  await resident.goto(`${base}/report`);
  await checkA11y(resident, 'report, screen 1');
  await Promise.all([resident.waitForNavigation(), resident.click('button[name=pick]:has-text("私搭乱建")')]);
  await checkA11y(resident, 'report, screen 2');
  await resident.fill('#f-description', '楼下空地有人私搭彩钢棚');
  await resident.click('#geo-button');
  await resident.waitForFunction(() => document.getElementById('f-lat').value !== '');
  await resident.setInputFiles('#f-photo', await photo(resident));
  await Promise.all([resident.waitForNavigation(), resident.click('button[name=step][value=preview]')]);
  await checkA11y(resident, 'report, screen 3');
  const summary = await resident.locator('dl.summary').innerText();
  assert.match(summary, /靠近|已获取您的位置/);
  assert.equal(await resident.locator('dl.summary img[src^="/report/photos/"]').count(), 1, 'the photo\'s thumbnail');
  await Promise.all([resident.waitForNavigation(), resident.click('button[name=step][value=submit]')]);
  assert.match(resident.url(), /\/cases\/\d+\?filed=1$/);
  await checkA11y(resident, 'case page after filing');
  assert.equal(await resident.locator('img[src^="/cases/"]').count(), 1, 'the photo came with the report');
});
