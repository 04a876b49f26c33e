// The Long March's route map and a milestone's card in a phone-sized Chromium: the demo
// resident's challenge page shows the map (drawn on the server, every team on it, their own
// highlighted) with its text alternative, the map opens on its own, and a milestone's card is a
// PNG drawn with a Chinese font. Axe checks the page, in Chinese, English and large text.
// E2E_SHOTS=<dir> saves screenshots of the page's map, the map and the card there, to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { MODES, useMode } from '../lib/journey.js';

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

const save = (name) => (process.env.E2E_SHOTS ? { path: path.join(process.env.E2E_SHOTS, `${name}.png`) } : {});

for (const mode of MODES) {
  test(`the challenge page shows the route map, and a milestone's card is a PNG (${mode.name})`, async () => {
    const page = await newPage(browser);
    await login(page, server.url, RESIDENT, server.demoPassword);
    await useMode(page, server.url, mode);
    await page.goto(`${server.url}/challenges/1`);
    const img = page.locator('.challenge-map img');
    await img.scrollIntoViewIfNeeded();
    assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the map loads');
    assert.match(await img.getAttribute('alt'), /队伍排行|teams' board/);
    await checkA11y(page, `challenge page with its map (${mode.name})`);
    await page.locator('section[aria-labelledby=map-h]').screenshot(save(`map-section-${mode.name}`));

    // The map on its own (the link around it).
    const map = await page.request.get(`${server.url}/challenges/1/map.svg`);
    assert.equal(map.headers()['content-type'], 'image/svg+xml; charset=utf-8');
    await page.goto(`${server.url}/challenges/1/map.svg`);
    await page.screenshot(save(`map-${mode.name}`));

    // 遵义's card.
    const card = await page.request.get(`${server.url}/challenges/1/milestones/10/card.png`);
    assert.equal(card.headers()['content-type'], 'image/png');
    await page.goto(`${server.url}/challenges/1/milestones/10/card.png`);
    await page.screenshot(save(`card-${mode.name}`));
    await page.close();
  });
}
