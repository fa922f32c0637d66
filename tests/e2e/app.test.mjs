// End to end: a user configures providers, runs probes and reads the replies, in headless
// Chromium against the built site and a local mock model server (both on 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, NARRATIVE_TOPICS, DEFLECTION, HOSTILE_HTML } from './mock-server.mjs';
import { launch, openPage, serveDist, waitForRun, chooseTopics, cellVerdicts, loadPack, setUp, addMockProvider, chooseEnglishOnly } from './harness.mjs';

const pack = loadPack();
const env = setUp({ delayMs: 2 });

/** Adds a provider for this file's mock server. */
const addProvider = (page, id, name, model, key) =>
  addMockProvider(page, env.mock.url, id, name, model, key);

/** What the mock's models do, per probe: the verdict each cell must show. */
function expected(model, probe) {
  if (model === 'open-chat' || probe.kind === 'control') return 'answered';
  return NARRATIVE_TOPICS.has(probe.topic) ? 'state_narrative' : 'refused';
}


test('a first-time user runs the simulated demo provider at once', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('empty').waitFor();
  await chooseTopics(page, ['tiananmen-1989', 'taiwan-status']);
  const count = await page.getByTestId('probe-count').textContent();
  assert.match(count, /^36 probes × 1 model = 36 requests$/, count);
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, 36);
  assert.equal(total, 36);
  assert.match(await page.getByTestId('col-0').textContent(), /simulated/);
  const verdicts = await cellVerdicts(page);
  const tiananmen = pack.probes.find((p) => p.topic === 'tiananmen-1989' && p.lang === 'en');
  assert.equal(verdicts[`${tiananmen.id}-0`], 'refused');
  assert.equal(verdicts[`${tiananmen.control}-0`], 'answered');
  const taiwan = pack.probes.find((p) => p.topic === 'taiwan-status' && p.lang === 'zh-Hans');
  assert.equal(verdicts[`${taiwan.id}-0`], 'state_narrative');
  assert.deepEqual(logs.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await context.close();
});

test('two providers on a streaming mock server: every cell gets the right verdict, and the detail view shows both replies and the reasoning', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addProvider(page, 'p1', 'Censor R1', 'censor-r1', 'sk-test-KEY-123456');
  await addProvider(page, 'p2', 'Open chat', 'open-chat');
  const topics = ['tiananmen-1989', 'taiwan-status', 'xinjiang-uyghurs'];
  await chooseTopics(page, topics);
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  const probes = pack.probes.filter((p) => topics.includes(p.topic) || (p.kind === 'control' && pack.probes.some((s) => topics.includes(s.topic) && s.control === p.id)));
  assert.ok(probes.length >= 20, `only ${probes.length} probes`);
  assert.equal(total, probes.length * 2);
  assert.equal(done, total);

  // Every request streamed, to the mock, and the key went only in the Authorization header.
  const chats = env.mock.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');
  assert.equal(chats.length, total);
  assert.ok(chats.every((r) => r.body.stream === true));
  const censorCalls = chats.filter((r) => r.body.model === 'censor-r1');
  assert.ok(censorCalls.every((r) => r.headers.authorization === 'Bearer sk-test-KEY-123456'));
  assert.ok(chats.filter((r) => r.body.model === 'open-chat').every((r) => !r.headers.authorization));

  const verdicts = await cellVerdicts(page);
  for (const p of probes) {
    assert.equal(verdicts[`${p.id}-0`], expected('censor-r1', p), `censor-r1 on ${p.id}`);
    assert.equal(verdicts[`${p.id}-1`], expected('open-chat', p), `open-chat on ${p.id}`);
  }

  // The detail view: both replies side by side, the empty reasoning of the deflection.
  const sensitive = probes.find((p) => p.topic === 'tiananmen-1989' && p.lang === 'zh-Hans');
  await page.getByTestId(`cell-${sensitive.id}-0`).click();
  const detail = page.getByTestId('detail');
  await detail.waitFor();
  assert.equal(await detail.getByTestId('detail-prompt').textContent(), sensitive.prompt);
  const replies = detail.getByTestId('reply');
  assert.equal(await replies.count(), 2);
  assert.equal(await replies.nth(0).getByTestId('reply-text').textContent(), DEFLECTION['zh-Hans']);
  await replies.nth(0).getByTestId('reasoning-empty').waitFor();
  const open = await replies.nth(1).getByTestId('reply-text').textContent();
  for (const k of sensitive.expect) assert.ok(open.toLowerCase().includes(k.toLowerCase()), `open reply lacks ${k}`);

  // One click to the control question: the censoring model answers it, reasoning included.
  await detail.getByTestId(`goto-${sensitive.control}`).click();
  const control = pack.probes.find((p) => p.id === sensitive.control);
  assert.equal(await detail.getByTestId('detail-prompt').textContent(), control.prompt);
  const reasoning = replies.nth(0).getByTestId('reasoning');
  await reasoning.locator('summary').click();
  assert.ok((await reasoning.textContent()).length > 40);
  assert.match(await replies.nth(0).locator('.verdict').textContent(), /Answered/);
  // And to the same control question in English.
  const en = `${control.question}@en`;
  await detail.getByTestId(`goto-${en}`).click();
  assert.equal(await detail.getByTestId('detail-prompt').textContent(), pack.probes.find((p) => p.id === en).prompt);
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });

  // The key is nowhere but in memory: not in the URL, storage or console.
  const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  assert.ok(!stored.includes('sk-test-KEY-123456'), 'key found in localStorage');
  assert.ok(!page.url().includes('sk-test'));
  assert.ok(!logs.join('\n').includes('sk-test-KEY-123456'));

  // Settings survive a reload; the key does not, because "remember" was not ticked.
  await page.reload();
  await page.getByTestId('run').waitFor();
  assert.equal(await page.getByTestId('provider-p1').getByTestId('provider-name').inputValue(), 'Censor R1');
  assert.equal(await page.getByTestId('provider-p2').getByTestId('provider-model').inputValue(), 'open-chat');
  assert.equal(await page.getByTestId('provider-p1').getByTestId('provider-key').inputValue(), '');
  await context.close();
});

