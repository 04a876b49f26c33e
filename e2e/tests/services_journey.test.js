// Issue 12, point 9: an organiser creates a vaccination service and a week of slots in the back
// office — no API — from their start page: the services page, 新建服务, the name, then the
// add-slots form, whose defaults are a week of weekday mornings, previewed before they are
// opened. In Chinese, in English and in large-text mode, every page axe-clean, a screenshot of
// every step; the taps are counted and reported (the issue sets no budget; kept low).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { journey, MODES, useMode } from '../lib/journey.js';

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

/** With E2E_SHOTS, a screenshot of one phone screen from `selector` down (what is seen, not the whole page). */
async function screen(page, name, selector) {
  if (!process.env.E2E_SHOTS) return;
  await page.locator(selector).evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(process.env.E2E_SHOTS, `${name}.png`) });
}

/** The words each mode's pages use. */
const WORDS = {
  zh: { preview: /将放出 (\d+) 个时段/, created: /已放出 (\d+) 个时段/ },
  en: { preview: /(\d+) slots will be opened/, created: /(\d+) slots opened/ },
  large: { preview: /将放出 (\d+) 个时段/, created: /已放出 (\d+) 个时段/ },
};

for (const mode of MODES) {
  test(`an organiser opens a vaccination service and a week of slots (${mode.name})`, async () => {
    const base = server.url;
    const page = await newPage(browser);
    // The demo's organiser lands on their start page, the activities.
    await login(page, base, '13800000003', server.demoPassword);
    await useMode(page, base, mode);
    await page.goto(`${base}/manage/events`);
    const words = WORDS[mode.name];
    const j = journey(page, `services-${mode.name}`, 10);
    await j.shot('start');
    await checkA11y(page, 'start page');
    await j.tap('.start-strip a[href="/manage/services"]', 'services');
    await checkA11y(page, 'services list');
    await j.tap('a[href="/manage/services/new"]', 'new-service');
    await checkA11y(page, 'new service');
    await j.fill('#f-name', `流感疫苗接种 ${mode.name}`, 'name');
    await j.tap('form button[type=submit].primary', 'created');
    assert.match(page.url(), /\/manage\/services\/\d+\/slots\?done=service_created$/);
    await checkA11y(page, 'slots page');
    // The form's defaults are next week's weekday mornings; only the place is chosen.
    await j.choose('#f-venue_id', '1', 'venue');
    await j.tap('button[name=step][value=preview]', 'preview');
    await checkA11y(page, 'preview');
    const previewed = Number((await page.textContent('#preview-h')).match(words.preview)[1]);
    assert.ok(previewed >= 6, `${previewed} slots previewed`);
    await j.tap('button[name=step][value=create]', 'opened');
    const notice = await page.textContent('.notice');
    assert.equal(Number(notice.match(words.created)[1]), previewed, 'as many as previewed');
    assert.ok(await page.locator('table.stack tbody tr').count() >= 6);
    await checkA11y(page, 'slots opened');
    const { taps, screens } = j.done();
    console.log(`services journey (${mode.name}): ${taps} taps, ${screens} screens`);

    await screen(page, `services-${mode.name}-slots-first-screen`, '#slots-h');
    await screen(page, `services-${mode.name}-add-form-first-screen`, '#add-h');

    // A slot cancelled, after the second step that says what happens to its bookings.
    await page.click('table.stack tbody tr:first-child details summary');
    await Promise.all([page.waitForNavigation(), page.click('table.stack tbody tr:first-child a.danger')]);
    await checkA11y(page, 'cancel a slot');
    await j.shot('cancel-confirm');
    await Promise.all([page.waitForNavigation(), page.click('form.confirm button.danger')]);
    assert.equal(await page.locator('.status-cancelled').count(), 1);

    // A slip (the day ends before it starts) is summarised at the top, focused, linked to the
    // field, with what was typed kept.
    await page.selectOption('#f-venue_id', '1');
    await page.fill('#f-end', '08:00');
    await Promise.all([page.waitForNavigation(), page.click('button[name=step][value=preview]')]);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-errors');
    assert.equal(await page.getAttribute('#form-errors a', 'href'), '#f-end');
    assert.equal(await page.inputValue('#f-end'), '08:00');
    await checkA11y(page, 'slots form with an error');
    await screen(page, `services-${mode.name}-error-summary`, '#form-errors');
    await page.context().close();
  });
}
