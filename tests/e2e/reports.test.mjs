// End to end: runs are durable and reports are first-class. A reload mid-run keeps every
// reply and offers to resume; exports download complete, key-free files; other tools'
// results import with their own labels shown; a corrupt file changes nothing; two runs
// compare cell by cell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPage, serveDist, waitForRun, chooseTopics, cellVerdicts, ROOT } from './harness.mjs';

let site, chromium;

before(async () => {
  site = await serveDist('/');
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  await site?.close();
});

async function downloadText(page, testid) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

test('a reload in the middle of a run keeps every reply and resumes the rest', async () => {
  const { context, page } = await openPage(chromium.browser, site.url);
  await page.getByTestId('run').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress]')?.dataset.done) >= 12);
  // A reply is safe once its record is in IndexedDB (a reload aborts a write still under
  // way): count the records the page has stored, then reload.
  const stored = await (
    await page.waitForFunction(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open('candor');
          open.onerror = () => resolve(0);
          open.onsuccess = () => {
            const db = open.result;
            const count = db.transaction('cells').objectStore('cells').count();
            count.onsuccess = () => {
              db.close();
              resolve(count.result >= 12 ? count.result : 0);
            };
            count.onerror = () => resolve(0);
          };
        }),
      null,
      { polling: 100 },
    )
  ).jsonValue();
  await page.reload();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /interrupted/);
  const bar = page.getByTestId('progress');
  const kept = Number(await bar.getAttribute('data-done'));
  const total = Number(await bar.getAttribute('data-total'));
  assert.ok(kept >= stored && kept < total, `${kept} of ${total} kept, ${stored} stored before the reload`);
  const finished = Object.values(await cellVerdicts(page)).filter((v) => v !== 'pending').length;
  assert.equal(finished, kept);
  await page.getByTestId('resume').click();
  const { done } = await waitForRun(page, 180_000);
  assert.equal(done, total);
  assert.equal(await bar.getAttribute('data-status'), 'finished');
  // The saved run is listed, and opens again after another reload.
  await page.reload();
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('saved-run').first().waitFor();
  assert.ok((await page.getByTestId('saved-run').count()) >= 1);
  await page.getByTestId('open-run').first().click();
  assert.equal(Number(await page.getByTestId('progress').getAttribute('data-done')), total);
  await context.close();
});

test('exports: JSON, CSV, Markdown and HTML are complete and carry no key', async () => {
  const { context, page } = await openPage(chromium.browser, site.url);
  await chooseTopics(page, ['liu-xiaobo']);
  await page.getByTestId('run').click();
  const { total } = await waitForRun(page);
  await page.getByTestId('tab-runs').click();
  const json = await downloadText(page, 'export-json');
  // Named after the run's start (UTC) and its provider, not an internal id.
  assert.match(json.name, /^candor-\d{4}-\d\d-\d\d-\d{4}-demo-simulated[a-z0-9-]*\.json$/);
  const stem = json.name.slice(0, -'.json'.length);
  const report = JSON.parse(json.text);
  assert.equal(report.schema, 'candor-report');
  assert.equal(report.results.length, total);
  assert.ok(report.providers[0].simulated);
  const csv = await downloadText(page, 'export-csv');
  assert.equal(csv.name, `${stem}.csv`);
  assert.equal(csv.text.charCodeAt(0), 0xfeff, 'CSV starts with a byte-order mark');
  assert.equal(csv.text.trim().split('\r\n').length, total + 1);
  assert.match(csv.text, /劉曉波|刘晓波/);
  const md = await downloadText(page, 'export-md');
  assert.equal(md.name, `${stem}.md`);
  assert.match(md.text, /simulated/);
  const html = await downloadText(page, 'export-html');
  assert.equal(html.name, `${stem}.html`);
  assert.ok(!/<script/i.test(html.text), 'the HTML report has no scripts');
  assert.match(html.text, /<svg/);
  // The app's theme is embedded ahead of the report's rules, which only name its colours.
  const style = html.text.match(/<style>([\s\S]*)<\/style>/)[1];
  assert.ok(style.indexOf('--answered:') >= 0 && style.indexOf('--answered:') < style.indexOf('var(--answered)'), 'the report embeds the theme');
  await context.close();
});

