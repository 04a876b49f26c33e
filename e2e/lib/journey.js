// A journey's tap budget (issue 12): a tap is a click, a choice or a form submission; filling a
// field counts one; scrolling counts none. Wrap the page's actions in a journey, and it counts
// them, saves a screenshot per step to $E2E_SHOTS (when set) and asserts the budget at the end.

import assert from 'node:assert/strict';
import path from 'node:path';

/**
 * Starts counting on `page` for the journey `name` (used in screenshot names), allowed
 * `budget` taps. Actions that load a new page wait for it.
 */
export function journey(page, name, budget) {
  let taps = 0;
  let aside = 0;
  let screens = 1;
  let step = 0;
  const onNav = (frame) => { if (frame === page.mainFrame()) screens += 1; };
  page.on('framenavigated', onNav);
  const shot = async (label) => {
    step += 1;
    if (!process.env.E2E_SHOTS) return;
    const file = `${name}-${String(step).padStart(2, '0')}-${label}.png`;
    await page.screenshot({ path: path.join(process.env.E2E_SHOTS, file), fullPage: true });
  };
  const act = async (label, fn, navigates) => {
    taps += 1;
    if (navigates) await Promise.all([page.waitForNavigation(), fn()]);
    else await fn();
    await shot(label);
  };
  return {
    /** Clicks (a link or a submit button): one tap; waits for the page it loads unless `navigates` is false. */
    tap: (selector, label, { navigates = true } = {}) => act(label, () => page.click(selector), navigates),
    /** Fills a field: one tap. */
    fill: (selector, value, label) => act(label, () => page.fill(selector, value), false),
    /** Chooses an option: one tap. */
    choose: (selector, value, label) => act(label, () => page.selectOption(selector, value), false),
    /** Ticks a box: one tap. */
    check: (selector, label) => act(label, () => page.check(selector), false),
    /** A screenshot without a tap (the start, the end). */
    shot,
    /**
     * A deliberate detour the journey's budget does not cover (a typing slip, to see the error
     * summary): its taps are counted apart and reported, not charged to the budget.
     */
    async aside(fn) {
      const before = taps;
      await fn();
      aside += taps - before;
      taps = before;
    },
    /** Ends the journey: asserts the budget; returns the counts. */
    done() {
      page.off('framenavigated', onNav);
      assert.ok(taps <= budget, `${name}: ${taps} taps, budget ${budget}`);
      return { taps, aside, screens };
    },
  };
}
