// Issue 12's journey: from the home page, this week's activity near me, register, see the
// ticket — at most 3 taps, in Chinese, in English and in large-text mode, every page axe-clean,
// a screenshot of every step. Also looks at the activity list's first screen (shortcuts, folded
// filter) and a venue page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login, shot } from '../lib/harness.js';
import { journey } from '../lib/journey.js';

let server;
let browser;
let near;

/** A day this week (district time), `days` from today. */
function inDays(days) {
  return new Date(Date.now() + 8 * 3600_000 + days * 24 * 3600_000).toISOString().slice(0, 10);
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
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
  // Two activities this week: one sooner but elsewhere, one at the station of the residents'
  // own community (venue 1, 云霄路社区), on two days.
  const far = await api('/events', { title: '书法公益课', kind: 'lecture', department_id: 1 });
  await api(`/events/${far.id}/sessions`, { venue_id: 20, capacity: 30, starts_at: `${inDays(1)}T09:00:00+08:00`, ends_at: `${inDays(1)}T10:00:00+08:00` });
  near = await api('/events', { title: '微党课：红色记忆', kind: 'party_lesson', department_id: 1 });
  for (const [day, venue] of [[2, 1], [2, 20], [3, 1]]) {
    await api(`/events/${near.id}/sessions`, { venue_id: venue, capacity: 30, starts_at: `${inDays(day)}T19:00:00+08:00`, ends_at: `${inDays(day)}T20:30:00+08:00` });
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const MODES = [
  { name: 'zh', lang: 'zh-CN', large: false, phone: '13900000201', held: /已报名/, done: /预约成功|报名成功/ },
  { name: 'en', lang: 'en', large: false, phone: '13900000202', held: /Registered/, done: /Booked|Registered/ },
  { name: 'large', lang: 'zh-CN', large: true, phone: '13900000203', held: /已报名/, done: /预约成功|报名成功/ },
];

for (const mode of MODES) {
  test(`this week's activity near me, registered, ticket shown in ≤ 3 taps (${mode.name})`, async () => {
    const base = server.url;
    server.cli(['user', 'add', '--phone', mode.phone, '--name', '刘先生', '--role', 'resident', '--community', '370202001001', '--password-stdin'], 'e2e-resident-password\n');
    const page = await newPage(browser);
    await page.context().addCookies([{ name: 'ejia_lang', value: mode.lang === 'en' ? 'en' : 'zh-CN', url: base }]);
    await login(page, base, mode.phone, 'e2e-resident-password');
    await page.goto(`${base}/`);
    if (mode.large) await Promise.all([page.waitForNavigation(), page.click('button[name=view][value=large]')]);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('large')), mode.large);

    const j = journey(page, `activity-${mode.name}`, 3);
    await j.shot('home');
    await checkA11y(page, 'home');
    // The week's list puts the resident's own community first, though another is sooner.
    const first = page.locator('.portal-week li').first();
    assert.equal(await first.locator('a').getAttribute('href'), `/events/${near.id}`);
    await j.tap(`.portal-week li:first-child a[href="/events/${near.id}"]`, 'activity');
    await checkA11y(page, 'activity');
    // Sessions by day, the nearest day first, and within it the resident's community's first.
    const firstSession = page.locator('.sessions-form li').first();
    assert.match(await firstSession.textContent(), mode.lang === 'en' ? /My community/ : /我的社区/);
    await j.tap('.sessions-form li:first-child button[type=submit]', 'registered');
    assert.match(await page.textContent('.notice'), mode.done);
    assert.equal(await page.locator('img.qr').count(), 1, 'the ticket');
    await checkA11y(page, 'ticket');
    const { taps, screens } = j.done();
    console.log(`activity journey (${mode.name}): ${taps} taps, ${screens} screens`);

    // Back on the activity, the session says it is held.
    await page.goto(`${base}/events/${near.id}`);
    assert.match(await page.locator('.sessions-form li').first().textContent(), mode.held);
    await shot(page, `activity-${mode.name}-held`);
    // The list's first screen: shortcuts and a folded filter, then the cards.
    await page.goto(`${base}/events`);
    await checkA11y(page, 'activity list');
    assert.equal(await page.locator('details.filters-fold[open]').count(), 0);
    const card = await page.locator('.cards li').first().boundingBox();
    assert.ok(card && card.y < 844, `the first card starts on the first screen (at ${card?.y})`);
    await shot(page, `activity-${mode.name}-list`);
    await page.click('.shortcuts a:has-text("' + (mode.lang === 'en' ? 'My community' : '我的社区') + '")');
    await page.waitForLoadState();
    await checkA11y(page, 'my community');
    await page.click('.cards li:first-child .next a');
    await page.waitForLoadState();
    assert.match(page.url(), /\/venues\/\d+$/);
    await checkA11y(page, 'venue');
    await shot(page, `activity-${mode.name}-venue`);
    await page.context().close();
  });
}
