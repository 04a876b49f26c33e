// The audit log on a phone: a district admin opens it from the back office, picks an action by
// its readable name and reads entries as sentences linked to their objects — at most 3 taps, in
// Chinese, English and large text, every page axe-clean. A typing slip in the object number
// shows the error summary, focused, with what was typed kept (counted apart).
// E2E_SHOTS=<dir> saves a screenshot of each step there, to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

for (const mode of MODES) {
  test(`the audit log, filtered to one action, reads as sentences in ≤ 3 taps (${mode.name})`, async () => {
    const base = server.url;
    const page = await newPage(browser);
    // After logging in: the login sets the account's own view and language cookies.
    await login(page, base, '13800000001', server.demoPassword);
    await useMode(page, base, mode);
    await page.goto(`${base}/manage`);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('large')), mode.name === 'large');
    const j = journey(page, `audit-${mode.name}`, 3);
    await j.shot('manage');
    await j.tap('a[href="/manage/audit"]', 'log');
    await checkA11y(page, 'audit log');
    // Nothing reads as "other", nor as a column name.
    const entries = await page.textContent('section[aria-labelledby=audit-entries]');
    assert.doesNotMatch(entries, /其他操作|another change|display_name|street_id/);

    await j.choose('#f-action', 'user.create', 'action');
    await j.tap('form.filters button[type=submit]', 'filtered');
    await checkA11y(page, 'audit log, filtered');
    const lines = await page.locator('.audit-line').allTextContents();
    assert.ok(lines.length > 0, 'the demo created accounts');
    const created = mode.name === 'en' ? /created an account/ : /新建了账号/;
    assert.ok(lines.every((l) => created.test(l)), lines.join('\n'));
    assert.ok(await page.locator('.audit-line a[href^="/manage/users/"]').count() > 0, 'entries link to the account');
    assert.equal(await page.inputValue('#f-action'), 'user.create', 'the choice stays');
    const { taps } = j.done();
    assert.ok(taps <= 3);

    await j.aside(async () => {
      await j.fill('#f-object_id', 'abc', 'slip');
      await j.tap('form.filters button[type=submit]', 'slip-sent');
    });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-errors', 'the summary takes focus');
    assert.ok(await page.locator('#form-errors a[href="#f-object_id"]').count() === 1);
    assert.equal(await page.inputValue('#f-object_id'), 'abc', 'what was typed is kept');
    await checkA11y(page, 'audit log, error');
    await page.context().close();
  });
}
