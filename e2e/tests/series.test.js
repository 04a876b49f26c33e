// An organiser creates a seven-month weekly film series at 54 venues in one step, through the
// back office; the public page lists the sessions.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';

let server;
let browser;

/** A real PNG of the given size (a red gradient), built here rather than kept as a file. */
function png(width, height) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([166, (x * 255) / width, (y * 255) / height], 1 + x * 3);
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function cstDate(offsetDays) {
  return new Date(Date.now() + 8 * 3600_000 + offsetDays * 24 * 3600_000).toISOString().slice(0, 10);
}

test('an organiser creates a 7-month weekly series at 54 venues', async () => {
  const page = await newPage(browser);
  const base = server.url;
  await login(page, base, '13800000003', server.demoPassword);
  await page.goto(`${base}/manage`);
  await page.click('a[href="/manage/events"]');
  await checkA11y(page, 'activities back office');
  await page.click('a[href="/manage/events/new"]');
  await checkA11y(page, 'new activity');
  await page.fill('#f-title', '红色电影展播：每周六晚');
  await page.selectOption('#f-kind', 'film');
  await page.fill('#f-campaign', '学党史');
  await Promise.all([page.waitForURL(/\/manage\/events\/\d+$/), page.click('form button[type=submit].primary')]);
  await checkA11y(page, 'activity admin');

  // Saturdays at 19:00 for seven months, at 54 venues.
  await page.fill('#f-first_date', cstDate(1));
  await page.fill('#f-start_time', '19:00');
  await page.fill('#f-end_time', '21:00');
  await page.check('input[name=repeat][value=weekly]');
  await page.check('input[name=weekday][value=SA]');
  await page.fill('#f-until', cstDate(7 * 30));
  await page.fill('#f-capacity', '60');
  for (const d of await page.locator('details').all()) await d.evaluate((el) => { el.open = true; });
  const boxes = page.locator('input[name=venue]');
  assert.ok((await boxes.count()) >= 54);
  for (let i = 0; i < 54; i++) await boxes.nth(i).check();
  await Promise.all([page.waitForURL(/created=\d+/), page.click('form[action*="/sessions#"] button[type=submit]')]);
  const created = Number(new URL(page.url()).searchParams.get('created'));
  assert.ok(created >= 54 * 29 && created <= 54 * 31, `about 30 Saturdays × 54 venues, got ${created}`);
  assert.match(await page.textContent('.notice'), new RegExp(String(created)));

  // A cover picture, larger than kept: scaled down on upload, shown on the public page.
  await page.setInputFiles('#f-cover', { name: 'cover.png', mimeType: 'image/png', buffer: png(1600, 1200) });
  await Promise.all([page.waitForURL(/\/manage\/events\/\d+$/), page.click('.cover-form button.primary')]);
  const kept = await page.locator('img.cover').evaluate(async (img) => { await img.decode(); return [img.naturalWidth, img.naturalHeight]; });
  assert.deepEqual(kept, [1200, 900]);
  await checkA11y(page, 'activity admin with cover');

  // The public page lists them.
  await Promise.all([page.waitForURL((url) => /^\/events\/\d+$/.test(url.pathname)), page.click('a:has-text("查看公开页面")')]);
  assert.ok((await page.locator('.slots li').count()) >= 54 * 29);
  assert.ok(await page.locator('img.cover').evaluate((img) => img.decode().then(() => img.naturalWidth > 0)));
  await page.context().close();
});
