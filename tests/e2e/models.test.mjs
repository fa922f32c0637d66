// End to end: several models from one provider entry. A user lists the mock server's models,
// searches the list, ticks two models (one with the keyboard) and unticks the one List models
// filled in; the run then has one column per model, asked through the same URL with the same
// key, each with its own verdicts; the JSON export has both columns and never the key; and the
// choice is still there after a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage, waitForRun, cellVerdicts, setUp, chooseEnglishOnly } from './harness.mjs';

const env = setUp({ delayMs: 1 });
const KEY = 'sk-multi-KEY-7373';

test('two models ticked in one provider entry are two columns sharing its URL and key', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await page.getByTestId('preset-select').selectOption('custom');
  await page.getByTestId('add-provider').click();
  const card = page.getByTestId('provider-p1');
  await card.getByTestId('provider-name').fill('Lab');
  await card.getByTestId('provider-url').fill(env.mock.url);
  await card.getByTestId('provider-key').fill(KEY);
  await card.getByTestId('load-models').click();
  await card.getByTestId('models-loaded').waitFor();
  // List models fills the empty model with the server's first one, which shows ticked.
  const first = await card.getByTestId('provider-model').inputValue();
  assert.ok(first && !first.includes('chat'), `filled with ${first}`);
  const choices = card.getByTestId('model-choices');
  assert.ok(await choices.getByRole('checkbox', { name: first, exact: true }).isChecked());

  // The search box narrows the list to the models whose id has every word typed.
  await card.getByTestId('model-search').fill('CHAT');
  const shown = await choices.locator('label').allTextContents();
  assert.ok(shown.length >= 2 && shown.every((m) => m.includes('chat')), `filtered: ${shown}`);
  assert.ok(shown.includes('open-chat') && shown.includes('censor-chat'), `filtered: ${shown}`);
  await choices.getByRole('checkbox', { name: 'open-chat', exact: true }).check();
  // The keyboard alone ticks a box.
  await choices.getByRole('checkbox', { name: 'censor-chat', exact: true }).focus();
  await page.keyboard.press('Space');
  await card.getByTestId('model-search').fill('no such model');
  assert.equal(await choices.locator('label').count(), 0);
  await card.getByTestId('model-search').fill('');
  await choices.getByRole('checkbox', { name: first, exact: true }).uncheck();
  assert.equal(await card.getByTestId('models-chosen').textContent(), 'Columns: open-chat, censor-chat');
  assert.equal(await card.getByTestId('provider-model').inputValue(), 'open-chat');

  await chooseEnglishOnly(page, ['tiananmen-1989']);
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);

  assert.equal(await page.getByTestId('col-0').locator('.col-title').textContent(), 'Lab · open-chat');
  assert.equal(await page.getByTestId('col-1').locator('.col-title').textContent(), 'Lab · censor-chat');
  assert.equal(await page.getByTestId('col-2').count(), 0, 'one column per ticked model, no more');
  const columns = [[], []];
  for (const [cell, verdict] of Object.entries(await cellVerdicts(page))) {
    columns[Number(cell.split('-').pop())].push(verdict);
  }
  assert.ok(columns[0].length > 0 && columns[0].length === columns[1].length, `${columns}`);
  assert.ok(columns[0].every((v) => v === 'answered'), `open-chat answers: ${columns[0]}`);
  assert.ok(columns[1].every((v) => v === 'refused'), `censor-chat refuses: ${columns[1]}`);

  const posts = env.mock.requests.filter((r) => r.method === 'POST');
  const asked = new Set(posts.map((r) => r.body?.model));
  assert.deepEqual([...asked].sort(), ['censor-chat', 'open-chat']);
  for (const r of posts) {
    assert.equal(r.path, '/v1/chat/completions');
    assert.equal(r.headers.authorization, `Bearer ${KEY}`, 'both columns send the shared key');
  }

  await page.getByTestId('tab-runs').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(!text.includes(KEY), 'the key is not in the export');
  const report = JSON.parse(text);
  assert.deepEqual(
    report.providers.map((p) => [p.id, p.title, p.model]),
    [['p1', 'Lab · open-chat', 'open-chat'], ['p1/censor-chat', 'Lab · censor-chat', 'censor-chat']],
  );
  const ledgerIds = new Set(report.ledger.filter((e) => e.request_body).map((e) => e.purpose.provider_id));
  assert.deepEqual([...ledgerIds].sort(), ['p1', 'p1/censor-chat'], 'each column has its own ledger entries');
  assert.ok(!logs.some((l) => l.includes(KEY)), 'the key is not in the console');

  // The choice is saved with the settings.
  await page.reload();
  await page.getByTestId('run').waitFor();
  const again = page.getByTestId('provider-p1');
  await again.locator('details').evaluate((d) => { d.open = true; });
  assert.equal(await again.getByTestId('models-chosen').textContent(), 'Columns: open-chat, censor-chat');
  await context.close();
});
