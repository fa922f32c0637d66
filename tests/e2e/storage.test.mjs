// End to end: runs are kept in IndexedDB. A reload in the middle of a 1,000-probe run keeps
// every finished reply and every request made, and Resume sends only what is missing; a
// write the browser refuses (its storage quota lowered through the DevTools protocol) is
// told in the run bar while later replies are still saved; runs saved by earlier versions
// in localStorage move over once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage, waitForRun, chooseTopics, setUp, addMockProvider } from './harness.mjs';

const env = setUp({ delayMs: 0 });

/** Imports `n` distinct probes under the topic "Bulk" and selects only them. */
async function importBulk(page, n) {
  const lines = Array.from({ length: n }, (_, i) => `Bulk question number ${i + 1}: what happened on day ${i + 1}?`);
  await page.getByText('Import probes').click();
  await page.getByTestId('import-topic').fill('Bulk');
  await page.getByTestId('import-lang').selectOption('en');
  await page.getByTestId('import-probes').setInputFiles({ name: 'bulk.txt', mimeType: 'text/plain', buffer: Buffer.from(lines.join('\n')) });
  await page.getByTestId('topic-bulk').waitFor();
  await chooseTopics(page, ['bulk']);
  return lines;
}

/** Only the mock provider, answering with open-chat. */
async function mockOnly(page) {
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addMockProvider(page, env.mock.url, 'p1', 'Open chat', 'open-chat', null, { listModels: false });
}

const chats = () => env.mock.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
const prompt = (r) => r.body.messages.at(-1).content;
const done = (page) => page.evaluate(() => Number(document.querySelector('[data-testid=progress]')?.dataset.done ?? 0));

async function downloadJson(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return JSON.parse(readFileSync(await download.path(), 'utf8'));
}

test('a reload in the middle of a 1,000-probe run keeps every finished reply and every request, and Resume sends only the rest', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await mockOnly(page);
  await importBulk(page, 1000);
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  // The run goes on (faster) while the Runs page is shown instead of the 1,000-row matrix.
  await page.getByTestId('tab-runs').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress]')?.dataset.done) >= 300, null, { timeout: 60_000 });

  // From now on requests leave the page but get no answer: the run stands still with some
  // requests out, and what the page saved can be checked exactly.
  const held = [];
  await page.route('**/v1/chat/completions', (route) => held.push(route));
  let before = -1;
  for (let now = await done(page); now !== before; now = await done(page)) {
    before = now;
    await page.waitForTimeout(700);
  }
  const answered = chats().map(prompt);
  const sent = answered.length + held.length;
  assert.ok(held.length > 0, 'requests were out at the reload');
  assert.equal(before, answered.length, 'every answered request finished its cell');

  await page.reload();
  await page.unroute('**/v1/chat/completions');
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /interrupted/);
  const bar = page.getByTestId('progress');
  assert.equal(Number(await bar.getAttribute('data-done')), before, 'every finished reply is back');
  assert.equal(Number(await bar.getAttribute('data-total')), 1000);
  // The matrix draws only the rows in view, so the restored cells are counted in the saved
  // run's export below, not on screen.

  // Every request made before the reload is back in the run's ledger, answered or not.
  await page.getByTestId('tab-runs').click();
  const saved = await downloadJson(page, 'export-json');
  assert.equal(saved.results.length, before);
  assert.equal(saved.ledger.length, sent, 'every request, the unanswered ones too');
  assert.equal(saved.ledger.filter((e) => e.status === 200).length, answered.length);
  assert.equal(saved.ledger.filter((e) => e.status == null).length, held.length);
  await page.getByTestId('storage-usage').waitFor();
  assert.match(await page.getByTestId('storage-usage').textContent(), /^Candor stores \d/);

  // Resume asks for the missing cells only.
  await page.getByTestId('tab-results').click();
  env.mock.requests.length = 0;
  await page.getByTestId('resume').click();
  await page.getByTestId('tab-runs').click();
  const end = await waitForRun(page, 120_000);
  assert.equal(end.done, 1000);
  const resent = chats().map(prompt);
  assert.equal(resent.length, 1000 - before, 'only what was missing is sent');
  const already = new Set(answered);
  assert.ok(!resent.some((p) => already.has(p)), 'no finished probe is asked again');
  assert.deepEqual(logs.filter((l) => l.startsWith('pageerror')), []);
  await context.close();
});

