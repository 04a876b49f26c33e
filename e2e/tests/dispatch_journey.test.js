// Issue 12's dispatching journey: from the queue, the command centre's dispatcher dispatches a
// new case in at most 3 taps — open it, choose the department, submit — on a case page that
// offers the actions as one choice (dispatch already chosen) with one note box, and names the
// reporter. Where the category has its own department it is preselected: 2 taps. In Chinese,
// English and large text; axe-clean on every screen.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { journey, MODES, useMode } from '../lib/journey.js';

const RESIDENT = '13800000009';
const DISPATCHER = '13800000005';

let server;
let browser;
let token;
let categories;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  token = server.cli(['token', 'create', '--phone', RESIDENT]).trim();
  categories = (await api('GET', '/case-categories')).body;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(method, path, body) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

/** The resident files a case of the category with this code; its id. */
async function file(code, description) {
  const category = categories.find((c) => c.code === code).id;
  const filed = await api('POST', '/cases', { category_id: category, description, address: '云霄路 9 号', lat: 36.0615, lng: 120.3835 });
  assert.equal(filed.status, 201, JSON.stringify(filed.body));
  return filed.body.id;
}

/** The dispatcher in `mode`, at the queue. */
async function atQueue(mode) {
  const page = await newPage(browser);
  await login(page, server.url, DISPATCHER, server.demoPassword);
  await useMode(page, server.url, mode);
  await page.goto(`${server.url}/manage/cases`);
  return page;
}

for (const mode of MODES) {
  test(`dispatch a new case from the queue in ≤ 3 taps (${mode.name})`, async () => {
    const id = await file('0401', `路面塌了一个坑（${mode.name}）`);
    const page = await atQueue(mode);
    await checkA11y(page, `queue (${mode.name})`);
    const j = journey(page, `dispatch-${mode.name}`, 3);
    await j.shot('queue');

    await j.tap(`a[href="/cases/${id}"]`, 'case');
    await checkA11y(page, `case page for the dispatcher (${mode.name})`);
    assert.equal(await page.locator('form[action$="/act"]').count(), 1, 'one action form');
    assert.equal(await page.locator('#act textarea').count(), 1, 'one note box');
    assert.ok(await page.locator('#action-dispatch').isChecked(), 'dispatch is chosen');
    assert.match(await page.locator('dl.summary').innerText(), /(反映人|Reporter|Reported by)\s*居民/, 'the reporter is named');
    // Only the chosen action's fields show (the rating, say, is not there to fill).
    assert.ok(await page.locator('#f-department_id').isVisible());

    // English pages name the department in English (issue 12 point 8).
    const enforcement = mode.name === 'en' ? 'District Law Enforcement Bureau' : '区综合行政执法局';
    await j.select('#f-department_id', { label: enforcement }, 'department');
    await j.tap('#act button[type=submit]', 'dispatched');
    await checkA11y(page, `case dispatched (${mode.name})`);
    assert.ok((await page.textContent('main')).includes(enforcement));
    assert.ok(await page.locator('#action-redispatch').count() === 1, 'now it may be redispatched');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
    j.done();
    await page.context().close();
  });
}

test('a category with its own department is dispatched in 2 taps: it is preselected', async () => {
  // 噪声扰民 goes to 区综合行政执法局 first (the district's seed).
  const id = await file('7003', '楼下广场舞音响太响');
  const page = await atQueue(MODES[0]);
  const j = journey(page, 'dispatch-preselected', 2);
  await j.tap(`a[href="/cases/${id}"]`, 'case');
  const chosen = await page.locator('#f-department_id option:checked').innerText();
  assert.equal(chosen, '区综合行政执法局');
  await j.tap('#act button[type=submit]', 'dispatched');
  assert.match(await page.textContent('main'), /派往 区综合行政执法局/);
  j.done();
  await page.context().close();
});
