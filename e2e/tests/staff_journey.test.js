// Issue 12's journeys for accounts and staff, each in Chinese, English and large text, every page
// axe-clean, a screenshot per step ($E2E_SHOTS):
// - a new resident registers in at most 6 taps from the home page and lands on the welcome;
// - an inspector signs in, lands on the patrol (their start page), starts a patrol, files a
//   finding with a photo and the phone's position and ends the patrol — at most 5 taps from
//   the start page, the end confirmed on the page, and no refused (409) route points.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { journey } from '../lib/journey.js';

// 香港中路街道, near the seafront.
const HERE = { latitude: 36.0632, longitude: 120.3826 };
const STREET = '370202001';

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

const MODES = [
  { name: 'zh', lang: 'zh-CN', large: false, welcome: /欢迎来到 e家/, ended: /本次巡查已结束/ },
  { name: 'en', lang: 'en', large: false, welcome: /Welcome to ejia/, ended: /The patrol has ended/ },
  { name: 'large', lang: 'zh-CN', large: true, welcome: /欢迎来到 e家/, ended: /本次巡查已结束/ },
];

/** A fresh phone-sized page in the mode's language (and large text, for visitors). */
async function pageIn(mode) {
  const page = await newPage(browser);
  const cookies = [{ name: 'ejia_lang', value: mode.lang, url: server.url }];
  if (mode.large) cookies.push({ name: 'ejia_view', value: 'large', url: server.url });
  await page.context().addCookies(cookies);
  return page;
}

MODES.forEach((mode, i) => {
  test(`register in ≤ 6 taps from home, welcomed with next steps (${mode.name})`, async () => {
    const base = server.url;
    const phone = `1391234560${i}`;
    const page = await pageIn(mode);
    await page.goto(`${base}/`);
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('large')), mode.large);

    const j = journey(page, `register-${mode.name}`, 6);
    await j.shot('home');
    await j.tap('nav a[href="/register"]', 'register');
    await checkA11y(page, 'register');
    await j.fill('#f-phone', phone, 'phone');
    await j.tap('form[action="/register"] button[type=submit]', 'code-sent');
    assert.match(page.url(), /\/register\/verify/);
    await checkA11y(page, 'register, step two');
    const outbox = server.cli(['sms', 'outbox', '--phone', phone, '--limit', '1']);
    const code = outbox.match(/(\d{6})/)[1];
    await j.fill('#f-code', code, 'code');
    await j.fill('#f-password', '栈桥边看海鸥飞过来', 'password');
    await j.tap('form[action="/register/verify"] button[type=submit]', 'welcome');
    const counts = j.done();
    assert.match(page.url(), /\/welcome$/);
    assert.match(await page.textContent('h1'), mode.welcome);
    assert.equal(await page.locator('main a[href="/events"]').count(), 1);
    assert.equal(await page.locator('main a[href="/report"]').count(), 1);
    assert.equal(await page.locator('main form[action="/prefs"] button[name=view]').count(), 1);
    await checkA11y(page, 'welcome');
    console.log(`register (${mode.name}): ${counts.taps} taps, ${counts.screens} screens`);
    await page.context().close();
  });
});

MODES.forEach((mode, i) => {
  test(`inspector: start page → patrol → finding → end in ≤ 5 taps (${mode.name})`, async () => {
    const base = server.url;
    const phone = `1370000070${i}`;
    server.cli(
      ['user', 'add', '--phone', phone, '--name', `巡查员${i}`, '--role', 'inspector', '--scope', `street:${STREET}`, '--password-stdin'],
      'e2e-inspector-password\n',
    );
    const page = await pageIn(mode);
    await page.context().grantPermissions(['geolocation'], { origin: base });
    await page.context().setGeolocation(HERE);
    const refused = [];
    page.on('response', (r) => {
      if (r.url().includes('/patrol/points') && r.status() >= 400) refused.push(r.status());
    });
    await login(page, base, phone, 'e2e-inspector-password');
    // Staff land on their work: the patrol, said so.
    assert.equal(new URL(page.url()).pathname, '/patrol');
    assert.equal(await page.locator('main .flash[role=status]').count(), 1, 'the login is confirmed');
    if (mode.large) await Promise.all([page.waitForNavigation(), page.click('button[name=view][value=large]')]);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('large')), mode.large);
    await checkA11y(page, 'patrol, the start page');

    const j = journey(page, `patrol-${mode.name}`, 5);
    await j.shot('start-page');
    await j.tap('form[action="/patrol/start"] button', 'started');
    await checkA11y(page, 'patrol, open');
    await page.waitForFunction(() => document.getElementById('f-lat').value !== '');
    // English pages name the category in English (issue 12 point 8).
    await j.choose('#f-category_id', { label: mode.name === 'en' ? 'Street vending on the pavement' : '占道经营' }, 'category');
    const photo = { name: 'scene.png', mimeType: 'image/png', buffer: await page.screenshot({ clip: { x: 0, y: 0, width: 240, height: 160 } }) };
    await j.attach('#f-photo', photo, 'photo');
    await j.tap('#finding-form button[type=submit]', 'filed');
    const filed = new URL(page.url()).searchParams.get('filed');
    assert.match(filed ?? '', /^\d+$/, 'filed');
    await checkA11y(page, 'patrol, finding filed');
    await j.tap('#end-form button', 'ended');
    const counts = j.done();
    assert.match(await page.textContent('main .flash[role=status]'), mode.ended);
    assert.ok(await page.locator(`a[href="/cases/${filed}"]`).count() > 0, 'the finding is in the log');
    await checkA11y(page, 'patrol, ended');
    assert.deepEqual(refused, [], 'no route points refused');
    console.log(`inspector (${mode.name}): ${counts.taps} taps, ${counts.screens} screens`);
    await page.context().close();
  });
});
