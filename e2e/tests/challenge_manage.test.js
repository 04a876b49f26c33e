// The organisers' back office of the Long March challenge in a phone-sized Chromium: the demo
// organiser opens it from the back-office home, looks at the list, the challenge's settings,
// its teams and the review queue (in Chinese, English and large text); then reduces the demo's
// held ride, first without a reason (the error summary takes focus), then with one (the flash
// says what happened). Axe checks each page. E2E_SHOTS=<dir> saves a screenshot of each.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { journey, MODES, useMode } from '../lib/journey.js';

const ORGANISER = '13800000003'; // the demo's organiser (区委宣传部), who runs the demo challenge

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

for (const mode of MODES) {
  test(`an organiser finds the challenge, its settings, teams and queue (${mode.name})`, async () => {
    const page = await newPage(browser);
    await login(page, server.url, ORGANISER, server.demoPassword);
    await useMode(page, server.url, mode);
    await page.goto(`${server.url}/manage`);
    const j = journey(page, `challenge-manage-${mode.name}`, 2);
    await j.tap('a[href="/manage/challenges"]', 'list');
    await checkA11y(page, `challenge list (${mode.name})`);
    await j.tap('a[href$="/review"]', 'review');
    await checkA11y(page, `review queue (${mode.name})`);
    assert.ok(await page.locator('li[id^="checkin-"]').count() > 0, 'the demo has a held ride');
    j.done();
    const id = page.url().match(/challenges\/(\d+)\/review/)[1];
    await page.goto(`${server.url}/manage/challenges/${id}/edit`);
    await j.shot('settings');
    await checkA11y(page, `challenge settings (${mode.name})`);
    await page.goto(`${server.url}/manage/challenges/${id}/teams`);
    await j.shot('teams');
    await checkA11y(page, `challenge teams (${mode.name})`);
    await page.close();
  });
}

test('an organiser reduces a held ride, a reason required', async () => {
  const page = await newPage(browser);
  await login(page, server.url, ORGANISER, server.demoPassword);
  await page.goto(`${server.url}/manage/challenges`);
  await Promise.all([page.waitForNavigation(), page.click('a[href$="/review"]')]);
  const row = page.locator('li[id^="checkin-"]').first();
  const rowId = (await row.getAttribute('id')).replace('checkin-', '');
  await page.fill(`#f-km-${rowId}`, '20');
  await Promise.all([page.waitForNavigation(), page.click(`#checkin-${rowId} button[value=reduce]`)]);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-errors', 'the summary takes focus');
  assert.equal(await page.inputValue(`#f-km-${rowId}`), '20', 'what was typed stays');
  const j = journey(page, 'challenge-manage-review', 0);
  await j.shot('error');
  await checkA11y(page, 'review queue, error');
  await page.fill(`#f-reason-${rowId}`, '骑行一小时 60 公里不太可能，按 20 公里计入');
  await Promise.all([page.waitForNavigation(), page.click(`#checkin-${rowId} button[value=reduce]`)]);
  assert.match(await page.locator('main').innerText(), /已核减/);
  await j.shot('reduced');
  await checkA11y(page, 'review queue, reduced');
  await page.close();
});
