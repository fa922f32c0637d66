// End to end: the matrix you can question. Filters by verdict, language and "models
// disagree", a search in prompts and replies, and a link that reopens the same view (page,
// filters and open cell) in a new tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForRun, chooseTopics, setUp, loadPack } from './harness.mjs';

const env = setUp();
const pack = loadPack();

/** The probe ids of the rows the matrix shows. */
const shownProbes = (page) =>
  page.$$eval('[data-testid^="cell-"]', (els) => [...new Set(els.map((e) => e.dataset.testid.replace(/^cell-/, '').replace(/-\d+$/, '')))]);

test('filters, search and a link that reopens the view', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await chooseTopics(page, ['tiananmen-1989', 'taiwan-status']);
  await page.getByTestId('run').click();
  const { total } = await waitForRun(page);
  assert.equal((await shownProbes(page)).length, total);
  assert.equal(await page.getByTestId('filter-count').textContent(), `${total} of ${total} probes`);

  // Verdict: only rows with a refusal; the demo refuses the Tiananmen probes.
  await page.getByTestId('filter-verdict').selectOption('refused');
  const refused = await shownProbes(page);
  assert.ok(refused.length > 0 && refused.length < total, `${refused.length} of ${total}`);
  const verdicts = await page.$$eval('[data-testid^="cell-"]', (els) => els.map((e) => e.dataset.verdict));
  assert.ok(verdicts.every((v) => v === 'refused'), verdicts.join(' '));
  assert.match(page.url(), /#view=results&verdict=refused/);

  // Language on top of it.
  await page.getByTestId('filter-lang').selectOption('zh-Hant');
  const hant = await shownProbes(page);
  assert.ok(hant.length > 0 && hant.every((id) => id.endsWith('@zh-Hant')), hant.join(' '));
  await page.getByTestId('filter-clear').click();
  assert.equal((await shownProbes(page)).length, total);

  // Search: a word of one control prompt finds its row (and nothing about Taiwan).
  const gwangju = pack.probes.find((p) => p.lang === 'en' && /Gwangju/.test(p.prompt));
  await page.getByTestId('filter-search').fill('gwangju');
  assert.deepEqual(await shownProbes(page), [gwangju.id]);
  await page.getByTestId('filter-search').fill('');

  // With one provider the models never disagree.
  await page.getByTestId('filter-disagree').check();
  assert.deepEqual(await shownProbes(page), []);
  assert.equal(await page.getByTestId('filter-count').textContent(), `0 of ${total} probes`);
  await page.getByTestId('filter-disagree').uncheck();

  // A link holds the view: the filter and the open cell come back in a new tab.
  await page.getByTestId('filter-verdict').selectOption('state_narrative');
  const narrative = await shownProbes(page);
  await page.getByTestId(`cell-${narrative[0]}-0`).click();
  await page.getByTestId('detail').waitFor();
  const link = page.url();
  assert.match(link, new RegExp(`open=${encodeURIComponent(narrative[0]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.doesNotMatch(link, /Simulated reply|key/i, 'no reply or key in the link');
  const other = await context.newPage();
  await other.goto(link);
  await other.getByTestId('detail').waitFor();
  assert.equal(await other.getByTestId('detail-prompt').getAttribute('lang'), pack.probes.find((p) => p.id === narrative[0]).lang);
  await other.keyboard.press('Escape');
  assert.deepEqual(await shownProbes(other), narrative);
  assert.equal(await other.getByTestId('filter-verdict').inputValue(), 'state_narrative');
  await context.close();
});
