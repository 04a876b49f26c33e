// The newsroom in a phone-sized Chromium: an editor drafts an article with a link and an
// image in the back office and sends it for review; another editor publishes it; it is on
// /news, on its topic's page and in the Atom feed, and a <script> or onerror= written in the
// Markdown survives nowhere. Axe checks each page, in Chinese, English and large text.
// E2E_SHOTS=<dir> saves a screenshot of each page there, to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, checkA11y, login, shot } from '../lib/harness.js';

const EDITOR = '13800000004'; // the demo's district editor
const REVIEWER = '13700000044';
const TITLE = '红色电影周在八大峡开幕';

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

/** A topic, made over the API with the editor's token (the back office has no topic form yet). */
async function makeTopic(base) {
  const token = server.cli(['token', 'create', '--phone', EDITOR, '--label', 'e2e']).trim().split('\n').pop();
  const r = await fetch(`${base}/api/v1/topics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: '学百年党史 聚市南力量', description: '市南区的党史学习教育专题。' }),
  });
  assert.equal(r.status, 201);
  return (await r.json()).id;
}

test('an editor drafts, another publishes, readers find it on the site and in the feed', async () => {
  const base = server.url;
  const topic = await makeTopic(base);
  server.cli(['user', 'add', '--phone', REVIEWER, '--name', '审稿编辑', '--role', 'editor', '--password-stdin'], 'e2e-editor-password\n');

  // The author writes, with a mistake first.
  const author = await newPage(browser);
  await login(author, base, EDITOR, server.demoPassword);
  await author.goto(`${base}/manage`);
  await Promise.all([author.waitForURL(/\/manage\/news$/), author.click('a[href="/manage/news"]')]);
  await checkA11y(author, 'newsroom, empty');
  await Promise.all([author.waitForURL(/\/manage\/news\/new$/), author.click('a[href="/manage/news/new"]')]);
  await checkA11y(author, 'new article');
  await author.fill('#f-body_markdown', '正文');
  await author.click('form[action="/manage/news/new"] button[type=submit]');
  assert.match(await author.textContent('#f-title-error'), /标题须为 1 至 120 个字/);
  await checkA11y(author, 'new article, error');
  await author.fill('#f-title', TITLE);
  await author.fill('#f-summary', '首场放映《闪闪的红星》，居民可在活动页报名。');
  await author.fill('#f-source_line', '区委宣传部');
  await author.selectOption('#f-topic_ids', String(topic));
  await author.fill(
    '#f-body_markdown',
    [
      '## 红色电影周开幕',
      '',
      '12 月 5 日晚，**红色电影周**在八大峡街道社区影厅开幕。报名请看[活动列表](/events)。',
      '',
      '![e家标志](/static/icon.svg)',
      '',
      '<script>alert("x")</script>',
      '',
      '<img src="x" onerror="alert(1)">',
    ].join('\n'),
  );
  await Promise.all([author.waitForURL(/\/manage\/news\/\d+$/), author.click('form[action="/manage/news/new"] button[type=submit]')]);
  const id = author.url().match(/(\d+)$/)[1];
  assert.equal(await author.locator('button:has-text("发布")').count(), 0, 'the author may not publish');
  await Promise.all([author.waitForNavigation(), author.click('form[action$="/transition"] button:has-text("送审")')]);
  assert.match(await author.textContent('.tag'), /待审核/);
  await checkA11y(author, 'article in review');
  await shot(author, 'news-manage-review-zh');

  // A second editor publishes it.
  const reviewer = await newPage(browser);
  await login(reviewer, base, REVIEWER, 'e2e-editor-password');
  await reviewer.goto(`${base}/manage/news`);
  await checkA11y(reviewer, 'newsroom, one in review');
  await Promise.all([reviewer.waitForURL(new RegExp(`/manage/news/${id}$`)), reviewer.click(`a[href="/manage/news/${id}"]`)]);
  await Promise.all([reviewer.waitForNavigation(), reviewer.click('form[action$="/transition"] button:has-text("发布")')]);
  assert.match(await reviewer.textContent('.tag'), /已发布/);

  // A reader, not signed in.
  const reader = await newPage(browser);
  await reader.goto(`${base}/news`);
  assert.equal(await reader.locator(`a[href="/news/${id}"]`).textContent(), TITLE);
  await checkA11y(reader, 'news list');
  await shot(reader, 'news-list-zh');
  await Promise.all([reader.waitForURL(new RegExp(`/news/${id}$`)), reader.click(`a[href="/news/${id}"]`)]);
  assert.equal(await reader.textContent('h1'), TITLE);
  assert.equal(await reader.locator('.prose a[href="/events"]').count(), 1, 'the link');
  assert.equal(await reader.getAttribute('.prose img', 'alt'), 'e家标志', 'the image with its alt text');
  const html = await reader.content();
  assert.ok(!html.includes('alert(') && !/onerror/i.test(html), 'no script, no event attribute');
  await checkA11y(reader, 'article');
  await shot(reader, 'news-article-zh');

  await Promise.all([reader.waitForURL(new RegExp(`/topics/${topic}$`)), reader.click(`a[href="/topics/${topic}"]`)]);
  assert.equal(await reader.locator(`a[href="/news/${id}"]`).count(), 1, 'on its topic page');
  await checkA11y(reader, 'topic');

  const feed = await (await fetch(`${base}/news/feed.atom`)).text();
  assert.match(feed, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
  assert.ok(feed.includes(`<title>${TITLE}</title>`), 'in the feed');
  assert.ok(!feed.includes('alert(') && !/onerror/i.test(feed), 'nothing unsafe in the feed');

  // English, then large text, on the phone.
  await reader.goto(`${base}/news`);
  await Promise.all([reader.waitForNavigation(), reader.click('button[name=lang]')]);
  assert.equal(await reader.getAttribute('html', 'lang'), 'en');
  await checkA11y(reader, 'news list in English');
  await shot(reader, 'news-list-en');
  await reader.goto(`${base}/news/${id}`);
  await checkA11y(reader, 'article in English');
  await shot(reader, 'news-article-en');
  await Promise.all([reader.waitForNavigation(), reader.click('button[name=view]')]);
  assert.equal(await reader.getAttribute('html', 'class'), 'large');
  await checkA11y(reader, 'article in large text');
  await shot(reader, 'news-article-large');
  await reader.goto(`${base}/news`);
  await shot(reader, 'news-list-large');
  const width = await reader.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling in large text (${width}px)`);
});
