// The Long March's milestone pages and quizzes in a phone-sized Chromium: a participant follows
// the challenge page's link to the last milestone reached, reads what happened there and answers
// its three questions (radio buttons in labels, one fieldset per question), then sees which were
// right, why, and the points; an organiser edits a question in the back office, with the error
// summary on the way. Axe checks each page, in Chinese, English and large text (a different demo
// participant per mode: a quiz is answered once). E2E_SHOTS=<dir> saves a screenshot of each step.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login, shot } from '../lib/harness.js';
import { journey, MODES, useMode } from '../lib/journey.js';

/** Demo accounts, all taking part in the demo challenge, one per mode. */
const PARTICIPANTS = { zh: '13800000009', en: '13800000008', large: '13800000007' };
const ORGANISER = '13800000003';

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
  test(`a participant reads a milestone and answers its quiz (${mode.name})`, async () => {
    const page = await newPage(browser);
    await login(page, server.url, PARTICIPANTS[mode.name], server.demoPassword);
    await useMode(page, server.url, mode);
    await page.goto(`${server.url}/challenges/1`);
    const j = journey(page, `milestone-${mode.name}`, 5);
    await j.tap('a[href^="/challenges/1/milestones/"][href$="#quiz"]', 'milestone');
    await checkA11y(page, `milestone page (${mode.name})`);
    assert.equal(await page.locator('fieldset.choices legend').count(), 3);
    for (const q of ['q1', 'q2', 'q3']) await j.check(`#f-${q}-0`, `choose-${q}`);
    await j.tap('form[action$="/quiz#form-errors"] button[type=submit]', 'answered');
    assert.ok(await page.locator('[role=status]').count() > 0, 'says what happened');
    assert.equal(await page.locator('.quiz-result').count(), 3);
    await checkA11y(page, `milestone page, answered (${mode.name})`);
    j.done();
    await page.goto(`${server.url}/challenges/1/milestones/10`);
    await checkA11y(page, `a milestone not reached (${mode.name})`);
    await shot(page, `milestone-${mode.name}-not-reached`);
    await page.close();
  });
}

test('an organiser edits a milestone question', async () => {
  for (const mode of MODES) {
    const page = await newPage(browser);
    await login(page, server.url, ORGANISER, server.demoPassword);
    await useMode(page, server.url, mode);
    await page.goto(`${server.url}/manage/challenges/1/quiz`);
    await checkA11y(page, `quiz list (${mode.name})`);
    await shot(page, `quiz-manage-${mode.name}-list`);
    await Promise.all([page.waitForNavigation(), page.click('a[href^="/manage/challenges/1/quiz/"]')]);
    await checkA11y(page, `quiz edit (${mode.name})`);
    await page.fill('#f-option_2', '');
    await Promise.all([page.waitForNavigation(), page.click('form[novalidate] button[type=submit]')]);
    assert.ok(await page.locator('#form-errors a[href="#f-option_2"]').count() === 1);
    await checkA11y(page, `quiz edit, error (${mode.name})`);
    await shot(page, `quiz-manage-${mode.name}-error`);
    await page.fill('#f-option_2', `于都（${mode.name}）`);
    await Promise.all([page.waitForNavigation(), page.click('form[novalidate] button[type=submit]')]);
    assert.match(page.url(), /\/manage\/challenges\/1\/quiz\?saved=\d+/);
    await shot(page, `quiz-manage-${mode.name}-saved`);
    await page.close();
  }
});
