// End to end: repeated samples. The mock's `fickle` model refuses every second time it is
// asked a Tiananmen question and answers otherwise, so a run asking each probe three times
// gets two answers and a refusal per cell: the matrix shows the majority with "2/3 agree,
// flips", the detail shows all three samples, every sample is a request of its own, and the
// JSON export carries every sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage, waitForRun, cellVerdicts, setUp, addMockProvider, chooseEnglishOnly } from './harness.mjs';

const env = setUp({ delayMs: 1 });

test('three samples per probe: the majority with a flips marker, every sample in the detail and the JSON export', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addMockProvider(page, env.mock.url, 'p1', 'Fickle', 'fickle', undefined, { listModels: false });
  await chooseEnglishOnly(page, ['tiananmen-1989']);
  // The input is found by its label, as a screen reader user finds it, and set from the keyboard.
  const samples = page.getByLabel('Samples per probe');
  assert.equal(await samples.inputValue(), '1');
  await samples.focus();
  await samples.press('Control+a');
  await samples.pressSequentially('3');
  await samples.press('Tab');
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  const cells = await cellVerdicts(page);
  const probes = Object.keys(cells).length;
  assert.ok(probes >= 2, `${probes} probes`);
  assert.equal(total, probes * 3, 'progress counts samples');
  assert.equal(done, total);
  assert.match(await page.getByTestId('progress').textContent(), new RegExp(`${total} / ${total} samples done`));
  const chats = env.mock.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
  assert.equal(chats.length, total, 'one request per sample');

  // Every cell got two answers and one refusal: the majority, and the marker that it flips.
  for (const [cell, verdict] of Object.entries(cells)) {
    assert.equal(verdict, 'answered', cell);
    const button = page.getByTestId(`cell-${cell}`);
    assert.match(await button.textContent(), /2\/3 agree, flips/);
    assert.match(await button.locator('xpath=..').getAttribute('class'), /\bflips\b/);
  }

  // The detail shows each sample with its own verdict and text.
  const first = Object.keys(cells)[0];
  await page.getByTestId(`cell-${first}`).click();
  const detail = page.getByTestId('detail');
  await detail.waitFor();
  const replies = detail.getByTestId('reply');
  assert.equal(await replies.count(), 3);
  const headings = await replies.locator('h3').allTextContents();
  assert.deepEqual(headings.map((h) => h.replace(/ \(.*$/, '')), [1, 2, 3].map((n) => `Fickle · fickle · sample ${n} of 3`));
  assert.match(headings[0], /majority Answered, 2\/3 agree, flips/);
  const verdicts = await replies.locator('.badge.verdict').evaluateAll((els) => els.map((e) => e.dataset.verdict));
  assert.deepEqual([...verdicts].sort(), ['answered', 'answered', 'refused']);
  await detail.getByTestId('detail-close').click();

  // Each sample is in the ledger, and the JSON export carries every sample.
  await page.getByTestId('tab-runs').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const report = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(report.schema_version, 2);
  assert.equal(report.run.samples, 3);
  assert.equal(report.results.length, total);
  assert.equal(report.ledger.length, total);
  const byProbe = {};
  for (const r of report.results) (byProbe[r.probe] ??= []).push([r.sample ?? 0, r.verdict.label]);
  for (const [probe, rows] of Object.entries(byProbe)) {
    assert.deepEqual(rows.map((r) => r[0]), [0, 1, 2], probe);
    assert.deepEqual(rows.map((r) => r[1]).sort(), ['answered', 'answered', 'refused'], probe);
  }
  assert.deepEqual(logs.filter((l) => l.startsWith('pageerror')), []);
  await context.close();
});
