// Enterprise approval assistance (帮办代办), the acceptance flow in the browser: a company applies
// for an enterprise account (a mistyped credit code is explained at its field), the dispatcher
// approves it, the company asks for help with a 食品经营许可, the dispatcher assigns an agent, the
// agent walks the checklist — and after each step the company's page shows it. Every page passes axe.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login } from '../lib/harness.js';

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

const COMPANY = '13700000021';
const AGENT = '13700000022';
const DISPATCHER = '13800000005';
const PASSWORD = 'e2e-assist-password';

/** Submits the form whose button is `button` and waits for the page it leads to. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}

test('a company asks for help with a food licence, the agent walks the checklist, the company sees each step', async () => {
  server.cli(['user', 'add', '--phone', COMPANY, '--name', '李经理', '--role', 'resident', '--password-stdin'], `${PASSWORD}\n`);
  server.cli(
    ['user', 'add', '--phone', AGENT, '--name', '帮办员小王', '--role', 'handler', '--scope', 'department:区行政审批局', '--password-stdin'],
    `${PASSWORD}\n`,
  );
  const base = server.url;
  const company = await newPage(browser);
  const dispatcher = await newPage(browser);
  const agent = await newPage(browser);

  // The company applies; a mistyped check character is explained at the field, input kept.
  await login(company, base, COMPANY, PASSWORD);
  await company.goto(`${base}/enterprise`);
  await checkA11y(company, 'enterprise page before applying');
  await company.click('a[href="/enterprise/apply"]');
  await checkA11y(company, 'application form');
  await company.fill('#f-name', '青岛海味餐饮有限公司');
  await company.fill('#f-uscc', '9137 0202 MA3C 1234 5C');
  await company.fill('#f-contact_phone', COMPANY);
  await submit(company, 'form[action="/enterprise/apply"] button[type=submit]');
  assert.match(await company.textContent('#f-uscc-error'), /校验位不符/);
  assert.equal(await company.inputValue('#f-name'), '青岛海味餐饮有限公司');
  await checkA11y(company, 'application form with an error');
  await company.fill('#f-uscc', '9137 0202 MA3C 1234 5B');
  await submit(company, 'form[action="/enterprise/apply"] button[type=submit]');
  assert.match(await company.textContent('#enterprise-status'), /待审核/);

  // The dispatcher approves it in the back office.
  await login(dispatcher, base, DISPATCHER, server.demoPassword);
  await dispatcher.click('nav a[href="/manage"]');
  await dispatcher.click('a[href="/manage/enterprises"]');
  await checkA11y(dispatcher, 'enterprise applications');
  const card = dispatcher.locator('li', { hasText: '青岛海味餐饮有限公司' });
  await Promise.all([dispatcher.waitForNavigation(), card.locator('input[value=approve] ~ button').click()]);
  assert.match(await card.textContent(), /已认证/);

  // The company asks for help with a food business licence.
  await company.goto(`${base}/enterprise`);
  assert.match(await company.textContent('#enterprise-status'), /已认证/);
  await company.click('a[href="/enterprise/requests/new"]');
  await checkA11y(company, 'request form');
  await company.click('label:has-text("食品经营许可")');
  await company.fill('#f-description', '新开一家海鲜餐馆，香港中路 8 号');
  await submit(company, 'form[action="/enterprise/requests/new"] button[type=submit]');
  assert.match(company.url(), /filed=1/);
  const request = company.locator('ul.cards > li').first();
  assert.match(await request.textContent(), /食品经营许可/);
  assert.match(await request.textContent(), /已完成 0\/5 步/);
  await checkA11y(company, 'enterprise page with a request');
  const caseId = (await request.getAttribute('id')).replace('request-', '');

  // The dispatcher finds it in the list of enterprise items and assigns the agent.
  await dispatcher.goto(`${base}/manage/assist`);
  await checkA11y(dispatcher, 'enterprise items');
  await dispatcher.click(`#assist-${caseId} a`);
  await dispatcher.selectOption('#assist-agent-choice', { label: '帮办员小王' });
  await submit(dispatcher, `form[action="/cases/${caseId}/assist/agent"] button`);
  assert.match(await dispatcher.textContent('#assist-agent'), /帮办员小王/);
  await checkA11y(dispatcher, 'case page with the assistance panel');

  // The agent walks the checklist; after each step the company's page shows it.
  await login(agent, base, AGENT, PASSWORD);
  await agent.goto(`${base}/manage/assist?sort=deadline`);
  await agent.click(`#assist-${caseId} a`);
  await checkA11y(agent, 'case page for the agent');
  for (let done = 1; done <= 5; done += 1) {
    const open = agent.locator('#checklist li.open').first();
    const title = await open.locator('strong').textContent();
    if (done === 1) await open.locator('input[name=note]').fill('营业执照和平面图已预审');
    await Promise.all([agent.waitForNavigation(), open.locator('button').click()]);
    assert.match(await agent.textContent('#assist-progress-text'), new RegExp(`已完成 ${done}/5 步`));
    await company.goto(`${base}/enterprise`);
    const card = company.locator(`#request-${caseId}`);
    assert.match(await card.textContent(), new RegExp(`已完成 ${done}/5 步`));
    assert.match(await card.textContent(), new RegExp(`为企业少跑 ${done} 次`));
    assert.equal(await card.locator('li.done strong', { hasText: title }).count(), 1, `step ${title} shown done`);
  }
  assert.match(await company.textContent(`#request-${caseId}`), /营业执照和平面图已预审/);
  await checkA11y(company, 'enterprise page with the checklist done');

  // The agent reports it handled; the company confirms and the case closes.
  await agent.check('#action-report_handled');
  await submit(agent, '#act button[type=submit]');
  await company.goto(`${base}/cases/${caseId}`);
  await checkA11y(company, 'case page for the company');
  await company.check('#action-check_pass');
  await submit(company, '#act button[type=submit]');
  assert.match(await company.textContent('main'), /已结案/);
  await company.goto(`${base}/me/inbox`);
  assert.match(await company.textContent('main'), /已完成一步：领取食品经营许可证/);
  assert.match(await company.textContent('main'), /您的企业认证（青岛海味餐饮有限公司）已通过审核/);
  for (const p of [company, dispatcher, agent]) await p.context().close();
});
