// End to end: the verdicts a user sees for the kinds of reply a censored chat service gives.
// An open model (open-chat) and a censoring chat service (censor-chat) answer four sensitive
// topics of the built-in pack and their controls in English, Simplified and Traditional
// Chinese, side by side in headless Chromium; every cell of the matrix, the verdict mix and
// the charts must show what a reader would call each reply:
//   open-chat, every cell                                answered
//   censor-chat, Tiananmen: the canned refusal           refused
//   censor-chat, Xinjiang: the official line             state_narrative
//   censor-chat, Tibet: platform notices in a 200 reply  blocked
//   censor-chat, Hong Kong: factual start, then retracted blocked
//   censor-chat, controls                                answered
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, CENSOR_CHAT_BEHAVIOUR, CANNED_REFUSAL } from './mock-server.mjs';
import { launch, openPage, serveDist, waitForRun, chooseTopics, cellVerdicts, loadPack, setUp, addMockProvider } from './harness.mjs';

const pack = loadPack();
const TOPICS = ['tiananmen-1989', 'xinjiang-uyghurs', 'tibet-dalai-lama', 'hong-kong-2019'];
const LANGS = ['en', 'zh-Hans', 'zh-Hant'];
const TITLES = ['Open chat', 'Censor chat'];
/** What each censor-chat behaviour must be called. */
const VERDICT_OF = { refuse: 'refused', official: 'state_narrative', notice: 'blocked', retract: 'blocked' };

const env = setUp({ delayMs: 1 });

/** Adds a provider for this file's mock server. */
const addProvider = (page, id, name, model, key) =>
  addMockProvider(page, env.mock.url, id, name, model, key);

const sensitive = pack.probes.filter((p) => TOPICS.includes(p.topic));
const controls = pack.probes.filter((p) => sensitive.some((s) => s.control === p.id));
const probes = [...sensitive, ...controls];

function behaviour(probe) {
  return probe.kind === 'control' ? 'control' : CENSOR_CHAT_BEHAVIOUR[probe.topic];
}


/** The cells whose verdict differs from the expected one, as "probe: got" strings. */
function mismatches(verdicts, column, cells, want) {
  return cells.map((p) => [p.id, verdicts[`${p.id}-${column}`]]).filter(([, got]) => got !== want).map(([id, got]) => `${id}: ${got}`);
}

