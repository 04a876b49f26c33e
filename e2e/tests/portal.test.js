// The portal (/) in a phone-sized Chromium: anonymous and signed in, in Chinese, English and
// large text, each page checked by axe; the header's search box works without JS; the big
// report entry, a service and an activity are a tap or two away.
// E2E_SHOTS=<dir> saves a screenshot of each page there, to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login, shot } from '../lib/harness.js';

const RESIDENT = '13800000009'; // the demo's resident

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

test('the portal for a visitor: sections, English, large text, the search box', async () => {
  const page = await newPage(browser);
  const base = server.url;
  await page.goto(base + '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('.portal-report-button'), /随手拍/);
  assert.match(await page.textContent('.portal-mine'), /登录/);
  await checkA11y(page, 'portal');
  await shot(page, 'portal-anon-zh');

  await Promise.all([page.waitForNavigation(), page.click('.toggles button[name=lang]')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await checkA11y(page, 'portal in English');
  await shot(page, 'portal-anon-en');
  await Promise.all([page.waitForNavigation(), page.click('.toggles button[name=view]')]);
  assert.equal(await page.getAttribute('html', 'class'), 'large');
  await checkA11y(page, 'portal in English, large text');
  await shot(page, 'portal-anon-en-large');
  // In large text the language switch and the search box are in the header's menu (issue 12 point 7).
  await page.click('header summary');
  await Promise.all([page.waitForNavigation(), page.click('header button[name=lang]')]);
  await checkA11y(page, 'portal in large text');
  await shot(page, 'portal-anon-zh-large');

  // The header's search box, a plain GET form.
  await page.click('header summary');
  await page.fill('#site-q', '党史');
  await Promise.all([page.waitForNavigation(), page.press('#site-q', 'Enter')]);
  assert.match(page.url(), /\/search\?q=%E5%85%9A%E5%8F%B2/);
  await checkA11y(page, 'search from the header');

  // Report a problem: one tap.
  await page.goto(base + '/');
  await Promise.all([page.waitForNavigation(), page.click('.portal-report-button')]);
  assert.match(page.url(), /\/report$|\/login\?next=%2Freport$/, 'the form, or first the login that returns to it');
});

/** Tomorrow in district time, YYYY-MM-DD. */
function tomorrow() {
  return new Date(Date.now() + 8 * 3600_000 + 24 * 3600_000).toISOString().slice(0, 10);
}

/** POSTs to the API as the demo account with this phone; the answer's body. */
async function api(phone, path, body) {
  const token = server.cli(['token', 'create', '--phone', phone]).trim().split('\n').pop();
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.status < 300, `${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

test('the portal for a signed-in resident, with content: a tap or two to register, book, report', async () => {
  // Content through the API, as the newsroom and the organiser would make it.
  const EDITOR = '13800000004';
  const ORGANISER = '13800000003';
  const REVIEWER = '13700000045';
  server.cli(['user', 'add', '--phone', REVIEWER, '--name', '审稿编辑', '--role', 'editor', '--password-stdin'], 'e2e-editor-password\n');
  const topic = await api(EDITOR, '/topics', { title: '学百年党史 聚市南力量', description: '市南区的党史学习教育专题。' });
  const article = await api(EDITOR, '/articles', { title: '红色电影周在八大峡开幕', summary: '首场放映', body_markdown: '正文', topic_ids: [topic.id] });
  await api(EDITOR, `/articles/${article.id}/transitions`, { to: 'review' });
  await api(REVIEWER, `/articles/${article.id}/transitions`, { to: 'published' });
  const day = tomorrow();
  const service = await api(ORGANISER, '/services', { name: '老年人健康体检', real_name_required: false, department_id: 1 });
  await api(ORGANISER, `/services/${service.id}/slots`, { venue_id: 1, capacity: 20, starts_at: `${day}T08:30:00+08:00`, ends_at: `${day}T09:00:00+08:00` });
  const event = await api(ORGANISER, '/events', { title: '微党课：红色记忆', kind: 'party_lesson', department_id: 1 });
  await api(ORGANISER, `/events/${event.id}/sessions`, { venue_id: 1, capacity: 30, starts_at: `${day}T10:00:00+08:00`, ends_at: `${day}T11:00:00+08:00` });

  const page = await newPage(browser);
  const base = server.url;
  await page.goto(base + '/');
  assert.match(await page.textContent('.portal-campaign'), /学百年党史/);
  assert.match(await page.textContent('.portal-news'), /红色电影周/);
  await checkA11y(page, 'portal with content');
  await shot(page, 'portal-content-anon-zh');

  await login(page, base, RESIDENT, server.demoPassword);
  // Register for this week's activity: the activity, then its session's button — 2 taps.
  await page.goto(base + '/');
  await Promise.all([page.waitForNavigation(), page.click(`.portal-week a[href="/events/${event.id}"]`)]);
  await Promise.all([page.waitForNavigation(), page.click('form.book button[type=submit]')]);
  assert.match(page.url(), /\/me\/bookings(#[\w-]*)?$/);
  // Book a service: its next free day, then the slot's button — 2 taps.
  await page.goto(base + '/');
  await Promise.all([page.waitForNavigation(), page.click(`.portal-services a[href="/services/${service.id}?date=${day}"]`)]);
  await Promise.all([page.waitForNavigation(), page.locator('form.book button[type=submit]').first().click()]);
  assert.match(page.url(), /\/me\/bookings(#[\w-]*)?$/);

  await page.goto(base + '/');
  assert.doesNotMatch(await page.textContent('.portal-mine'), /登录后/);
  assert.match(await page.textContent('.portal-mine'), /消息/);
  await checkA11y(page, 'portal signed in');
  assert.match(await page.textContent('.portal-next-booking'), /微党课|老年人健康体检/);
  await shot(page, 'portal-resident-zh');
  await Promise.all([page.waitForNavigation(), page.click('.toggles button[name=lang]')]);
  await checkA11y(page, 'portal signed in, English');
  await shot(page, 'portal-resident-en');
  await Promise.all([page.waitForNavigation(), page.click('.toggles button[name=lang]')]);
  await Promise.all([page.waitForNavigation(), page.click('.toggles button[name=view]')]);
  await checkA11y(page, 'portal signed in, large text');
  await shot(page, 'portal-resident-zh-large');
});
