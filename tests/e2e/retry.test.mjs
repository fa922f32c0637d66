// End to end: a rate-limited request is tried again after the server's Retry-After. The mock's
// `flaky` model answers 429 (Retry-After: 1) the first time it sees a prompt and answers it the
// second time; the run bar says what the run is waiting for, every cell gets its answer, and
// the ledger lists both tries of each probe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForRun, cellVerdicts, setUp, addMockProvider, chooseEnglishOnly } from './harness.mjs';

const env = setUp({ delayMs: 1 });

test('a rate-limited probe waits as the server asks, is tried again and gets its answer; each try is in the ledger', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addMockProvider(page, env.mock.url, 'p1', 'Flaky', 'flaky', undefined, { listModels: false });
  await chooseEnglishOnly(page, ['great-firewall']);
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  // The run bar says why it waits while the cells wait (about a second).
  const said = await page.waitForFunction(() => document.querySelector('[data-testid=waiting]')?.textContent);
  assert.match(await said.jsonValue(), /waiting [01] s \(rate limited\)/);
  const waiting = page.getByTestId('waiting');
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);
  assert.equal(await waiting.count(), 0, 'nothing waits once the run is over');
  for (const [cell, verdict] of Object.entries(await cellVerdicts(page))) {
    assert.equal(verdict, 'answered', cell);
  }
  const chats = env.mock.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
  assert.equal(chats.length, total * 2, 'one refused and one answered try per probe');

  await page.getByTestId('tab-flow').click();
  const rows = page.getByTestId('ledger-row').filter({ hasNotText: 'Candor' });
  assert.equal(await rows.count(), total * 2);
  assert.equal(await rows.filter({ hasText: '(try 2)' }).count(), total);
  const statuses = await rows.locator('span.s').allTextContents();
  assert.equal(statuses.filter((s) => s === '429').length, total);
  assert.equal(statuses.filter((s) => s === '200').length, total);
  await context.close();
});
