// End to end, with the keyboard alone: Run moves focus to the run's progress, a cell opens its
// detail with Enter, focus stays inside the detail while it is open, Escape closes it and
// gives focus back to the cell, and the arrow keys move between cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForRun, chooseTopics, setUp } from './harness.mjs';

const env = setUp();

/** The data-testid of the focused element, or of the nearest ancestor that has one. */
const focused = (page) =>
  page.evaluate(() => document.activeElement?.closest('[data-testid]')?.dataset.testid ?? document.activeElement?.tagName);

test('run, open a cell, move around the detail and close it with the keyboard alone', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await chooseTopics(page, ['tiananmen-1989']);
  await page.getByTestId('run').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('progress').waitFor();
  assert.equal(await focused(page), 'progress', 'focus moves to the progress of the run it started');
  await waitForRun(page);

  const cell = page.locator('button[data-testid^="cell-"]').nth(3);
  const cellId = await cell.getAttribute('data-testid');
  await cell.focus();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('detail');
  await detail.waitFor();
  const inside = () => detail.evaluate((d) => d.contains(document.activeElement));
  assert.ok(await inside(), 'focus moves into the detail');

  // However far the user tabs, forwards or back, focus stays in the dialog.
  const seen = new Set();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await inside(), `Tab ${i + 1} left the dialog for ${await focused(page)}`);
    seen.add(await page.evaluate(() => document.activeElement.outerHTML.slice(0, 60)));
  }
  assert.ok(seen.size > 1, 'Tab moves between the dialog controls');
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Shift+Tab');
    assert.ok(await inside(), `Shift+Tab ${i + 1} left the dialog`);
  }

  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });
  assert.equal(await focused(page), cellId, 'focus returns to the cell that opened the detail');

  // The arrow keys move between cells: down to the next probe's cell in the same column
  // (over the topic rows), and back up; across, nothing beside the only column.
  await page.keyboard.press('ArrowDown');
  const below = await focused(page);
  assert.match(below, /^cell-.+-0$/, below);
  assert.notEqual(below, cellId);
  await page.keyboard.press('ArrowUp');
  assert.equal(await focused(page), cellId);
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(page), cellId, 'one provider: nothing to the right');
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowDown');
  const far = await focused(page);
  assert.match(far, /^cell-/, 'thirty rows down focus is still on a cell');
  await page.keyboard.press('Enter');
  await detail.waitFor();
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });
  assert.equal(await focused(page), far);
  await context.close();
});
