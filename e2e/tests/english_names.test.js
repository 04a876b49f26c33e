// English names of reference data (issue 12 point 8): in each mode (Chinese, English, large
// text) a resident's report tiles, the public board with its filters and a case there, and the
// district admin's category form with its English-name field. Every page passes axe; with
// $E2E_SHOTS set, each is saved as a screenshot.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { MODES, useMode } from '../lib/journey.js';

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

async function look(page, label) {
  await checkA11y(page, label);
  if (process.env.E2E_SHOTS) {
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, `names-${label}.png`), fullPage: true });
  }
}

for (const mode of MODES) {
  test(`category and department names in ${mode.name}`, async () => {
    const base = server.url;
    const en = mode.name === 'en';
    const page = await newPage(browser);
    await login(page, base, '13800000009', server.demoPassword);
    await useMode(page, base, mode);

    await page.goto(base + '/report');
    const tile = await page.textContent('.problem-tiles li:first-child button');
    assert.match(tile, en ? /Street vending on the pavement/ : /占道经营/);
    await look(page, `${mode.name}-report`);
    if (en) {
      // The filtering script finds a problem by its English name too.
      await page.fill('#f-q', 'vending');
      const shown = await page.$$eval('#categories li[data-keys]:not([hidden]) button', (b) => b.map((x) => x.textContent));
      assert.deepEqual(shown, ['Street vending on the pavement']);
    }

    await page.goto(base + '/board');
    const filter = await page.textContent('#f-category');
    assert.match(filter, en ? /Badly parked car/ : /机动车乱停放/);
    if (en) assert.doesNotMatch(filter, /机动车乱停放/);
    await look(page, `${mode.name}-board`);
    const first = await page.$('main h3 a[href^="/board/"]');
    if (first) {
      await Promise.all([page.waitForNavigation(), first.click()]);
      await look(page, `${mode.name}-board-case`);
    }

    const admin = await newPage(browser);
    await login(admin, base, '13800000001', server.demoPassword);
    await useMode(admin, base, mode);
    await admin.goto(base + '/manage/case-categories');
    await look(admin, `${mode.name}-categories`);
    await admin.click('tr#cat-' + (await admin.getAttribute('table tbody tr', 'id')).slice(4) + ' a');
    assert.ok(await admin.inputValue('#f-name_en'));
    await look(admin, `${mode.name}-category-form`);
    await admin.goto(base + '/manage/departments');
    const departments = await admin.textContent('main');
    assert.match(departments, en ? /District Law Enforcement Bureau/ : /区综合行政执法局/);
    await admin.click('main table a[href^="/manage/departments/"]');
    await look(admin, `${mode.name}-department-form`);
  });
}
