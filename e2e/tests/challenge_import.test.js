// Importing a track on the Long March challenge's page, in a phone-sized Chromium: the demo
// resident opens the import under the check-in form, chooses the walk fixture (a made-up 5 km
// walk, moved to today) and imports it — three taps from the challenge page: open, choose,
// import — and reads what it became; the same file again is refused and says why. Axe checks
// each page, in Chinese, English and large text. E2E_SHOTS=<dir> saves a screenshot of each step.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { journey, MODES, useMode } from '../lib/journey.js';
import { walkToday } from '../lib/gpx.js';

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

MODES.forEach((mode, i) => {
  test(`a resident imports a GPX walk and the same again is refused (${mode.name})`, async () => {
    const page = await newPage(browser);
    await login(page, server.url, RESIDENT, server.demoPassword);
    await useMode(page, server.url, mode);
    await page.goto(`${server.url}/challenges/1`);
    // Joined already in the demo, or join now (no team).
    if (await page.locator('form[action$="/join#form-errors"]').count()) {
      await Promise.all([page.waitForNavigation(), page.click('form[action$="/join#form-errors"] button[type=submit]')]);
    }
    // Each mode walks at another time: another track.
    const file = { name: 'walk.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(walkToday(i * 5)) };
    const j = journey(page, `challenge-import-${mode.name}`, 3);
    await j.tap('details.challenge-import summary', 'open', { navigates: false });
    await checkA11y(page, `challenge page, import open (${mode.name})`);
    await j.attach('#f-file', file, 'chosen');
    await j.tap('details.challenge-import button[type=submit]', 'imported');
    j.done();
    const text = await page.locator('main').innerText();
    assert.match(text, /导入结果|What was imported/);
    assert.match(text, /(步行|Walk) 5(\.0\d)? (公里|km)/, text);
    await checkA11y(page, `import result (${mode.name})`);
    // The same file again, from the challenge page.
    await page.goto(`${server.url}/challenges/1`);
    await page.click('details.challenge-import summary');
    await page.setInputFiles('#f-file', file);
    await Promise.all([page.waitForNavigation(), page.click('details.challenge-import button[type=submit]')]);
    const again = await page.locator('main').innerText();
    assert.match(again, /这条轨迹已经打过卡了|already/, again);
    await j.shot('refused');
    await checkA11y(page, `import refused (${mode.name})`);
    // Nothing chosen: the form again, the error at the top.
    await page.goto(`${server.url}/challenges/1`);
    await page.click('details.challenge-import summary');
    await Promise.all([page.waitForNavigation(), page.click('details.challenge-import button[type=submit]')]);
    assert.equal(await page.locator('#form-errors a[href="#f-file"]').count(), 1);
    await j.shot('no-file');
    await checkA11y(page, `import form with an error (${mode.name})`);
    await page.close();
  });
});
