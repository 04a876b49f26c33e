// Issue 12's journey: a resident books a first vaccination for an elderly parent, adding the
// parent on the way, in at most 8 taps from the home page — in Chinese, in English and in
// large-text mode, every page axe-clean, a screenshot of every step.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login, shot } from '../lib/harness.js';
import { journey } from '../lib/journey.js';

let server;
let browser;
let service;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // The organiser (a demo account) opens a real-name service for the over-60s, slots tomorrow.
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
  ({ id: service } = await api('/services', { name: '流感疫苗接种（老年人）', real_name_required: true, department_id: 1 }));
  const day = new Date(Date.now() + 32 * 3600_000).toISOString().slice(0, 10);
  for (const start of ['08:30', '09:00']) {
    const [h, m] = start.split(':').map(Number);
    const end = `${String(h + (m === 30 ? 1 : 0)).padStart(2, '0')}:${m === 30 ? '00' : '30'}`;
    await api(`/services/${service}/slots`, {
      venue_id: 1, capacity: 20, min_age: 60,
      starts_at: `${day}T${start}:00+08:00`, ends_at: `${day}T${end}:00+08:00`,
    });
  }
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

const MODES = [
  { name: 'zh', lang: 'zh-CN', large: false, phone: '13900000101', parent: '王秀英', id: '37020219500101123', done: /预约成功/ },
  { name: 'en', lang: 'en', large: false, phone: '13900000102', parent: 'Wang Xiuying', id: '37020219480315222', done: /Booked/ },
  { name: 'large', lang: 'zh-CN', large: true, phone: '13900000103', parent: '李桂兰', id: '37020219520720341', done: /预约成功/ },
];

for (const mode of MODES) {
  test(`first vaccination for a parent, adding her, in ≤ 8 taps (${mode.name})`, async () => {
    const base = server.url;
    // A new resident, signed in (registration is its own journey).
    server.cli(['user', 'add', '--phone', mode.phone, '--name', '张女士', '--role', 'resident', '--password-stdin'], 'e2e-resident-password\n');
    const page = await newPage(browser);
    await page.context().addCookies([{ name: 'ejia_lang', value: mode.lang === 'en' ? 'en' : 'zh-CN', url: base }]);
    await login(page, base, mode.phone, 'e2e-resident-password');
    await page.goto(`${base}/`);
    // Large text is the account's own setting, switched on once (login restores it).
    if (mode.large) await Promise.all([page.waitForNavigation(), page.click('button[name=view][value=large]')]);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('large')), mode.large);
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang);

    const j = journey(page, `booking-${mode.name}`, 8);
    await j.shot('home');
    await j.tap('nav a[href="/services"]', 'services');
    await checkA11y(page, 'services');
    await j.tap(`main a[href="/services/${service}"]`, 'service');
    // The page opens on the first day with a free slot and says nobody can book this yet.
    assert.equal(await page.locator('.days li.free a[aria-current="date"]').count(), 1, 'opens on a free day');
    await checkA11y(page, 'service day');
    await j.tap(`main .notice a[href^="/me/people?service=${service}"]`, 'add-person');
    await checkA11y(page, 'add person');
    await j.fill('#f-name', mode.parent, 'name');
    // 父母 is already chosen: no tap.
    assert.equal(await page.inputValue('#f-relation'), 'parent');
    // A slip of one digit: the summary takes focus, the number stays to be corrected.
    const good = residentId(mode.id);
    const slip = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    await j.aside(async () => {
      await j.fill('#f-id_number', slip, 'id-slip');
      await j.tap('form[action^="/me/people"] button[type=submit]', 'refused');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-errors', 'the summary has focus');
      assert.equal(await page.inputValue('#f-id_number'), slip, 'the typed number is kept');
      await checkA11y(page, 'add person refused');
    });
    await j.fill('#f-id_number', good, 'id-fixed');
    await j.tap('form[action^="/me/people"] button[type=submit]', 'back-to-booking');
    // Back at the booking, with her chosen.
    assert.match(await page.locator('form.book select option:checked').first().textContent(), new RegExp(mode.parent));
    await checkA11y(page, 'back at the booking');
    await j.tap('form.book button[type=submit]', 'booked');
    assert.match(await page.textContent('.notice'), mode.done);
    assert.match(await page.textContent('.bookings'), new RegExp(mode.parent));
    assert.equal(await page.locator('img.qr').count(), 1);
    await checkA11y(page, 'my bookings');
    const { taps, aside, screens } = j.done();
    console.log(`booking journey (${mode.name}): ${taps} taps (+${aside} for the deliberate slip), ${screens} screens`);

    // Afterwards (not part of the journey): give her own phone for the reminder, by texted code.
    const phone = mode.phone.replace(/^139/, '137');
    await page.goto(`${base}/me/people`);
    await Promise.all([page.waitForNavigation(), page.click('.grants a[href$="/phone"]')]);
    await checkA11y(page, 'family phone');
    await page.fill('#f-phone', phone);
    await Promise.all([page.waitForNavigation(), page.click('form[action*="/phone#"] button[type=submit]')]);
    const outbox = server.cli(['sms', 'outbox', '--phone', phone, '--limit', '1']);
    const code = outbox.match(/(?:验证码|Code) (\d{6})/)[1];
    await checkA11y(page, 'family phone code');
    await shot(page, `booking-${mode.name}-phone-code`);
    await page.fill('#f-code', code);
    await Promise.all([page.waitForNavigation(), page.click('form[action*="/verify"] button[type=submit]')]);
    assert.match(await page.textContent('.grants'), new RegExp(phone.slice(0, 3) + '\\*{4}' + phone.slice(7)));
    await shot(page, `booking-${mode.name}-phone-done`);

    // Cancelling asks again on its own page (saying which booking), then says it was cancelled.
    await page.goto(`${base}/me/bookings`);
    await Promise.all([page.waitForNavigation(), page.click('.bookings a[href$="/cancel"]')]);
    await checkA11y(page, 'cancel confirmation');
    assert.match(await page.textContent('main'), new RegExp(mode.parent));
    await shot(page, `booking-${mode.name}-cancel-confirm`);
    await Promise.all([page.waitForNavigation(), page.click('form.confirm button[type=submit]')]);
    assert.match(await page.textContent('.notice.flash'), mode.lang === 'en' ? /Booking cancelled/ : /预约已取消/);
    assert.equal(await page.locator('.bookings .status-cancelled').count(), 1);
    await shot(page, `booking-${mode.name}-cancelled`);
    await page.context().close();
  });
}
