// End to end: the ad-hoc question box. A user types a question and a control question, sends
// them with the keyboard to the demo and a mock model, sees both replies side by side with
// their verdicts (and the control's), adds the question to their probes, and the next run of
// that topic asks it again. The question goes to the mock's chat endpoint and nowhere else;
// markup in a question is shown as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForRun, chooseTopics, setUp, addMockProvider, loadPack, cellVerdicts } from './harness.mjs';

const env = setUp({ delayMs: 1 });
const pack = loadPack();
// Texts the mock knows, so its censoring model answers them as it answers the pack's.
const QUESTION = pack.probes.find((p) => p.id === 'tiananmen-1989.crackdown@en');
const CONTROL = pack.probes.find((p) => p.id === QUESTION.control);

test('one question and its control go to every enabled model, side by side, and join the next run once kept', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await addMockProvider(page, env.mock.url, 'p1', 'Censor', 'censor-chat', null, { listModels: false });
  await page.getByText('Ask one question').click();
  await page.getByLabel('Question', { exact: true }).fill(QUESTION.prompt);
  assert.equal(await page.getByTestId('adhoc-lang').inputValue(), '', 'recognised unless chosen');
  const control = page.getByLabel('Control question (optional)');
  await control.fill(CONTROL.prompt);
  env.mock.requests.length = 0;
  // Keyboard: from the control question past the language to the send button.
  await control.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'adhoc-send');
  await page.keyboard.press('Enter');

  const detail = page.getByTestId('detail');
  await detail.waitFor();
  const { done, total } = await waitForRun(page);
  assert.deepEqual({ done, total }, { done: 4, total: 4 }, 'two probes, two providers, nothing else');
  assert.equal(await detail.getByTestId('detail-prompt').textContent(), QUESTION.prompt);
  assert.match(await detail.locator('.dialog-head p').first().textContent(), /^Asked ad hoc · English · sensitive$/, 'the language is recognised from the text');
  const verdicts = () => detail.locator('[data-testid=reply] .badge.verdict').evaluateAll((els) => els.map((e) => e.dataset.verdict));
  const heads = await detail.locator('[data-testid=reply] h3').allTextContents();
  assert.equal(heads.length, 2);
  assert.match(heads[1], /Censor/);
  const [demo, censor] = await verdicts();
  assert.equal(censor, 'refused', 'the censoring model refuses the question');
  assert.ok(['answered', 'deflected', 'refused', 'state_narrative', 'blocked'].includes(demo), `the demo's reply has a verdict: ${demo}`);
  // The control question, one click away, is answered.
  await detail.getByRole('button', { name: 'Control question' }).click();
  assert.equal(await detail.getByTestId('detail-prompt').textContent(), CONTROL.prompt);
  assert.equal((await verdicts())[1], 'answered');

  // The question went to the mock's chat endpoint once, and is not in the address.
  const carrying = env.mock.requests.filter((r) => `${r.rawBody}${r.body && JSON.stringify(r.body)}`.includes(QUESTION.prompt));
  assert.deepEqual(carrying.map((r) => `${r.method} ${r.path}`), ['POST /v1/chat/completions']);
  assert.ok(!decodeURIComponent(page.url()).includes('Tiananmen') && !page.url().includes('crackdown'), page.url());

  // Escape closes the replies and gives focus back to the box.
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'adhoc-send');

  // Kept: the user's probes gain the question and its control, and the next run asks them.
  await page.getByTestId('adhoc-keep').click();
  assert.match(await page.getByTestId('notice').textContent(), /under the topic My probes/);
  assert.ok(await page.getByTestId('topic-my-probes').isChecked());
  await chooseTopics(page, ['my-probes']);
  assert.match(await page.getByTestId('probe-count').textContent(), /^2 probes × 2 models = 4 requests/);
  await page.getByTestId('run').click();
  assert.equal((await waitForRun(page)).done, 4);
  const cells = Object.entries(await cellVerdicts(page));
  assert.equal(cells.length, 4);
  const asked = await page.locator('[data-testid=matrix] th.probe').evaluateAll((els) => els.map((e) => e.title));
  assert.ok(asked.some((t) => t.includes(QUESTION.prompt)) && asked.some((t) => t.includes(CONTROL.prompt)), asked.join(' | '));
  const censorCells = cells.filter(([k]) => k.endsWith('-1')).map(([, v]) => v).sort();
  assert.deepEqual(censorCells, ['answered', 'refused']);

  // The set is kept on this device.
  await page.reload();
  await page.getByTestId('topic-my-probes').waitFor();
  assert.deepEqual(logs.filter((l) => l.startsWith('error') || l.startsWith('pageerror')), []);
  await context.close();
});

test('markup typed into the box is shown as text, never run', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  const hostile = '<img src=x onerror="window.__pwned=1"><b>Who decides</b> what is said?';
  await page.getByText('Ask one question').click();
  await page.getByLabel('Question', { exact: true }).fill(hostile);
  await page.getByTestId('adhoc-send').click();
  const detail = page.getByTestId('detail');
  await detail.waitFor();
  await waitForRun(page);
  assert.equal(await detail.getByTestId('detail-prompt').textContent(), hostile);
  assert.equal(await detail.locator('h2 img, h2 b').count(), 0);
  await page.keyboard.press('Escape');
  assert.ok((await page.locator('[data-testid=matrix] th.probe').allTextContents()).some((t) => t.includes(hostile)));
  assert.equal(await page.locator('[data-testid=matrix] th.probe img').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // An empty question asks nothing and says why.
  await page.getByLabel('Question', { exact: true }).fill('  ');
  await page.getByTestId('adhoc-send').click();
  assert.match(await page.getByTestId('notice').textContent(), /^Type a question first\./);
  await context.close();
});