test('importing SpeechMap results shows Candor verdicts with the file\'s own labels; a corrupt file changes nothing', async () => {
  const { context, page } = await openPage(chromium.browser, site.url);
  await chooseTopics(page, ['great-firewall']);
  await page.getByTestId('run').click();
  await waitForRun(page);
  const before = await cellVerdicts(page);
  await page.getByTestId('tab-runs').click();

  await page.getByTestId('import-kind').selectOption('speechmap');
  await page.getByTestId('import-file').setInputFiles(join(ROOT, 'tests/fixtures/import/speechmap-not-json.jsonl'));
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /Nothing was opened.*line \d+/);
  await page.getByTestId('tab-results').click();
  assert.deepEqual(await cellVerdicts(page), before, 'the current run is untouched');

  await page.getByTestId('tab-runs').click();
  await page.getByTestId('import-file').setInputFiles(join(ROOT, 'tests/fixtures/import/speechmap-analysis.jsonl'));
  await page.getByTestId('matrix').waitFor();
  const cells = await cellVerdicts(page);
  const lines = readFileSync(join(ROOT, 'tests/fixtures/import/speechmap-analysis.jsonl'), 'utf8').trim().split('\n');
  assert.equal(Object.keys(cells).length, lines.length);
  assert.ok(Object.values(cells).every((v) => !['pending', 'running'].includes(v)));
  await page.locator('[data-testid^="cell-"]').first().click();
  assert.match(await page.getByTestId('source-label').first().textContent(), /COMPLETE|EVASIVE|DENIAL|ERROR/);
  await context.close();
});

test('two runs compare cell by cell, with changes counted per topic and provider', async () => {
  const { context, page } = await openPage(chromium.browser, site.url);
  await chooseTopics(page, ['tiananmen-1989']);
  await page.getByTestId('lang-zh-Hant').uncheck();
  await page.getByTestId('run').click();
  await waitForRun(page);
  // The same provider a "month later", now answering openly.
  const card = page.getByTestId('provider-demo');
  await card.locator('summary').click();
  await card.getByTestId('provider-model').fill('demo-open');
  await page.getByTestId('run').click();
  await waitForRun(page);
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('compare').click();
  const text = await page.getByTestId('comparison').textContent();
  const sensitive = 3 * 2; // three questions, two languages
  assert.match(text, new RegExp(`${sensitive} of \\d+ cells changed verdict`));
  assert.match(text, /Tiananmen|tiananmen/);
  assert.equal(await page.getByTestId('change').count(), sensitive);
  await context.close();
});

test('charts: heatmap by topic, language and control gaps, and cost from an edited price table', async () => {
  const { context, page } = await openPage(chromium.browser, site.url);
  await chooseTopics(page, ['tiananmen-1989', 'great-leap-famine']);
  await page.getByTestId('run').click();
  await waitForRun(page);
  await page.getByTestId('charts').locator('summary').click();
  // The charts are drawn once the section has opened (the browser's toggle event).
  await page.getByTestId('heatmap').locator('rect').first().waitFor();
  // Two sensitive topics and their two control topics, one provider.
  assert.equal(await page.getByTestId('heatmap').locator('rect').count(), 4);
  // The simulated censored model answers the famine question in English but not in Chinese.
  const gap = await page.getByTestId('language-gap').textContent();
  assert.match(gap, /\d+%/);
  const bars = await page.getByTestId('language-gap').locator('rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
  assert.ok(bars[0] > bars[1], `English bar ${bars[0]} longer than Simplified ${bars[1]}`);
  assert.match(await page.getByTestId('control-gap').textContent(), /100%/);
  await page.getByRole('button', { name: 'Add a price' }).click();
  await page.getByLabel('Input price').fill('1');
  await page.getByLabel('Output price').fill('2');
  assert.match(await page.getByTestId('total-cost').textContent(), /Estimated total: \$\d+\.\d{4}/);
  await context.close();
});

test('imported probe lists run like the pack\'s, under the topic the user names; a broken file imports nothing', async () => {
  const { context, page } = await openPage(chromium.browser, site.url);
  await page.getByText('Import probes').click();
  await page.getByTestId('import-topic').fill('Press freedom');
  await page.getByTestId('import-lang').selectOption('en');
  await page.getByTestId('import-probes').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('subject,prompt\n"unclosed,quote\n') });
  assert.match(await page.getByTestId('notice').textContent(), /Nothing was imported.*line/);
  // One probe per distinct line; blank lines and # comments are skipped.
  const lines = [...new Set(readFileSync(join(ROOT, 'tests/fixtures/import/probes.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')))];
  await page.getByTestId('import-probes').setInputFiles(join(ROOT, 'tests/fixtures/import/probes.txt'));
  await page.getByTestId('topic-press-freedom').waitFor();
  await page.getByTestId('topics-none').click();
  await page.getByTestId('topic-press-freedom').check();
  assert.match(await page.getByTestId('probe-count').textContent(), new RegExp(`^${lines.length} probes × 1 model`));
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(total, lines.length);
  assert.equal(done, total);
  // Imported probes survive a reload.
  await page.reload();
  await page.getByTestId('topic-press-freedom').waitFor();
  await context.close();
});
