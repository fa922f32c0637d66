// A reply of one 1 MB line opens in the detail view at once: its first 20,000 characters,
// its size, and "Show all", which then draws the whole of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, setUp, addMockProvider, waitForRun } from './harness.mjs';

const env = setUp({ delayMs: 0 });

test('a 1 MB one-line reply opens showing its start and size, and "Show all" draws all of it', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addMockProvider(page, env.mock.url, 'p1', 'Long', 'long-1000000', null, { listModels: false });
  await page.getByText('Import probes').click();
  await page.getByTestId('import-topic').fill('Long');
  await page.getByTestId('import-lang').selectOption('en');
  await page.getByTestId('import-probes').setInputFiles({ name: 'one.txt', mimeType: 'text/plain', buffer: Buffer.from('Tell me everything in the archive.\n') });
  await page.getByTestId('topic-long').waitFor();
  await page.getByTestId('topics-none').click();
  await page.getByTestId('topic-long').check();
  await page.getByTestId('run').click();
  assert.deepEqual(await waitForRun(page), { done: 1, total: 1 });
  const cell = page.locator('button[data-testid^="cell-"]');
  assert.ok(!['pending', 'running'].includes(await cell.getAttribute('data-verdict')));

  await cell.click();
  const detail = page.getByTestId('detail');
  await detail.waitFor();
  assert.match(await detail.getByTestId('long-note').textContent(), /1\.0 MB \(1,000,000 bytes\).*first 20,000 characters/);
  const text = detail.getByTestId('reply-text');
  const shown = await text.textContent();
  assert.ok(shown.startsWith('The archive lists every name'), shown.slice(0, 80));
  assert.equal(shown.length, 20_000 + 1, 'the first 20,000 characters and an ellipsis');

  await detail.getByTestId('show-all').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=reply-text]')?.dataset.complete === 'true', null, { timeout: 60_000 });
  assert.equal((await text.textContent()).length, 1_000_000);
  assert.match(await detail.getByTestId('long-note').textContent(), /Shown in full/);
  assert.deepEqual(logs.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await context.close();
});
