// The public board: a resident's located report is listed at once, without its place; once a
// dispatcher accepts it (and approves its photo on the case page) it shows as a point on the
// server-drawn SVG map, and a visitor sees the case with its address and that photo. Every page
// passes axe at phone width; the map scales to its box, every dot inside it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login, shot } from '../lib/harness.js';

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

/** Calls the JSON API as the holder of `token`. */
async function api(token, method, path, body, type = 'application/json') {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': type } : {}) },
    body: body && type === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

test('a located report is listed at once and on the map once accepted; its reviewed photo is public', async () => {
  const base = server.url;
  const resident = server.cli(['token', 'create', '--phone', '13800000009']).trim();
  const categories = (await api(resident, 'GET', '/case-categories')).body;
  const category = categories.find((c) => c.code === '0101').id;
  const filed = await api(resident, 'POST', '/cases', {
    category_id: category,
    description: '人行道上私搭乱建的棚子',
    address: '香港中路 1 号',
    lat: 36.0615,
    lng: 120.3835,
  });
  assert.equal(filed.status, 201);
  const id = filed.body.id;

  // A photo, taken with the browser itself (any JPEG will do).
  const page = await newPage(browser);
  await page.goto(base + '/');
  const jpeg = await page.screenshot({ type: 'jpeg', quality: 60 });
  const uploaded = await api(resident, 'POST', `/cases/${id}/photos`, jpeg, 'image/jpeg');
  assert.equal(uploaded.status, 201);
  const image = uploaded.body[0].id;

  // A visitor: the board, reached from the navigation. The report is listed, but a report
  // nobody has taken on yet has no public position: no point on the map.
  await page.click('header summary'); // the board is in the header's menu
  await page.click('nav a[href="/board"]');
  assert.equal(await page.locator('h1').textContent(), '公开案件');
  assert.equal(await page.locator('.board-map svg .map-community').count(), 50);
  const point = page.locator(`.board-map svg a[href="/board/${id}"]`);
  assert.equal(await point.count(), 0);
  assert.equal(await page.locator(`#case-${id} a[href="/board/${id}"]`).count(), 1, 'listed');
  assert.match(await page.textContent(`#case-${id}`), /未公开位置/);
  // Phone width: neither the page nor the map scrolls sideways; every dot is inside the box.
  const widths = await page.evaluate(() => {
    const box = document.querySelector('.board-map').getBoundingClientRect();
    const outside = [...document.querySelectorAll('.board-map circle')].filter((c) => {
      const r = c.getBoundingClientRect();
      return r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom;
    }).length;
    return {
      page: document.documentElement.scrollWidth,
      view: window.innerWidth,
      map: document.querySelector('.board-map').scrollWidth,
      box: document.querySelector('.board-map').clientWidth,
      outside,
    };
  });
  assert.ok(widths.page <= widths.view, JSON.stringify(widths));
  assert.ok(widths.map <= widths.box && widths.outside === 0, `the map fits its box: ${JSON.stringify(widths)}`);
  await checkA11y(page, 'board');
  await page.selectOption('#f-state', 'open');
  await Promise.all([page.waitForURL(/state=open/), page.click('form[action="/board"] button[type=submit]')]);
  assert.equal(await page.locator(`#case-${id}`).count(), 1);
  await checkA11y(page, 'board filtered');

  // The case: no description, no address, no photo yet.
  await page.click(`#case-${id} a[href="/board/${id}"]`);
  await page.waitForURL(`${base}/board/${id}`);
  assert.match(await page.textContent('main'), /问题描述和具体地点在受理后公开/);
  assert.doesNotMatch(await page.textContent('main'), /香港中路 1 号/);
  assert.equal(await page.locator('main img').count(), 0);
  await checkA11y(page, 'public case');

  // The dispatcher accepts it and approves the photo on the case page.
  const staff = await newPage(browser);
  await login(staff, base, '13800000005', server.demoPassword);
  await staff.goto(`${base}/cases/${id}`);
  await Promise.all([
    staff.waitForURL(new RegExp(`/cases/${id}`)),
    staff.click(`form[action="/cases/${id}/photos/${image}/review"] button`),
  ]);
  assert.match(await staff.textContent('.photos'), /已审核，公开展示/);
  await checkA11y(staff, 'case page with a reviewed photo');
  await staff.check('#action-accept');
  await Promise.all([staff.waitForURL(`${base}/cases/${id}`), staff.click('#act button[type=submit]')]);
  await staff.context().close();

  // On the board now: a point on the map, the way to the case.
  await page.goto(base + '/board');
  assert.equal(await point.count(), 1);
  assert.match(await point.getAttribute('aria-label'), /私搭乱建，已立案/);
  const box = await point.locator('circle').boundingBox();
  assert.ok(box && box.width > 0, 'the point is drawn');
  const frame = await page.locator('.board-map').boundingBox();
  assert.ok(box.x >= frame.x && box.x + box.width <= frame.x + frame.width, 'the point is inside the map');
  await shot(page, 'board-map');
  await point.click();
  await page.waitForURL(`${base}/board/${id}`);
  assert.match(await page.textContent('main'), /人行道上私搭乱建的棚子/);
  assert.match(await page.textContent('main'), /香港中路 1 号/);
  const img = page.locator(`main img[src="/board/${id}/photos/${image}.jpg"]`);
  assert.equal(await img.count(), 1);
  assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the photo loads for a visitor');
  assert.doesNotMatch(await page.textContent('main'), /13800000009/);
  await checkA11y(page, 'public case with its photo');
  await page.context().close();
});

test('a resident switches the report page to their own requests', async () => {
  const base = server.url;
  const page = await newPage(browser);
  await login(page, base, '13800000009', server.demoPassword);
  await page.goto(base + '/report');
  assert.equal(await page.locator('button[value="city"][aria-pressed="true"]').count(), 1);
  await Promise.all([page.waitForLoadState('load'), page.click('button[value="request"]')]);
  assert.equal(await page.locator('button[value="request"][aria-pressed="true"]').count(), 1);
  assert.match(await page.textContent('main'), /养老助餐/);
  await checkA11y(page, 'report: requests');
  await page.context().close();
});
