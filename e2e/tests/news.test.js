// The newsroom in a phone-sized Chromium: an editor drafts an article with a link and an
// image in the back office and sends it for review; another editor publishes it; it is on
// /news, on its topic's page, in the Atom feed and on the home page, a reader finds it by
// searching a two-character word in the header's search box, and a <script> or onerror= written
// in the Markdown survives nowhere. Axe checks each page, in Chinese, English and large text.
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

/** A topic, made over the API with the editor's token. */
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
  await author.selectOption(`#f-topic-${topic}`, `${topic}:0`);
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

  // On the home page among the latest news, and found by a two-character word typed into the
  // search box in the site header.
  await reader.goto(`${base}/`);
  assert.equal(await reader.locator(`a[href="/news/${id}"]`).first().textContent(), TITLE, 'on the home page');
  await reader.fill('#site-q', '开幕');
  await Promise.all([reader.waitForURL(/\/search\?q=/), reader.press('#site-q', 'Enter')]);
  assert.equal(await reader.locator(`a[href="/news/${id}"]`).count(), 1, 'found by searching 开幕');
  assert.match(await reader.locator(`li:has(a[href="/news/${id}"]) mark`).first().textContent(), /开幕/, 'the word highlighted');
  const found = await reader.content();
  assert.ok(!found.includes('alert(') && !/onerror/i.test(found), 'nothing unsafe in the results');
  await checkA11y(reader, 'search results');
  await shot(reader, 'news-search-zh');

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

test('an editor builds a topic column and illustrates an article, in Chinese, English and large text', async () => {
  const base = server.url;
  const editor = await newPage(browser);
  await login(editor, base, EDITOR, server.demoPassword);
  // A picture to upload: a screenshot of the page itself is a real PNG.
  const png = await editor.screenshot({ clip: { x: 0, y: 0, width: 390, height: 200 } });

  await editor.goto(`${base}/manage/topics`);
  await checkA11y(editor, 'topics');
  await editor.fill('#f-title', '红色电影进社区');
  await editor.fill('#f-description', '八个街道的露天红色电影放映。');
  await Promise.all([editor.waitForURL(/\/manage\/topics\/\d+$/), editor.click('form:has(#f-title) button[type=submit]')]);
  const topic = editor.url().match(/(\d+)$/)[1];
  for (const title of ['放映预告', '观影心得']) {
    await editor.fill('#f-new-section', title);
    await Promise.all([editor.waitForNavigation(), editor.click('button:has-text("添加栏目")')]);
  }
  await Promise.all([editor.waitForNavigation(), editor.click('button[aria-label="上移: 观影心得"]')]);
  // The alt text is required (the browser asks for it before the server would refuse).
  assert.equal(await editor.getAttribute('#f-banner_alt', 'required'), '');
  await editor.setInputFiles('#f-banner', { name: 'banner.png', mimeType: 'image/png', buffer: png });
  await editor.fill('#f-banner_alt', '社区广场上的露天银幕');
  await Promise.all([editor.waitForNavigation(), editor.click('form[action$="/banner"] button.primary')]);
  assert.equal(await editor.getAttribute('img.banner', 'alt'), '社区广场上的露天银幕');
  if ((await editor.locator('#f-event_id option').count()) > 0) {
    await Promise.all([editor.waitForNavigation(), editor.click('button:has-text("加入专题")')]);
  }
  await checkA11y(editor, 'topic form');
  await shot(editor, 'topic-manage-zh');

  // An article filed in a section, with a cover and a body image.
  await editor.goto(`${base}/manage/news/new`);
  await editor.fill('#f-title', '露天电影放映回顾');
  await editor.fill('#f-body_markdown', '八大峡社区的露天放映。');
  await editor.selectOption(`#f-topic-${topic}`, { label: '放映预告' });
  await editor.locator('.place-tags details').first().locator('summary').click();
  await editor.locator('.place-tags details').first().locator('input[name=communities]').first().check();
  await Promise.all([editor.waitForURL(/\/manage\/news\/\d+$/), editor.click('form[action="/manage/news/new"] button[type=submit]')]);
  await editor.setInputFiles('#f-cover', { name: 'cover.png', mimeType: 'image/png', buffer: png });
  await editor.fill('#f-cover_alt', '居民在广场观看电影');
  await Promise.all([editor.waitForNavigation(), editor.click('form[action$="/cover"] button.primary')]);
  await editor.setInputFiles('#f-image', { name: 'image.png', mimeType: 'image/png', buffer: png });
  await editor.fill('#f-image_alt', '放映现场');
  await Promise.all([editor.waitForNavigation(), editor.click('form[action$="/image"] button[type=submit]')]);
  assert.match(await editor.inputValue('#f-snippet'), /^!\[放映现场\]\(\/images\/\d+\.jpg\)$/);
  // With the script, one click puts the line into the body (without it, it is copied by hand).
  await editor.click('button[data-insert-snippet]');
  assert.match(await editor.inputValue('#f-body_markdown'), /放映。\n\n!\[放映现场\]\(\/images\/\d+\.jpg\)/);
  await checkA11y(editor, 'article form with pictures');
  await shot(editor, 'news-form-zh');

  const reader = await newPage(browser);
  await reader.goto(`${base}/topics/${topic}`);
  await checkA11y(reader, 'topic page');
  await shot(reader, 'topic-page-zh');

  for (const [page, name] of [[editor, 'topic-manage'], [reader, 'topic-page']]) {
    await Promise.all([page.waitForNavigation(), page.click('button[name=lang]')]);
    await checkA11y(page, `${name} in English`);
    await shot(page, `${name}-en`);
    await Promise.all([page.waitForNavigation(), page.click('button[name=view]')]);
    await checkA11y(page, `${name} in large text`);
    await shot(page, `${name}-large`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling on ${name} in large text (${width}px)`);
  }
  await editor.goto(`${base}/manage/topics/${topic}`);
  await shot(editor, 'topic-manage-large-en');
  await editor.goto(editor.url().replace(/\/manage\/topics\/\d+$/, '/manage/news'));
  await editor.click('a[href^="/manage/news/"]:has-text("露天电影放映回顾")');
  await editor.waitForLoadState();
  await checkA11y(editor, 'article form, large, English');
  await shot(editor, 'news-form-large-en');
});
