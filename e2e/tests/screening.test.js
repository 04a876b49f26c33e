// A red-film screening: a resident registers and gets a QR ticket; the next resident waits
// for the full session and is promoted when the first cancels; staff check the ticket in.

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

function tomorrow() {
  return new Date(Date.now() + 8 * 3600_000 + 24 * 3600_000).toISOString().slice(0, 10);
}

test('register, wait, be promoted, be checked in', async () => {
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
  const { id: event } = await api('/events', { title: '红色电影展播：《长津湖》', kind: 'film', department_id: 1, campaign: '学党史' });
  const day = tomorrow();
  await api(`/events/${event}/sessions`, { venue_id: 1, capacity: 1, starts_at: `${day}T19:00:00+08:00`, ends_at: `${day}T21:00:00+08:00` });
  server.cli(['user', 'add', '--phone', '13700000077', '--name', '李大爷', '--role', 'resident', '--password-stdin'], 'e2e-resident-password\n');
  const base = server.url;

  // The first resident finds the screening and registers.
  const first = await newPage(browser);
  await login(first, base, '13800000009', server.demoPassword);
  await first.click('nav a[href="/events"]');
  await checkA11y(first, 'activities');
  await first.click(`a[href="/events/${event}"]`);
  await checkA11y(first, 'screening');
  await Promise.all([first.waitForURL(/\/me\/bookings(#[\w-]*)?$/), first.click('form.book button[type=submit]')]);
  assert.equal(await first.locator('img.qr').count(), 1);

  // The second waits, as the session is full.
  const second = await newPage(browser);
  await login(second, base, '13700000077', 'e2e-resident-password');
  await second.goto(`${base}/events/${event}`);
  await Promise.all([second.waitForURL(/\/me\/bookings(#[\w-]*)?$/), second.click('form.book button[type=submit]')]);
  assert.match(await second.textContent('.notice'), /候补/);
  await checkA11y(second, 'waiting list');

  // The first cancels (the list's button asks again first); the second is promoted.
  await first.goto(`${base}/me/bookings`);
  await Promise.all([first.waitForURL(/\/cancel$/), first.click('.bookings a[href$="/cancel"]')]);
  await checkA11y(first, 'cancel confirmation');
  await Promise.all([first.waitForURL(/\/me\/bookings(#[\w-]*)?$/), first.click('form.confirm button[type=submit]')]);
  await second.goto(`${base}/me/bookings`);
  assert.match(await second.textContent('.bookings'), /预约成功/);
  const code = (await second.textContent('.bookings .code')).trim();
  // …and told so in their inbox.
  await second.click('nav a[href="/me/inbox"]');
  assert.match(await second.textContent('.inbox li.unread'), /候补成功/);
  await checkA11y(second, 'inbox');
  await Promise.all([second.waitForURL(/\/me\/inbox$/), second.click('form[action="/me/inbox/read"] button')]);
  assert.equal(await second.locator('.inbox li.unread').count(), 0);

  // Staff check the ticket in by its code.
  const staff = await newPage(browser);
  await login(staff, base, '13800000003', server.demoPassword);
  await staff.goto(`${base}/manage/checkin`);
  await checkA11y(staff, 'check-in');
  await staff.fill('#f-code', code);
  await Promise.all([staff.waitForNavigation(), staff.click('#checkin-form button[type=submit]')]);
  assert.match(await staff.textContent('main'), /签到成功/);
  assert.match(await staff.textContent('main'), /李大爷/);
  await checkA11y(staff, 'check-in done');
  for (const p of [first, second, staff]) await p.context().close();
});