test('errors are shown per cell and do not stop the run: rate limit, platform block, broken stream, garbage, CORS', async () => {
  const noCors = await startMock({ cors: false });
  try {
    const { context, page } = await openPage(env.chromium.browser, env.site.url);
    await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
    for (const [i, model] of ['ratelimit', 'platform-block', 'broken-stream', 'garbage'].entries()) {
      await addProvider(page, `p${i + 1}`, model, model);
    }
    await addProvider(page, 'p5', 'no-cors', 'open-chat');
    await page.getByTestId('provider-p5').getByTestId('provider-url').fill(noCors.url);
    await chooseTopics(page, ['tiananmen-1989']);
    await page.getByTestId('lang-zh-Hans').uncheck();
    await page.getByTestId('lang-zh-Hant').uncheck();
    await page.getByTestId('run').click();
    const { done, total } = await waitForRun(page);
    assert.equal(done, total);
    const verdicts = await cellVerdicts(page);
    const probes = pack.probes.filter((p) => p.lang === 'en' && (p.topic === 'tiananmen-1989' || pack.probes.some((s) => s.topic === 'tiananmen-1989' && s.control === p.id)));
    for (const p of probes) {
      assert.equal(verdicts[`${p.id}-0`], 'error', `ratelimit ${p.id}`);
      assert.equal(verdicts[`${p.id}-1`], p.kind === 'sensitive' ? 'blocked' : 'answered', `platform-block ${p.id}`);
      assert.equal(verdicts[`${p.id}-3`], 'error', `garbage ${p.id}`);
      assert.equal(verdicts[`${p.id}-4`], 'error', `no-cors ${p.id}`);
    }
    // The broken stream keeps the text that arrived and says it was cut short, in the matrix
    // as well as in the detail; a whole reply says nothing of the kind.
    const first = probes[0];
    const brokenCell = await page.getByTestId(`cell-${first.id}-2`).innerText();
    const wholeCell = await page.getByTestId(`cell-${first.id}-1`).innerText();
    await page.getByTestId(`cell-${first.id}-2`).click();
    const detail = page.getByTestId('detail');
    const texts = await detail.getByTestId('reply').allTextContents();
    assert.match(brokenCell, /cut short/, `the broken stream's detail: ${texts[2]}`);
    assert.doesNotMatch(wholeCell, /cut short/);
    assert.match(texts[0], /429/);
    assert.match(texts[0], /rate limit/i);
    assert.match(texts[1], /Content Exists Risk/);
    assert.match(texts[2], /cut short|broke off/);
    assert.match(texts[3], /could not be read: the body is not JSON/);
    assert.match(texts[4], /CORS/);
    await context.close();
  } finally {
    await noCors.close();
  }
});

