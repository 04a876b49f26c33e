// Issue 12's reporting journey: from the home page, a resident reports 占道经营 with a photo and
// the phone's position in at most 6 taps — the common problems' tile, a description, a photo,
// next, submit — and sees before filing the photo's thumbnail and the position on the district's
// map with the nearest community. In Chinese, English and large text; axe-clean on every screen.
// The search finds the same problem by pinyin initials as one types.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { journey, MODES, useMode } from '../lib/journey.js';

const RESIDENT = '13800000009';
// By 五四广场, 香港中路街道.
const HERE = { latitude: 36.0621, longitude: 120.3838 };

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
  return { name: 'stall.png', mimeType: 'image/png', buffer: await page.screenshot({ clip: { x: 0, y: 0, width: 240, height: 160 } }) };
}

for (const mode of MODES) {
  test(`report 占道经营 with a photo and the position from home in ≤ 6 taps (${mode.name})`, async () => {
    const base = server.url;
    const page = await newPage(browser);
    await login(page, base, RESIDENT, server.demoPassword);
    await page.context().grantPermissions(['geolocation'], { origin: base });
    await page.context().setGeolocation(HERE);
    await useMode(page, base, mode);
    const picture = await photo(page);
    await page.goto(`${base}/`);
    const j = journey(page, `report-${mode.name}`, 6);
    await j.shot('home');

    await j.tap('a.portal-report-button', 'choose');
    await checkA11y(page, `report screen 1 (${mode.name})`);
    // English pages name the category in English (issue 12 point 8).
    const vending = mode.name === 'en' ? 'Street vending on the pavement' : '占道经营';
    const tile = page.locator('#common-problems button', { hasText: vending });
    assert.equal(await tile.count(), 1, '占道经营 is a common problem');
    const box = await tile.boundingBox();
    assert.ok(box.y + box.height <= 844, `the tile is on the first screen (${Math.round(box.y)} px)`);
    assert.ok(box.height >= 44 && box.width >= 44, 'a big tap target');
    assert.ok(!(await page.textContent('main')).includes('扩展事件'), 'no jargon heading');

    await j.tap(`#common-problems button:has-text("${vending}")`, 'describe');
    await checkA11y(page, `report screen 2 (${mode.name})`);
    await j.fill('#f-description', '人行道上摆满了水果摊，行人只能走机动车道。', 'described');
    await j.files('#f-photo', picture, 'photo');
    // The phone's position, allowed before: taken without a tap.
    await page.waitForFunction(() => document.getElementById('f-lat').value !== '');
    await j.tap('button[name=step][value=preview]', 'review');

    await checkA11y(page, `report screen 3 (${mode.name})`);
    assert.equal(await page.locator('dl.summary img[src^="/report/photos/"]').count(), 1, 'the thumbnail');
    assert.ok(await page.locator('dl.summary img').evaluate((img) => img.complete && img.naturalWidth > 0), 'it loads');
    assert.match(await page.locator('dl.summary').innerText(), /靠近 香港中路街道 · |Near 香港中路街道 · /);
    const map = page.locator('.located-map svg');
    assert.equal(await map.count(), 1, 'the district map');
    const frame = await map.boundingBox();
    assert.ok(frame.width <= 390, `the map fits the phone (${frame.width} px)`);
    const here = await page.locator('.map-here circle').last().boundingBox();
    assert.ok(here.x >= frame.x && here.x + here.width <= frame.x + frame.width, 'the point is inside the map');

    await j.tap('button[name=step][value=submit]', 'filed');
    assert.match(page.url(), /\/cases\/\d+\?filed=1$/);
    await checkA11y(page, `case page after filing (${mode.name})`);
    const title = await page.textContent('main');
    assert.ok(title.includes(vending) && !title.includes('扩展事件'), 'the case is titled by its plain name');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width}px)`);
    j.done();
    await page.context().close();
  });
}

test('the search finds 占道经营 by pinyin initials as one types, and without script too', async () => {
  const base = server.url;
  const page = await newPage(browser);
  await login(page, base, RESIDENT, server.demoPassword);
  await page.goto(`${base}/report`);
  await page.fill('#f-q', 'zd');
  const visible = await page.locator('#categories li:not([hidden]) button').allInnerTexts();
  assert.ok(visible.includes('占道经营') && !visible.includes('暴露垃圾'), visible.join(','));
  assert.ok(await page.locator('#common-problems').isHidden(), 'the common list steps aside');
  await checkA11y(page, 'report search as typed');
  // Submitted (what a browser without the script does): the server filters alike.
  await Promise.all([page.waitForNavigation(), page.press('#f-q', 'Enter')]);
  const found = await page.locator('#categories button').allInnerTexts();
  assert.ok(found.includes('占道经营') && found.length < 10, found.join(','));
  await page.fill('#f-q', 'zhandao');
  assert.ok((await page.locator('#categories li:not([hidden]) button').allInnerTexts()).includes('占道经营'));
  await page.context().close();
});
