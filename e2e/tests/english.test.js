// Issue 12's English walk: as every demo role in turn (and anonymous), with the language set to
// English, follow every same-origin link from the start page, open every <details> menu, and
// fail on any Han character that is not user content or a place name (those sit inside an
// element with lang="zh…"). Also checks <html lang="en"> on every page.
//
// Pages are capped per URL pattern (numeric ids collapsed to :id, the query string's values
// dropped), so a role walks each kind of page a few times, not every case in the district.
// With E2E_SHOTS set, the list of pages walked per role is printed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, login } from '../lib/harness.js';
import { useMode, MODES } from '../lib/journey.js';

const EN = MODES.find((m) => m.name === 'en');
/** Pages of one pattern walked per role. */
const PER_PATTERN = 3;
/** Pages walked per role at most (the walk is a check of wording, not a load test). */
const PER_ROLE = 250;

const ROLES = [
  { name: 'anonymous' },
  { name: 'resident', phone: '13800000009' },
  { name: 'inspector', phone: '13800000007' },
  { name: 'dispatcher', phone: '13800000005' },
  { name: 'handler', phone: '13800000006' },
  { name: 'organiser', phone: '13800000003' },
  { name: 'editor', phone: '13800000004' },
  { name: 'street_admin', phone: '13800000002' },
  { name: 'district_admin', phone: '13800000001' },
  { name: 'enterprise', phone: '13800000008' },
];

/** Links not to follow: signing out, downloads, feeds, switching language or view. */
const SKIP = [
  /\/logout\b/,
  /\.(xlsx|csv|ics|png|jpe?g|webp|pdf|xml|json|rss|atom|txt)(\?|$)/i,
  /\/(export|download|feed|calendar\.ics|photos?\/\d+\/(file|raw))\b/,
  /^\/api\//,
  /^\/static\//,
  /^\/media\//,
  /^\/(lang|view)\b/,
];

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // The demo has news, activities, services and residents' cases; each role should also find
  // what it works with: the resident a family member, a booking and a registration (and their
  // notices), the enterprise user an approved company with a request for assistance.
  const token = (phone) => server.cli(['token', 'create', '--phone', phone]).trim();
  const call = async (who, path, body) => {
    const r = await fetch(`${server.url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    assert.ok(r.ok, `${path}: ${r.status} ${text}`);
    return JSON.parse(text);
  };
  const resident = token('13800000009');
  const parent = await call(resident, '/me/people', { name: '王秀英', relation: 'parent' });
  await call(resident, '/sessions/1/registrations', {});
  const slot = (await (await fetch(`${server.url}/api/v1/services/2/slots`)).json())[0];
  await call(resident, `/slots/${slot.id}/bookings`, { person_id: parent.id });
  const company = token('13800000008');
  const applied = await call(company, '/enterprise/application', {
    name: '青岛海韵茶社有限公司', uscc: '91370202MA3C12345B', contact_name: '李经理', contact_phone: '13800000008',
  });
  await call(token('13800000001'), `/enterprises/${applied.id}/decision`, { approve: true });
  const items = await (await fetch(`${server.url}/api/v1/assist-items`)).json();
  await call(company, '/enterprise/requests', { item_id: items[0].id });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The pattern a URL counts under: numbers become :id, query values are dropped. */
function pattern(url) {
  const u = new URL(url);
  const keys = [...u.searchParams.keys()].sort().join('&');
  return u.pathname.replace(/\/\d+(?=\/|$)/g, '/:id') + (keys ? `?${keys}` : '');
}

/** Han text on the page outside lang="zh…" elements: [{where, text}]. */
async function hanOnPage(page) {
  return page.evaluate(() => {
    const han = /\p{Script=Han}/u;
    const zh = (el) => {
      const holder = el.closest('[lang]');
      return holder && holder !== document.documentElement && /^zh/i.test(holder.getAttribute('lang'));
    };
    const describe = (el) => {
      const parts = [];
      for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
        let s = e.tagName.toLowerCase();
        if (e.id) s += `#${e.id}`;
        else if (e.classList.length) s += `.${[...e.classList].join('.')}`;
        parts.unshift(s);
      }
      return parts.join(' > ');
    };
    const found = [];
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      // A textarea's text is what someone typed (or will edit): user content by definition.
      if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA'].includes(el.tagName)) continue;
      if (han.test(n.data) && !zh(el)) found.push({ where: describe(el), text: n.data.trim() });
    }
    for (const el of document.querySelectorAll('[alt],[title],[placeholder],[aria-label],[label],input[type=submit][value],input[type=button][value]')) {
      if (zh(el)) continue;
      for (const a of ['alt', 'title', 'placeholder', 'aria-label', 'label']) {
        const v = el.getAttribute(a);
        if (v && han.test(v)) found.push({ where: `${describe(el)} @${a}`, text: v });
      }
      if ((el.tagName === 'INPUT') && han.test(el.value)) found.push({ where: `${describe(el)} @value`, text: el.value });
    }
    const title = document.title;
    if (han.test(title) && !zh(document.querySelector('title') || document.body)) found.push({ where: 'title', text: title });
    return found;
  });
}

