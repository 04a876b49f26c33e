// The Long March challenge's page in a phone-sized Chromium: the demo resident opens the demo
// challenge and checks in "the same as yesterday" in one tap (the page is the first screen, so
// two taps from the portal's link), then types a check-in too fast for walking, which is held
// and says why. Axe checks each page, in Chinese, English and large text. E2E_SHOTS=<dir> saves
// a screenshot of each step there, to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { journey, MODES, useMode } from '../lib/journey.js';

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

for (const mode of MODES) {
  test(`a resident checks in the same as yesterday in one tap (${mode.name})`, async () => {
    const page = await newPage(browser);
    await login(page, server.url, RESIDENT, server.demoPassword);
    await useMode(page, server.url, mode);
    await page.goto(`${server.url}/challenges/1`);
    const j = journey(page, `challenge-${mode.name}`, 1);
    await j.shot('page');
    await checkA11y(page, `challenge page (${mode.name})`);
    await j.tap('form.again button[type=submit]', 'same-as-yesterday');
    assert.ok(await page.locator('.flash, [role=status]').count() > 0, 'says what happened');
    await checkA11y(page, `challenge page after checking in (${mode.name})`);
    j.done();
    // Too fast for a bicycle: held, with the reason in the list.
    await page.selectOption('#f-kind', 'cycle');
    await page.fill('#f-km', '30');
    await page.fill('#f-minutes', '20');
    await Promise.all([page.waitForNavigation(), page.click('form[novalidate] button[type=submit]')]);
    const text = await page.locator('main').innerText();
    assert.ok(/速度|Faster/.test(text), text);
    await j.shot('held');
    await page.close();
  });
}