test('the site works from a sub-path, as on a static host', async () => {
  const sub = await serveDist('/candor/');
  try {
    const { context, page, logs } = await openPage(env.chromium.browser, sub.url);
    await chooseTopics(page, ['great-firewall']);
    await page.getByTestId('lang-zh-Hant').uncheck();
    await page.getByTestId('run').click();
    const { done, total } = await waitForRun(page);
    assert.ok(total > 0);
    assert.equal(done, total);
    assert.deepEqual(logs.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
    await context.close();
  } finally {
    await sub.close();
  }
});

test('cancel stops a run and keeps every finished reply; a new run can start', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('run').click();
  const bar = page.getByTestId('progress');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress]')?.dataset.done) >= 8);
  await page.getByTestId('cancel').click();
  assert.equal(await bar.getAttribute('data-status'), 'cancelled');
  const atCancel = Number(await bar.getAttribute('data-done'));
  assert.match(await bar.textContent(), /cancelled; finished replies are kept/);
  // A reply the engine had already received when the cancel reached it is kept (it is
  // gathered, and paid for); after that, nothing more is sent or finishes.
  await page.waitForTimeout(300);
  const done = Number(await bar.getAttribute('data-done'));
  const total = Number(await bar.getAttribute('data-total'));
  assert.ok(done >= atCancel && done >= 8 && done < total, `${atCancel}, then ${done} of ${total}`);
  await page.waitForTimeout(800);
  assert.equal(Number(await bar.getAttribute('data-done')), done, 'nothing finishes after a cancel');
  const finished = Object.values(await cellVerdicts(page)).filter((v) => !['pending', 'running'].includes(v));
  assert.equal(finished.length, done);
  assert.equal(await page.locator('[data-verdict=running]').count(), 0);
  await page.getByTestId('run').click();
  assert.equal(await bar.getAttribute('data-status'), 'running');
  await context.close();
});

test('a key is stored only when "remember on this device" is ticked', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  const card = await addProvider(page, 'p1', 'Remembered', 'open-chat', 'sk-remember-me-42');
  await card.getByText('Remember the key on this device').click();
  await page.reload();
  await page.getByTestId('run').waitFor();
  await page.getByTestId('provider-p1').locator('summary').click();
  assert.equal(await page.getByTestId('provider-p1').getByTestId('provider-key').inputValue(), 'sk-remember-me-42');
  const settings = await page.evaluate(() => localStorage.getItem('candor.settings.v1'));
  assert.ok(settings.includes('Remembered') && !settings.includes('sk-remember-me-42'), 'the key is kept apart from the settings');
  await page.getByTestId('provider-p1').getByText('Remember the key on this device').click();
  await page.reload();
  await page.getByTestId('run').waitFor();
  assert.equal(await page.getByTestId('provider-p1').getByTestId('provider-key').inputValue(), '');
  assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes('sk-remember-me-42'));
  await context.close();
});

test('hostile HTML in a model reply is shown as text, never rendered or run', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addProvider(page, 'p1', 'Hostile', 'hostile-html');
  await chooseEnglishOnly(page, ['tibet-dalai-lama']);
  await page.getByTestId('run').click();
  await waitForRun(page);
  await page.locator('[data-testid^="cell-"]').first().click();
  const reply = page.getByTestId('reply').first();
  assert.equal(await reply.getByTestId('reply-text').textContent(), HOSTILE_HTML);
  await reply.getByTestId('reasoning').locator('summary').click();
  await reply.getByTestId('reasoning').hover();
  assert.equal(await reply.locator('img, script, a[href^="javascript"], b').count(), 0, 'markup was rendered');
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'a script from the reply ran');
  await context.close();
});
