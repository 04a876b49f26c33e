// Study points (学习积分) in a phone-sized Chromium: a resident with no points reads how to earn
// them; an organiser marks the resident's attendance at a lesson (over the API) and the
// resident sees the points with a link to their bookings; the district admin changes a rule
// (a mistake first, sent back with the error summary), a street admin only reads the rules.
// Each page in Chinese, English and large text, checked by axe. E2E_SHOTS=<dir> saves them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login, shot } from '../lib/harness.js';
import { MODES, useMode } from '../lib/journey.js';

const ADMIN = '13800000001';
const STREET_ADMIN = '13800000002';
const ORGANISER = '13800000003';
const RESIDENT = '13800000009';

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

/** A JSON API call with `phone`'s token. */
async function api(phone, method, path, body) {
  const token = server.cli(['token', 'create', '--phone', phone, '--label', 'e2e']).trim().split('\n').pop();
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await r.json().catch(() => null);
  return { status: r.status, json };
}

/** The resident attends a party lesson tomorrow; the organiser marks it. */
async function attend() {
  const departments = (await api(ORGANISER, 'GET', '/departments')).json.items;
  const venues = (await api(ORGANISER, 'GET', '/venues')).json.items;
  const event = await api(ORGANISER, 'POST', '/events', {
    title: '学习党的二十大精神', kind: 'party_lesson', department_id: departments[0].id,
  });
  assert.equal(event.status, 201, JSON.stringify(event.json));
  const day = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  const session = await api(ORGANISER, 'POST', `/events/${event.json.id}/sessions`, {
    venue_id: venues[0].id, starts_at: `${day}T10:00:00+08:00`, ends_at: `${day}T11:00:00+08:00`, capacity: 30,
  });
  assert.equal(session.status, 201, JSON.stringify(session.json));
  const reg = await api(RESIDENT, 'POST', `/sessions/${session.json.id}/registrations`, {});
  assert.equal(reg.status, 201, JSON.stringify(reg.json));
  const marked = await api(ORGANISER, 'POST', `/bookings/${reg.json.id}/attendance`, { status: 'attended' });
  assert.equal(marked.status, 200, JSON.stringify(marked.json));
}

test('a resident reads how to earn points, earns some by attending, and sees them', async () => {
  const base = server.url;
  // Someone new has none yet, and the page says how to earn them.
  server.cli(['user', 'add', '--phone', '13900000201', '--name', '新居民', '--role', 'resident', '--password-stdin'],
    'resident-password-1\n');
  const fresh = await newPage(browser);
  await login(fresh, base, '13900000201', 'resident-password-1');
  await fresh.goto(`${base}/me/points`);
  assert.match(await fresh.textContent('main'), /还没有积分/);
  await checkA11y(fresh, 'my points, empty');
  await shot(fresh, 'points-mine-empty-zh');
  await fresh.context().close();
  // The demo resident has points from the demo's week of check-ins; attending adds 10.
  let start;
  for (const mode of MODES) {
    const page = await newPage(browser);
    await login(page, base, RESIDENT, server.demoPassword);
    await useMode(page, base, mode);
    await page.goto(`${base}/me`);
    await Promise.all([page.waitForURL(/\/me\/points$/), page.click('a[href="/me/points"]')]);
    if (mode.name === 'zh') {
      start = Number((await page.textContent('.points-total strong')).trim());
      await attend();
      await page.reload();
    }
    assert.equal(Number((await page.textContent('.points-total strong')).trim()), start + 10);
    assert.equal(await page.locator('.points-history a[href="/me/bookings"]').count(), 1);
    await checkA11y(page, `my points, ${mode.name}`);
    await shot(page, `points-mine-${mode.name}`);
    await page.context().close();
  }
});

test('the district admin changes a rule; a street admin reads the rules', async () => {
  const base = server.url;
  for (const mode of MODES) {
    const page = await newPage(browser);
    await login(page, base, ADMIN, server.demoPassword);
    await useMode(page, base, mode);
    await page.goto(`${base}/manage`);
    await Promise.all([page.waitForURL(/\/manage\/points$/), page.click('a[href="/manage/points"]')]);
    await checkA11y(page, `points rules, ${mode.name}`);
    await shot(page, `points-rules-${mode.name}`);
    await Promise.all([page.waitForURL(/\/manage\/points\/quiz$/), page.click('a[href="/manage/points/quiz"]')]);
    await page.fill('#f-points', '5');
    await page.fill('#f-daily_cap', '3');
    await Promise.all([page.waitForNavigation(), page.click('form[action^="/manage/points/"] button[type=submit]')]);
    // Autofocus is applied once the page has loaded.
    await page.waitForFunction(() => document.activeElement?.id === 'form-errors', null, { timeout: 3000 });
    assert.equal(await page.inputValue('#f-daily_cap'), '3', 'what was typed is kept');
    await checkA11y(page, `points rule, error, ${mode.name}`);
    await shot(page, `points-rule-error-${mode.name}`);
    await page.fill('#f-daily_cap', '15');
    await Promise.all([page.waitForURL(/\/manage\/points\?saved=quiz/), page.click('form[action^="/manage/points/"] button[type=submit]')]);
    assert.equal(await page.locator('#rule-quiz td').first().textContent(), '5');
    await shot(page, `points-rules-saved-${mode.name}`);
    await page.context().close();
  }
  const street = await newPage(browser);
  await login(street, base, STREET_ADMIN, server.demoPassword);
  await street.goto(`${base}/manage/points`);
  assert.equal(await street.locator('a[href^="/manage/points/"]').count(), 0, 'read only');
  await checkA11y(street, 'points rules, street admin');
  await shot(street, 'points-rules-street');
});
