// A journey's tap budget (issue 12): a tap is a click, a choice or a form submission; filling a
// field counts one; scrolling counts none. Each counted step can save a screenshot to
// $E2E_SHOTS as `<journey>-<nn>-<label>.png`, and `done()` fails when the budget is spent.

import assert from 'node:assert/strict';
import path from 'node:path';

/** Wraps `page` for one journey called `name` with at most `budget` taps. */
export function journey(page, name, budget) {
  let taps = 0;
  let step = 0;
  const shot = async (label) => {
    step += 1;
    if (!process.env.E2E_SHOTS) return;
    const file = `${name}-${String(step).padStart(2, '0')}-${label}.png`;
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, file), fullPage: true });
  };
  const counted = async (label, action) => {
    taps += 1;
    await action();
    await shot(label);
  };
  return {
    /** A click; waits for the page it leads to unless `navigates` is false. */
    tap: (selector, label, { navigates = true } = {}) =>
      counted(label, () =>
        navigates ? Promise.all([page.waitForNavigation(), page.click(selector)]) : page.click(selector)),
    /** Filling a field. */
    fill: (selector, value, label) => counted(label, () => page.fill(selector, value)),
    /** Choosing files (one tap, like a field). */
    files: (selector, files, label) => counted(label, () => page.setInputFiles(selector, files)),
    /** Choosing an option. */
    select: (selector, option, label) => counted(label, () => page.selectOption(selector, option)),
    /** Ticking a box. */
    check: (selector, label) => counted(label, () => page.check(selector)),
    /** A screenshot without a tap (the first screen, say). */
    shot,
    /** Taps so far. */
    get taps() { return taps; },
    /** Fails when the journey took more taps than its budget; returns the count. */
    done() {
      assert.ok(taps <= budget, `${name}: ${taps} taps, budget ${budget}`);
      return taps;
    },
  };
}

/** The three ways each journey is walked: Chinese, English, large text (Chinese). */
export const MODES = [
  { name: 'zh', cookies: [] },
  { name: 'en', cookies: [{ name: 'ejia_lang', value: 'en' }] },
  { name: 'large', cookies: [{ name: 'ejia_view', value: 'large' }] },
];

/** Sets a mode's cookies on the page's context for `base`. */
export async function useMode(page, base, mode) {
  if (mode.cookies.length) await page.context().addCookies(mode.cookies.map((c) => ({ ...c, url: base })));
}
