// Issue 13's acceptance journey, in a phone-sized Chromium, in Chinese, English and large text:
// a new resident of 江西路社区 joins the Long March challenge with their community's team,
// checks in a 5 km run by hand and a 5 km GPX walk, which passes the first milestone after 瑞金
// (于都, 210 route km at 1 km = 25 km of route); answers 于都's quiz; sees their team move on
// the route map and the points in their ledger. Then a run too fast to be true is held, and
// the organiser reduces it on the review page; the resident's kilometres grow by what was
// allowed. Axe checks each page; E2E_SHOTS=<dir> saves a screenshot of each step.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';
import { journey, MODES, useMode } from '../lib/journey.js';
import { walkToday } from '../lib/gpx.js';

const ORGANISER = '13800000003';
const JIANGXILU = '370202001004';
const TEAM = '江西路社区队（验收）';
const QUIZ = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../data/long_march_quiz.json'), 'utf8'));

let server;
let browser;
let api;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const organiser = server.cli(['token', 'create', '--phone', ORGANISER]).trim();
  api = async (token, p, body) => {
    const r = await fetch(`${server.url}/api/v1${p}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    assert.ok(r.ok, `${p}: ${r.status} ${text}`);
    return JSON.parse(text);
  };
  api.organiser = organiser;
});

/** The organiser's challenge for one run, over the API: 1 km walked = 25 km of route, and a
 *  team for 江西路社区. Its id. */
async function newChallenge(name) {
  const year = new Date().getUTCFullYear();
  // Run by the demo organiser's department, as the demo's own challenge is.
  const demo = await api(api.organiser, '/challenges/1');
  const { id } = await api(api.organiser, '/challenges', {
    name, route: 'long_march', scale: 25, department_id: demo.department_id,
    starts_on: `${year - 1}-01-01`, ends_on: `${year + 1}-12-31`, daily_cap_km: 60,
  });
  const communities = await api(api.organiser, '/communities?limit=100');
  const jiangxilu = (communities.items ?? communities).find((c) => c.code === JIANGXILU);
  await api(api.organiser, `/challenges/${id}/teams`, { name: TEAM, kind: 'community', community_id: jiangxilu.id });
  return id;
}

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The team's kilometres as the route map says them (its marker's title). */
async function teamOnMap(page, challenge) {
  const svg = await (await page.request.get(`${server.url}/challenges/${challenge}/map.svg`)).text();
  const title = [...svg.matchAll(/<title[^>]*>([^<]*)<\/title>/g)].map((m) => m[1]).find((t) => t.includes(TEAM));
  assert.ok(title, `the team is on the map: ${svg.slice(0, 300)}`);
  return Number(title.match(/([\d.]+)\s*(公里|km)/)[1]);
}

MODES.forEach((mode, i) => {
  test(`a resident walks the Long March with their team, and an organiser reduces a held ride (${mode.name})`, async () => {
    const challenge = await newChallenge(`重走长征路（验收 ${mode.name}）`);
    const phone = `1390000010${i}`;
    server.cli(['user', 'add', '--phone', phone, '--name', `验收居民${i}`, '--role', 'resident',
      '--community', JIANGXILU, '--password-stdin'], 'resident-password-1\n');
    const page = await newPage(browser);
    await login(page, server.url, phone, 'resident-password-1');
    await useMode(page, server.url, mode);
    const before = await teamOnMap(page, challenge);
    await page.goto(`${server.url}/challenges/${challenge}`);
    await checkA11y(page, `challenge page before joining (${mode.name})`);

    // Join with the community's team, check in a 5 km run by hand: two taps and the typing.
    const j = journey(page, `challenge-acceptance-${mode.name}`, 3);
    const option = page.locator('#f-team_id option', { hasText: TEAM });
    await page.selectOption('#f-team_id', await option.getAttribute('value'));
    await j.tap('form[action$="/join#form-errors"] button[type=submit]', 'joined');
    await page.selectOption('#f-kind', 'run');
    await page.fill('#f-km', '5');
    await j.tap('form[action$="/checkin#form-errors"][novalidate] button[type=submit]', 'checked-in');
    await checkA11y(page, `challenge page after checking in (${mode.name})`);

    // A 5 km GPX walk.
    const file = { name: 'walk.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(walkToday(30 + i * 7)) };
    await page.click('details.challenge-import summary');
    await page.setInputFiles('#f-file', file);
    await j.tap('details.challenge-import button[type=submit]', 'imported');
    j.done();
    assert.match(await page.locator('main').innerText(), /(步行|Walk) 5(\.0\d)? (公里|km)/);

    // 10 km run and walked × 25 = 250 route km: past 于都 (210). Its quiz, all three right.
    await page.goto(`${server.url}/challenges/${challenge}/milestones/2`);
    await checkA11y(page, `于都 before the quiz (${mode.name})`);
    const yudu = QUIZ.milestones.find((m) => m.seq === 2);
    const fieldsets = page.locator('fieldset.choices');
    assert.equal(await fieldsets.count(), yudu.questions.length, 'the quiz is open: the milestone is reached');
    for (let q = 0; q < yudu.questions.length; q++) {
      const set = fieldsets.nth(q);
      const prompt = await set.locator('legend').innerText();
      const question = yudu.questions.find((x) => prompt.includes(x.prompt));
      await set.locator(`input[type=radio][value="${question.answer}"]`).check();
    }
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/quiz#form-errors"] button[type=submit]')]);
    assert.equal(await page.locator('.quiz-result.right').count(), 3, await page.locator('main').innerText());
    await j.shot('quiz');
    await checkA11y(page, `于都 after the quiz (${mode.name})`);

    // The team moved on the map; the points are in the ledger: 2 check-ins × 5 + 3 answers × 2.
    const after = await teamOnMap(page, challenge);
    assert.ok(after > before, `the team moved: ${before} → ${after} km`);
    await page.goto(`${server.url}/me/points`);
    const ledger = await page.locator('main').innerText();
    assert.equal(await page.locator('.points-total strong').innerText(), '16', ledger);
    assert.match(ledger, /运动打卡|check-in/i, ledger);
    await j.shot('points');
    await checkA11y(page, `points page (${mode.name})`);

    // A ride of 60 km in an hour: held, and the page says why.
    await page.goto(`${server.url}/challenges/${challenge}`);
    await page.selectOption('#f-kind', 'cycle');
    await page.fill('#f-km', '60');
    await page.fill('#f-minutes', '60');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/checkin#form-errors"][novalidate] button[type=submit]')]);
    assert.match(await page.locator('main').innerText(), /速度|Faster/);
    await j.shot('held');

    // The organiser reduces it to 10 km with a reason.
    const desk = await newPage(browser);
    await login(desk, server.url, ORGANISER, server.demoPassword);
    await useMode(desk, server.url, mode);
    await desk.goto(`${server.url}/manage/challenges/${challenge}/review`);
    await checkA11y(desk, `review queue (${mode.name})`);
    const row = desk.locator('form[action*="/review/"][novalidate]').first();
    await row.locator('input[name=km]').fill('10');
    await row.locator('input[name=reason]').fill('按骑行时速核减');
    await Promise.all([desk.waitForNavigation(), row.locator('button[value=reduce]').click()]);
    assert.ok(await desk.locator('.flash, [role=status]').count() > 0, 'says what happened');
    await desk.close();

    // The resident's kilometres: 5 + 5 + the 10 allowed of the ride.
    const mine = server.cli(['token', 'create', '--phone', phone]).trim();
    const progress = await api(mine, `/challenges/${challenge}/progress`);
    assert.ok(Math.abs(progress.km - 20) < 0.1, JSON.stringify(progress));
    await page.close();
  });
});