/** Same-origin GET links on the page, absolute, without fragments. */
async function linksOnPage(page, origin) {
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.href));
  return hrefs
    .map((h) => { try { const u = new URL(h); u.hash = ''; return u; } catch { return null; } })
    .filter((u) => u && u.origin === origin && !SKIP.some((re) => re.test(u.pathname + u.search)))
    .map((u) => u.href);
}

/** Walks from the start page as the page's user; returns {walked, failures}. */
async function walk(page, base) {
  const origin = new URL(base).origin;
  const queue = [`${base}/`];
  const seen = new Set(queue);
  const perPattern = new Map();
  const walked = [];
  const failures = [];
  while (queue.length && walked.length < PER_ROLE) {
    const url = queue.shift();
    const p = pattern(url);
    if ((perPattern.get(p) || 0) >= PER_PATTERN) continue;
    perPattern.set(p, (perPattern.get(p) || 0) + 1);
    let response;
    try {
      response = await page.goto(url, { waitUntil: 'domcontentloaded' });
    } catch (e) {
      // A download (Content-Disposition: attachment) aborts the navigation; not a page.
      if (/net::ERR_ABORTED|Download is starting/.test(String(e))) continue;
      throw e;
    }
    const type = response?.headers()['content-type'] || '';
    if (!type.startsWith('text/html')) continue;
    const here = page.url();
    walked.push(`${response.status()} ${new URL(here).pathname}${new URL(here).search}`);
    // Menus closed by default hold links (and words) too.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    const lang = await page.getAttribute('html', 'lang');
    if (lang !== 'en') failures.push({ page: here, where: 'html', text: `lang="${lang}"` });
    // A text that repeats user content or a place name the page marks lang="zh" elsewhere (a
    // page title, a button's hidden label "Book 19:00 <venue>") is that content too.
    const marked = await page.evaluate(() =>
      [...document.querySelectorAll('body [lang^="zh" i]')].map((e) => e.textContent.trim()).filter((t) => t),
    );
    marked.sort((a, b) => b.length - a.length);
    for (const f of await hanOnPage(page)) {
      let rest = f.text;
      for (const m of marked) if (rest.includes(m)) rest = rest.split(m).join(' ');
      if (/\p{Script=Han}/u.test(rest)) failures.push({ page: here, ...f });
    }
    for (const link of await linksOnPage(page, origin)) {
      if (!seen.has(link)) {
        seen.add(link);
        queue.push(link);
      }
    }
  }
  return { walked, failures };
}

for (const role of ROLES) {
  test(`every page in English has no Chinese outside user content and place names (${role.name})`, async () => {
    const base = server.url;
    const page = await newPage(browser);
    if (role.phone) await login(page, base, role.phone, server.demoPassword);
    await useMode(page, base, EN);
    const { walked, failures } = await walk(page, base);
    console.log(`# ${role.name}: ${walked.length} pages walked`);
    if (process.env.E2E_SHOTS) console.log(walked.map((w) => `#   ${w}`).join('\n'));
    // One line per distinct (place, text), with the first page it was seen on.
    const distinct = new Map();
    for (const f of failures) {
      const key = `${f.where} | ${f.text}`;
      if (!distinct.has(key)) distinct.set(key, { ...f, pages: 0 });
      distinct.get(key).pages += 1;
    }
    const report = [...distinct.values()].map(
      (f) => `${new URL(f.page).pathname}${new URL(f.page).search}  [${f.where}]  «${f.text.slice(0, 120)}»${f.pages > 1 ? `  (+${f.pages - 1} more pages)` : ''}`,
    );
    await page.context().close();
    for (const line of report) console.log(`#! ${role.name}  ${line}`);
    assert.equal(report.length, 0, `${role.name}: Chinese on English pages (listed above with #!):\n${report.slice(0, 30).join('\n')}`);
  });
}