test('a write the browser refuses is told in the run bar; later replies are still saved', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await mockOnly(page);
  await importBulk(page, 60);
  const origin = new URL(env.site.url).origin;
  const cdp = await context.newCDPSession(page);
  // The storage is made full: every write is refused from here.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  await page.route('**/v1/chat/completions', async (route) => {
    // Slow enough to change the quota back in the middle of the run.
    await new Promise((r) => setTimeout(r, 150));
    await route.continue();
  });
  await page.getByTestId('run').click();
  const note = page.getByTestId('storage-refused');
  await page.waitForFunction(() => /^\d+ repl/.test(document.querySelector('[data-testid=storage-refused]')?.textContent ?? ''), null, { timeout: 30_000 });
  assert.match(await note.textContent(), /could not be saved in this browser \(.*(storage for this site is full|QuotaExceededError).*\)/);
  assert.match(await note.textContent(), /export the run/);
  // Room again: the next replies are saved.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  const { done: finished, total } = await waitForRun(page, 60_000);
  assert.equal(finished, total);
  const refused = Number((await note.textContent()).match(/^(\d+) repl/)?.[1] ?? 0);
  assert.ok(refused > 0 && refused < total, `${refused} of ${total} refused`);

  // The run bar leads to the export, which holds the whole run.
  await page.getByTestId('storage-export').click();
  const whole = await downloadJson(page, 'export-json');
  assert.equal(whole.results.length, total);

  // After a reload, the saved run has every reply but those refused.
  await page.reload();
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('saved-run').first().waitFor();
  await page.getByTestId('open-run').first().click();
  const kept = page.getByTestId('progress');
  await kept.waitFor();
  assert.equal(Number(await kept.getAttribute('data-done')), total - refused);
  await context.close();
});

test('runs saved in localStorage by an earlier version move to IndexedDB once, and open', async () => {
  // A run made now, exported, then written back in the earlier format: a header (the report
  // with its ledger, status running) and one key per finished cell.
  const first = await openPage(env.chromium.browser, env.site.url);
  await mockOnly(first.page);
  await chooseTopics(first.page, ['liu-xiaobo']);
  await first.page.getByTestId('run').click();
  const { total } = await waitForRun(first.page);
  await first.page.getByTestId('tab-runs').click();
  const report = await downloadJson(first.page, 'export-json');
  await first.context.close();

  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  const keep = 5;
  await page.evaluate(({ report, keep }) => {
    const id = report.run.id;
    const probeAt = new Map(report.probes.map((p, i) => [p.id, i]));
    const providerAt = new Map(report.providers.map((p, i) => [p.id, i]));
    const head = { ...report, run: { ...report.run, status: 'running', ended_ms: null }, results: [] };
    localStorage.setItem('candor.runs.v1', JSON.stringify([{ id, started_ms: report.run.started_ms, providers: ['Demo'], cells: report.results.length, source: 'Candor run' }]));
    localStorage.setItem(`candor.run.${id}.head`, JSON.stringify(head, null, 2));
    for (const r of report.results.slice(0, keep)) {
      const { probe, provider, source_label, ...cell } = r;
      localStorage.setItem(`candor.run.${id}.cell.${probeAt.get(probe)}.${providerAt.get(provider)}`, JSON.stringify(cell, null, 2));
    }
  }, { report, keep });
  await page.reload();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), new RegExp(`interrupted: ${keep} of ${total} replies`));
  assert.equal(Number(await page.getByTestId('progress').getAttribute('data-done')), keep);
  const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('candor.run')));
  assert.deepEqual(left, [], 'the earlier keys are gone');
  assert.ok(report.ledger.length >= total, 'the run made its requests');
  await page.getByTestId('tab-flow').click();
  assert.equal(await page.getByTestId('ledger-row').filter({ hasText: 'Open chat' }).count(), report.ledger.length);

  // Moved once: after another reload it opens from IndexedDB alone.
  await page.reload();
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('saved-run').first().waitFor();
  assert.equal(await page.getByTestId('saved-run').count(), 1);
  assert.match(await page.getByTestId('saved-run').textContent(), new RegExp(`${keep} of ${total}`));
  await page.getByTestId('open-run').click();
  assert.equal(Number(await page.getByTestId('progress').getAttribute('data-done')), keep);
  await context.close();
});
