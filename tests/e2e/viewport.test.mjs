// End to end: on a phone (390 px), a tablet (768 px) and a desktop (1280 px) every page fits
// the width of the screen (the matrix scrolls inside its own box), Run is reachable without
// scrolling past the settings, and the detail fits. Screenshots of each page are written to
// target/screenshots/ for a person to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, waitForRun, chooseTopics, setUp, openPage } from './harness.mjs';

const env = setUp();
const SHOTS = join(ROOT, 'target', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

/** How far the page itself scrolls sideways (0 when it fits). */
const overflow = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

for (const width of [390, 768, 1280]) {
  test(`every page fits a ${width} px wide screen`, async () => {
    const context = await env.chromium.browser.newContext({
      viewport: { width, height: 844 },
      deviceScaleFactor: 1,
      isMobile: width < 500,
      hasTouch: width < 500,
    });
    const page = await context.newPage();
    await page.goto(env.site.url);
    await page.getByTestId('run').waitFor();
    const shot = (name) => page.screenshot({ path: join(SHOTS, `${width}-${name}.png`), fullPage: name !== 'detail' });
    const found = {};
    // The ad-hoc question box open, with the settings.
    await page.getByText('Ask one question').click();
    found.settings = await overflow(page);
    const runTop = await page.getByTestId('run').evaluate((b) => b.getBoundingClientRect().top + window.scrollY);
    assert.ok(runTop < 844, `Run is ${Math.round(runTop)} px down the page at ${width} px`);
    await shot('settings');

    await chooseTopics(page, ['tiananmen-1989', 'taiwan-status']);
    await page.getByTestId('run').click();
    await waitForRun(page);
    found.results = await overflow(page);
    await shot('results');
    const matrix = await page.locator('.matrix-wrap, .matrix').first().evaluate((m) => {
      const box = m.closest('.matrix-wrap') ?? m;
      return { box: box.clientWidth, content: box.scrollWidth, screen: window.innerWidth };
    });
    assert.ok(matrix.box <= matrix.screen, `the matrix box fits the screen: ${JSON.stringify(matrix)}`);

    await page.locator('button[data-testid^="cell-"]').first().click();
    const detail = page.getByTestId('detail');
    await detail.waitFor();
    const box = await detail.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= width + 0.5, `the detail fits: ${JSON.stringify(box)}`);
    found.detail = await overflow(page);
    await shot('detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    for (const tab of ['flow', 'runs']) {
      await page.getByTestId(`tab-${tab}`).click();
      found[tab] = await overflow(page);
      await shot(tab);
    }
    await context.close();
    const wide = Object.entries(found).filter(([, px]) => px > 0);
    assert.deepEqual(wide, [], `pages wider than the screen (page, px too wide): ${JSON.stringify(wide)}`);
  });
}

test('on a desktop screen the verdict mix of imported results with long model names fits its panel', async () => {
  // "deepseek/deepseek-r1" breaks only at its slash: the mix bar must shrink rather than push
  // the table, and the page, wider than the screen (below 900 px wide tables scroll inside
  // their own panel instead).
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await page.setViewportSize({ width: 1280, height: 844 });
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('import-kind').selectOption('speechmap');
  await page.getByTestId('import-file').setInputFiles(join(ROOT, 'tests/fixtures/import/speechmap-analysis.jsonl'));
  await page.getByTestId('matrix').waitFor();
  const mix = await page.getByTestId('mix').evaluate((t) => {
    const panel = t.closest('.panel').getBoundingClientRect();
    return { table: Math.round(t.getBoundingClientRect().right), panel: Math.round(panel.right) };
  });
  assert.ok(mix.table <= mix.panel, `the verdict mix fits its panel: ${JSON.stringify(mix)}`);
  assert.equal(await overflow(page), 0, 'the page does not scroll sideways');
  await context.close();
});
