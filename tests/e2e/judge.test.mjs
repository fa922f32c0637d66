// End to end: the optional LLM judge. Two providers are probed and a third, not probed
// itself, rates every reply; its label shows beside the offline verdict, the summary gives
// the agreement, and the ledger lists each judge request (key redacted, with its cost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, judgeRating } from './mock-server.mjs';
import { launch, openPage, serveDist, waitForRun, chooseTopics, cellVerdicts, loadPack, setUp, addMockProvider } from './harness.mjs';

const PROBE_KEY = 'sk-probe-KEY-4242';
const JUDGE_KEY = 'sk-judge-KEY-7373';
const pack = loadPack();
const env = setUp({ delayMs: 1 });

/** Adds a provider for this file's mock server. */
const addProvider = (page, id, name, model, key) =>
  addMockProvider(page, env.mock.url, id, name, model, key, { listModels: false });


test('a judge provider rates every reply beside the offline verdict, with agreement and ledger entries', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addProvider(page, 'p1', 'Censor R1', 'censor-r1', PROBE_KEY);
  await addProvider(page, 'p2', 'Open chat', 'open-chat');
  const judgeCard = await addProvider(page, 'p3', 'Mock judge', 'judge', JUDGE_KEY);
  await judgeCard.getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await page.getByTestId('judge-select').selectOption('p3');
  const topics = ['tiananmen-1989', 'taiwan-status'];
  await chooseTopics(page, topics);
  await page.getByTestId('lang-zh-Hans').uncheck();
  await page.getByTestId('lang-zh-Hant').uncheck();
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);
  const probes = pack.probes.filter((p) => p.lang === 'en' && (topics.includes(p.topic) || pack.probes.some((s) => topics.includes(s.topic) && s.control === p.id)));
  assert.equal(total, probes.length * 2, 'the judge provider is not probed');

  // One judge request per reply, not streamed, at temperature 0, with the judge's key only.
  const chats = env.mock.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
  const judged = chats.filter((r) => r.body.model === 'judge');
  assert.equal(judged.length, total, 'every reply was sent to the judge once');
  assert.equal(chats.length, total * 2);
  for (const r of judged) {
    assert.equal(r.body.stream, false);
    assert.equal(r.body.temperature, 0);
    assert.equal(r.headers.authorization, `Bearer ${JUDGE_KEY}`);
    assert.match(r.body.messages[0].content, /<question>[\s\S]*<reply>/);
  }

  // The detail view: the judge's label beside each offline verdict.
  const verdicts = await cellVerdicts(page);
  const tiananmen = probes.find((p) => p.topic === 'tiananmen-1989' && p.kind === 'sensitive');
  const taiwan = probes.find((p) => p.topic === 'taiwan-status' && p.kind === 'sensitive');
  assert.equal(verdicts[`${tiananmen.id}-0`], 'refused');
  await page.getByTestId(`cell-${tiananmen.id}-0`).click();
  const detail = page.getByTestId('detail');
  const replies = detail.getByTestId('reply');
  assert.equal(await replies.nth(0).getByTestId('judge-label').textContent(), 'Judge (Mock judge): Denial');
  assert.equal(await replies.nth(1).getByTestId('judge-label').textContent(), 'Judge (Mock judge): Complete');
  assert.match(await replies.nth(0).locator('.verdict').textContent(), /Refused/);
  await page.keyboard.press('Escape');
  await page.getByTestId(`cell-${taiwan.id}-0`).click();
  const narrative = await replies.nth(0).getByTestId('reply-text').textContent();
  const rating = judgeRating(`<reply>\n${narrative}\n</reply>`);
  const expected = rating.state_line ? 'Evasive · official line' : rating.label === 'EVASIVE' ? 'Evasive' : 'Complete';
  assert.equal(await replies.nth(0).getByTestId('judge-label').textContent(), `Judge (Mock judge): ${expected}`);
  await page.keyboard.press('Escape');

  // The agreement line, consistent with what the judge was asked to rate.
  const line = await page.getByTestId('judge-agreement').textContent();
  const m = /^Judge agreed with the offline verdict on (\d+) of (\d+) judged replies \((\d+)%\)$/.exec(line);
  assert.ok(m, line);
  const [agreed, of, pct] = m.slice(1).map(Number);
  assert.equal(of, total);
  // The mock judge rates the canned line a denial, the official line evasive and factual
  // answers complete: the offline verdicts (refused, state narrative, answered) agree.
  assert.equal(agreed, of, `every rating agrees with the offline verdict's class: ${line}`);
  assert.equal(pct, Math.round((agreed / of) * 100));

  // A price for the judge model, so its requests are costed in the ledger.
  await page.getByTestId('charts').locator('summary').first().click();
  await page.getByRole('button', { name: 'Add a price' }).click();
  await page.getByLabel('Model pattern').fill('judge');
  await page.getByLabel('Input price').fill('2');
  await page.getByLabel('Output price').fill('4');

  // The ledger: one Judge row per judge request, key redacted, tokens and cost shown.
  await page.getByTestId('tab-flow').click();
  const judgeRows = page.locator('[data-testid=ledger-row][data-purpose=judge]');
  assert.equal(await judgeRows.count(), total);
  const first = judgeRows.first();
  await first.locator('summary').click();
  assert.match(await first.locator('summary').textContent(), /Mock judge.*Judge: /);
  assert.match(await first.textContent(), /Bearer \[redacted\]/);
  assert.match(await first.getByTestId('ledger-body').textContent(), /"model":"judge"/);
  assert.match(await first.getByTestId('ledger-cost').textContent(), /^\d+ \+ \d+ tokens · \$\d+\.\d{4}$/);
  assert.equal(await page.locator('[data-testid=ledger-row][data-purpose=probe]').count(), total);
  const html = await page.content();
  assert.ok(!html.includes(JUDGE_KEY) && !html.includes(PROBE_KEY), 'no key anywhere on the page');

  assert.deepEqual(logs.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await context.close();
});