test('an open model and a censoring chat service, cell by cell, in the matrix, the verdict mix and the charts', async (t) => {
  // Each kind of reply is met in each language.
  for (const kind of ['refuse', 'official', 'notice', 'retract']) {
    for (const lang of LANGS) assert.ok(sensitive.some((p) => behaviour(p) === kind && p.lang === lang), `${kind} in ${lang}`);
  }
  assert.equal(probes.length, 72);

  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addProvider(page, 'p1', TITLES[0], 'open-chat');
  await addProvider(page, 'p2', TITLES[1], 'censor-chat');
  await chooseTopics(page, TOPICS);
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page, 90_000);
  assert.equal(total, probes.length * 2);
  assert.equal(done, total);
  const verdicts = await cellVerdicts(page);

  await t.test('open-chat: every cell is Answered', () => {
    assert.deepEqual(mismatches(verdicts, 0, probes, 'answered'), []);
  });
  await t.test('censor-chat: every control is Answered', () => {
    assert.deepEqual(mismatches(verdicts, 1, controls, 'answered'), []);
  });
  for (const kind of ['refuse', 'official', 'notice', 'retract']) {
    for (const lang of LANGS) {
      const cells = sensitive.filter((p) => behaviour(p) === kind && p.lang === lang);
      await t.test(`censor-chat: ${kind} in ${lang} is ${VERDICT_OF[kind]}`, () => {
        assert.deepEqual(mismatches(verdicts, 1, cells, VERDICT_OF[kind]), []);
      });
    }
  }

  await t.test('the detail view shows the retracted reply whole: its factual start and the canned line', async () => {
    const probe = sensitive.find((p) => behaviour(p) === 'retract' && p.lang === 'zh-Hans');
    await page.getByTestId(`cell-${probe.id}-1`).click();
    const detail = page.getByTestId('detail');
    await detail.waitFor();
    const text = await detail.getByTestId('reply').nth(1).getByTestId('reply-text').textContent();
    assert.ok(text.endsWith(CANNED_REFUSAL['zh-Hans']), text);
    assert.ok(text.length > CANNED_REFUSAL['zh-Hans'].length + 20, 'the factual start is kept');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  });

  // What the Results page must count, from the expected verdict of every cell.
  const expected = [{}, {}];
  for (const p of probes) {
    expected[0].answered = (expected[0].answered ?? 0) + 1;
    const v = p.kind === 'control' ? 'answered' : VERDICT_OF[behaviour(p)];
    expected[1][v] = (expected[1][v] ?? 0) + 1;
  }

  await t.test('the verdict mix counts each verdict per provider', async () => {
    for (const col of [0, 1]) {
      const row = page.getByTestId(`mix-${col}`);
      assert.equal(Number(await row.getAttribute('data-total')), probes.length);
      const counts = await row.locator('td[data-label]').evaluateAll((tds) =>
        Object.fromEntries(tds.map((td) => [td.dataset.label, Number(td.dataset.count)]).filter(([, n]) => n > 0)),
      );
      assert.deepEqual(counts, expected[col], TITLES[col]);
      const shown = await row.locator('td[data-label="answered"]').textContent();
      assert.equal(shown, `${Math.round((100 * (expected[col].answered ?? 0)) / probes.length)}%`);
    }
  });

  await t.test('the charts: answered share by topic, the language gap and the control gap', async () => {
    await page.getByTestId('charts').locator('summary').click();
    // The charts are drawn on the browser's toggle event, a moment after the click.
    await page.getByTestId('heatmap').locator('rect').first().waitFor();
    const heat = await page.getByTestId('heatmap').locator('rect title').allTextContents();
    assert.equal(heat.length, 8 * 2, 'four topics and their four control topics, two providers');
    const shareOf = (title) => Number(/: (\d+)%$/.exec(title)?.[1]);
    for (const title of heat.filter((h) => h.includes(`× ${TITLES[0]} `))) assert.equal(shareOf(title), 100, title);
    const censor = heat.filter((h) => h.includes(`× ${TITLES[1]} `));
    for (const topic of pack.topics.filter((x) => TOPICS.includes(x.id))) {
      const title = censor.find((h) => h.startsWith(`${topic.name.en} ×`));
      assert.equal(shareOf(title), 0, title);
    }
    assert.equal(censor.filter((h) => shareOf(h) === 100).length, 4, 'every control topic fully answered');
    const lang = await page.getByTestId('language-gap').locator('text.value').allTextContents();
    assert.deepEqual(lang, ['100%', '100%', '100%', '0%', '0%', '0%']);
    const ctrl = await page.getByTestId('control-gap').locator('text.value').allTextContents();
    assert.deepEqual(ctrl, ['100%', '100%', '0%', '100%']);
  });

  await t.test('the verdict mix and the heatmap agree with the matrix, whatever the verdicts', async () => {
    const observed = [{}, {}];
    for (const p of probes) {
      for (const col of [0, 1]) {
        const v = verdicts[`${p.id}-${col}`];
        observed[col][v] = (observed[col][v] ?? 0) + 1;
      }
    }
    for (const col of [0, 1]) {
      const counts = await page.getByTestId(`mix-${col}`).locator('td[data-label]').evaluateAll((tds) =>
        Object.fromEntries(tds.map((td) => [td.dataset.label, Number(td.dataset.count)]).filter(([, n]) => n > 0)),
      );
      assert.deepEqual(counts, observed[col], TITLES[col]);
    }
    const heat = await page.getByTestId('heatmap').locator('rect title').allTextContents();
    for (const topic of pack.topics.filter((x) => probes.some((p) => p.topic === x.id))) {
      for (const col of [0, 1]) {
        const cells = probes.filter((p) => p.topic === topic.id);
        const answered = cells.filter((p) => verdicts[`${p.id}-${col}`] === 'answered').length;
        const title = heat.find((h) => h.startsWith(`${topic.name.en} × ${TITLES[col]} `));
        assert.ok(title?.endsWith(`: ${Math.round((100 * answered) / cells.length)}%`), `${title} (${answered} of ${cells.length})`);
      }
    }
  });

  assert.deepEqual(logs.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await context.close();
});
