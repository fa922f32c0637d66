// End to end: every page of the app checked with axe-core (the accessibility rules of
// WCAG 2.1 A and AA), in the light and the dark colour scheme: no serious or critical
// violation on the settings, the matrix after a run, a cell's detail, the data flow, the
// saved runs and the charts, and the matrix filtered, sorted, in its text view, with a verdict
// set by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { waitForRun, chooseTopics, setUp } from './harness.mjs';

const env = setUp();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's serious and critical violations on the page as it is now, one line each. */
async function violations(page) {
  // Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
  await page.evaluate(AXE);
  const found = await page.evaluate(() =>
    window.axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }))),
  );
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 5).join(', ')}${v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : ''}`);
}

for (const scheme of ['light', 'dark']) {
  test(`no serious or critical accessibility violation on any page (${scheme} colours)`, async () => {
    const context = await env.chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(env.site.url);
    await page.getByTestId('run').waitFor();
    const found = {};
    // The ad-hoc question box open, with the settings.
    await page.getByText('Ask one question').click();
    found.settings = await violations(page);

    await chooseTopics(page, ['tiananmen-1989', 'taiwan-status']);
    await page.getByTestId('run').click();
    await waitForRun(page);
    found.results = await violations(page);

    await page.locator('[data-testid^="cell-"]').first().click();
    await page.getByTestId('detail').waitFor();
    found.detail = await violations(page);
    // A verdict set by hand, then the matrix with it, filtered, sorted, in its text view.
    await page.getByTestId('manual').first().selectOption('deflected');
    await page.getByTestId('manual-note').waitFor();
    found['detail, a verdict set by hand'] = await violations(page);
    await page.keyboard.press('Escape');
    await page.getByTestId('detail').waitFor({ state: 'detached' });
    await page.getByTestId('filter-text').check();
    await page.getByTestId('filter-sort').selectOption('refusals');
    await page.getByTestId('filter-kind').selectOption('sensitive');
    await page.getByTestId('by-hand').waitFor();
    found['results, text view and filters'] = await violations(page);

    for (const tab of ['flow', 'runs']) {
      await page.getByTestId(`tab-${tab}`).click();
      found[tab] = await violations(page);
    }
    await context.close();
    const bad = Object.entries(found).filter(([, v]) => v.length);
    assert.equal(bad.length, 0, bad.map(([page, v]) => `${page}:\n  ${v.join('\n  ')}`).join('\n'));
  });
}
