// A resident books a vaccination slot for an elderly parent; the organiser marks them as
// come. Every page on the way passes axe.

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

/** Completes 17 digits with their GB 11643 check character. */
function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** Tomorrow in China Standard Time, YYYY-MM-DD. */
function tomorrow() {
  const t = new Date(Date.now() + 8 * 3600_000 + 24 * 3600_000);
  return t.toISOString().slice(0, 10);
}

test('a resident books a vaccination slot for an elderly parent', async () => {
  // The organiser (a demo account) sets up the service through the API.
  const token = server.cli(['token', 'create', '--phone', '13800000003']).trim();
  const api = async (path, body) => {
    const r = await fetch(`${server.url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    assert.equal(r.status, 201, `${path}: ${text}`);
    return JSON.parse(text);
  };
  const { id: service } = await api('/services', { name: '流感疫苗接种（老年人）', real_name_required: true, department_id: 1 });
  const day = tomorrow();
  await api(`/services/${service}/slots`, {
    venue_id: 1, capacity: 20, min_age: 60,
    starts_at: `${day}T08:30:00+08:00`, ends_at: `${day}T09:00:00+08:00`,
  });

  const page = await newPage(browser);
  const base = server.url;
  await login(page, base, '13800000009', server.demoPassword);

  // Add the parent with her ID number.
  await page.click('header summary'); // 家人 is in the header's menu
  await page.click('nav a[href="/me/people"]');
  await checkA11y(page, 'family members');
  await page.fill('#f-name', '王秀英');
  await page.selectOption('#f-relation', 'parent');
  await page.fill('#f-id_number', residentId('37020219500101123'));
  await Promise.all([page.waitForNavigation(), page.click('form[action^="/me/people"] button[type=submit]')]);
  assert.match(await page.textContent('main'), /王秀英/);
  assert.match(await page.textContent('main'), /3702\*{10}/);

  // Find the service and the slot, book for her.
  await page.click('nav a[href="/services"]');
  await checkA11y(page, 'services');
  await page.click(`a[href="/services/${service}"]`);
  await page.click(`a[href="/services/${service}?date=${day}"]`);
  await checkA11y(page, 'service day');
  const form = page.locator('form.book').first();
  await form.locator('select').selectOption({ label: '父母 · 王秀英' });
  await Promise.all([page.waitForURL(/\/me\/bookings(#[\w-]*)?$/), form.locator('button[type=submit]').click()]);
  assert.match(await page.textContent('.notice'), /预约成功/);
  assert.match(await page.textContent('.bookings'), /王秀英/);
  const code = (await page.textContent('.bookings .code')).trim();
  assert.equal(await page.locator('img.qr').count(), 1);
  const qr = await page.evaluate(() => document.querySelector('img.qr').naturalWidth);
  assert.ok(qr > 0, 'the QR ticket loads');
  await checkA11y(page, 'my bookings');
  await page.context().close();

  // The organiser checks her in on the day sheet.
  const staff = await newPage(browser);
  await login(staff, base, '13800000003', server.demoPassword);
  await staff.goto(`${base}/manage/services/${service}?date=${day}`);
  await checkA11y(staff, 'day sheet');
  const row = staff.locator('tr', { hasText: code });
  await Promise.all([staff.waitForNavigation(), row.locator('button[value=attended]').click()]);
  assert.match(await staff.locator('tr', { hasText: code }).textContent(), /已到场/);
  await staff.context().close();
});
