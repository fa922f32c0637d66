// End to end: the matrix you can question. Two models on the mock server, one open and one
// that censors: filters by verdict, language and "models disagree", a search in prompts and
// replies, columns sorted by refusal rate and back, the first line of each reply, a verdict set
// by hand (marked, counted apart, exported, saved), and a link that reopens the same view
// (run, filters, order, open cell) in a new tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage, waitForRun, chooseTopics, cellVerdicts, setUp, loadPack, addMockProvider } from './harness.mjs';

const env = setUp();
const pack = loadPack();
const KEY = 'sk-test-KEY-matrix-98765';

/** The probe ids of the rows the matrix shows, in order. */
const shownProbes = (page) =>
  page.$$eval('[data-testid="matrix"] tbody th.probe', (ths) => ths.map((th) => th.closest('tr').querySelector('[data-testid^="cell-"]').dataset.testid.replace(/^cell-/, '').replace(/-\d+$/, '')));

/** The provider columns' test ids, left to right. */
const columns = (page) => page.$$eval('[data-testid="matrix"] thead [data-testid^="col-"]', (ths) => ths.map((th) => th.dataset.testid));

async function downloadText(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return readFileSync(await download.path(), 'utf8');
}

test('filters, search, sorting, first lines, a verdict set by hand, and a link that reopens the view', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addMockProvider(page, env.mock.url, 'p1', 'Open chat', 'open-chat');
  await addMockProvider(page, env.mock.url, 'p2', 'Censor', 'censor-r1', KEY);
  await chooseTopics(page, ['tiananmen-1989']);
  await page.getByTestId('run').click();
  const { total } = await waitForRun(page);
  const probes = total / 2;
  assert.equal((await shownProbes(page)).length, probes);
  assert.equal(await page.getByTestId('filter-count').textContent(), `${probes} of ${probes} probes`);
  const verdicts = await cellVerdicts(page);

  // Verdict: only rows with a refusal, which the censoring model gives on Tiananmen.
  await page.getByTestId('filter-verdict').selectOption('refused');
  const refused = await shownProbes(page);
  assert.ok(refused.length > 0 && refused.length < probes, `${refused.length} of ${probes}`);
  assert.ok(refused.every((id) => verdicts[`${id}-1`] === 'refused' || verdicts[`${id}-0`] === 'refused'), refused.join(' '));
  assert.equal(await page.getByTestId('filter-count').textContent(), `${refused.length} of ${probes} probes`);
  assert.match(page.url(), /#view=results&run=run-\d+&verdict=refused$/);

  // Language on top of it; "Show all" clears both.
  await page.getByTestId('filter-lang').selectOption('zh-Hant');
  const hant = await shownProbes(page);
  assert.ok(hant.length > 0 && hant.length < refused.length && hant.every((id) => id.endsWith('@zh-Hant')), hant.join(' '));
  await page.getByTestId('filter-clear').click();
  assert.equal((await shownProbes(page)).length, probes);

  // Search: a word of one control prompt finds its row; words of a reply find the rows it answers.
  const gwangju = pack.probes.find((p) => p.lang === 'en' && /Gwangju/.test(p.prompt));
  await page.getByTestId('filter-search').fill('GWANGJU');
  assert.deepEqual(await shownProbes(page), [gwangju.id]);
  await page.getByTestId('filter-search').fill('tank man');
  const tank = await shownProbes(page);
  assert.ok(tank.includes('tiananmen-1989.crackdown@en') && tank.every((id) => id.startsWith('tiananmen')), tank.join(' '));
  await page.getByTestId('filter-search').fill('');

  // "Models disagree": exactly the rows whose two verdicts differ.
  await page.getByTestId('filter-disagree').check();
  const disagree = await shownProbes(page);
  const differ = Object.keys(verdicts).filter((k) => k.endsWith('-0')).map((k) => k.slice(0, -2)).filter((id) => verdicts[`${id}-0`] !== verdicts[`${id}-1`]);
  assert.ok(disagree.length > 0);
  assert.deepEqual([...disagree].sort(), [...differ].sort());
  await page.getByTestId('filter-disagree').uncheck();

  // Columns by refusal rate: the censoring model (configured second) comes first, and back.
  assert.deepEqual(await columns(page), ['col-0', 'col-1']);
  await page.getByTestId('filter-sort').selectOption('refusals');
  assert.deepEqual(await columns(page), ['col-1', 'col-0']);
  const firstRow = page.locator('[data-testid="matrix"] tbody tr:has(th.probe)').first();
  assert.match(await firstRow.locator('button').first().getAttribute('data-testid'), /-1$/, 'cells follow their column');
  assert.match(page.url(), /sort=refusals/);
  await page.getByTestId('filter-sort').selectOption('');
  assert.deepEqual(await columns(page), ['col-0', 'col-1']);

  // The first line of each reply: on hover, and under the verdict in the text view.
  const open = page.getByTestId('cell-tiananmen-1989.crackdown@en-0');
  const line = 'In April 1989 students gathered in Tiananmen Square';
  assert.ok((await open.getAttribute('title')).includes(`\n${line}`), await open.getAttribute('title'));
  assert.equal(await open.locator('.first').count(), 0);
  await page.getByTestId('filter-text').check();
  assert.ok((await open.locator('.first').textContent()).startsWith(line));
  assert.equal(await open.locator('.first').getAttribute('lang'), 'en');
  await page.getByTestId('filter-text').uncheck();

  // A verdict set by hand, in the detail view: kept beside the automatic one and marked.
  const cell = page.getByTestId('cell-tiananmen-1989.crackdown@en-1');
  assert.equal(await cell.getAttribute('data-verdict'), 'refused');
  await cell.click();
  await page.getByTestId('detail').waitFor();
  await page.getByTestId('reply').nth(1).getByTestId('manual').selectOption('answered');
  assert.match(await page.getByTestId('manual-note').textContent(), /set by hand; automatic verdict: Refused/);
  assert.equal(await page.getByTestId('reply').nth(1).locator('[data-verdict]').first().getAttribute('data-verdict'), 'refused', 'the automatic badge stays');
  await page.keyboard.press('Escape');
  await page.getByTestId('detail').waitFor({ state: 'detached' });
  assert.equal(await cell.getAttribute('data-verdict'), 'answered');
  assert.equal(await cell.getAttribute('data-manual'), '1');
  assert.match(await cell.getAttribute('title'), /^Answered, set by hand; automatic verdict: Refused/);
  assert.match(await cell.textContent(), /✎/);
  assert.match(await page.getByTestId('by-hand').textContent(), /^1 set by hand/);

  // Exports carry it beside the automatic verdict.
  await page.getByTestId('tab-runs').click();
  const report = JSON.parse(await downloadText(page, 'export-json'));
  const row = report.results.find((r) => r.probe === 'tiananmen-1989.crackdown@en' && r.provider === 'p2');
  assert.equal(row.manual, 'answered');
  assert.equal(row.verdict.label, 'refused');
  assert.equal(report.results.filter((r) => r.manual).length, 1);
  const csv = await downloadText(page, 'export-csv');
  assert.match(csv.split('\r\n')[0], /,manual_verdict$/);
  assert.equal(csv.split('\r\n').filter((l) => l.endsWith(',answered')).length, 1);
  const html = await downloadText(page, 'export-html');
  assert.match(html, /title="set by hand; automatic verdict: Refused"><a [^>]*>Answered ✎<\/a>/);
  assert.match(html, /1 verdicts set by hand/);

  // A link holds the view: the run, the filter, the order and the open cell come back in a
  // new tab (the run from this browser's storage, with the verdict set by hand).
  await page.getByTestId('tab-results').click();
  await page.getByTestId('filter-verdict').selectOption('answered');
  await page.getByTestId('filter-sort').selectOption('refusals');
  const answered = await shownProbes(page);
  await page.getByTestId('cell-tiananmen-1989.crackdown@en-1').click();
  await page.getByTestId('detail').waitFor();
  const link = page.url();
  assert.match(link, /#view=results&run=run-\d+&verdict=answered&sort=refusals&open=tiananmen-1989\.crackdown@en$/);
  assert.ok(!link.includes(KEY) && !/key|April|gathered/i.test(link), `no key or reply in the link: ${link}`);
  const other = await context.newPage();
  await other.goto(link);
  await other.getByTestId('detail').waitFor();
  assert.equal(await other.getByTestId('detail-prompt').textContent(), pack.probes.find((p) => p.id === 'tiananmen-1989.crackdown@en').prompt);
  assert.equal(await other.getByTestId('reply').nth(1).getByTestId('manual').inputValue(), 'answered');
  await other.keyboard.press('Escape');
  await other.getByTestId('detail').waitFor({ state: 'detached' });
  assert.deepEqual(await shownProbes(other), answered);
  assert.deepEqual(await columns(other), ['col-1', 'col-0']);
  assert.equal(await other.getByTestId('filter-verdict').inputValue(), 'answered');
  assert.equal(await other.getByTestId('cell-tiananmen-1989.crackdown@en-1').getAttribute('data-manual'), '1');
  // Giving it back to the classifier is saved too.
  await other.getByTestId('cell-tiananmen-1989.crackdown@en-1').click();
  await other.getByTestId('detail').waitFor();
  await other.getByTestId('reply').nth(1).getByTestId('manual').selectOption('');
  assert.equal(await other.getByTestId('manual-note').count(), 0);
  await other.keyboard.press('Escape');
  const back = other.getByTestId('cell-tiananmen-1989.crackdown@en-1');
  assert.equal(await back.getAttribute('data-verdict'), 'refused');
  assert.equal(await back.getAttribute('data-manual'), null);
  assert.equal(await other.getByTestId('by-hand').count(), 0);
  // Saved: after a reload (the link without the closed cell) the automatic verdict is back.
  // The change is stored a moment after it is made (a reload aborts a write still under way,
  // as closing the tab would): wait until no stored cell holds a verdict set by hand.
  assert.doesNotMatch(other.url(), /open=/);
  await other.waitForFunction(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('candor');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('cells').objectStore('cells').getAll();
          all.onsuccess = () => {
            db.close();
            resolve(all.result.length > 0 && all.result.every((v) => !String(v).includes('"manual"')));
          };
          all.onerror = () => resolve(false);
        };
      }),
    null,
    { polling: 100, timeout: 30_000 },
  );
  await other.reload();
  await back.waitFor();
  assert.equal(await back.getAttribute('data-verdict'), 'refused');
  assert.equal(await back.getAttribute('data-manual'), null);
  assert.deepEqual(logs.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await context.close();
});
