// End to end: request settings on record. A user sets temperature, max tokens, a reasoning
// effort and a system prompt on one provider and leaves another's to the server: the mock
// server receives exactly those fields (and none for the other), the detail says what each
// reply was asked with, the JSON export carries the settings and the exact request bodies,
// a server that rejects a setting gets an error cell that names it, and a setting the reply
// shows was not kept is said above that reply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage, waitForRun, setUp, addMockProvider, chooseEnglishOnly } from './harness.mjs';

const env = setUp({ delayMs: 1 });
const SYSTEM = 'Answer as a neutral historian, in two sentences.';

test('settings a user sets are sent as set, shown with each reply, exported, and a rejected one is named', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  const tuned = await addMockProvider(page, env.mock.url, 'p1', 'Tuned', 'open-chat');
  await tuned.getByTestId('provider-temperature').fill('0.3');
  await tuned.getByTestId('provider-max-tokens').fill('256');
  await tuned.getByTestId('provider-effort').selectOption('high');
  await tuned.getByTestId('provider-system').fill(SYSTEM);
  await tuned.getByTestId('provider-system').blur();
  await addMockProvider(page, env.mock.url, 'p2', 'Defaults', 'open-chat', null, { listModels: false });
  const strict = await addMockProvider(page, env.mock.url, 'p3', 'Strict', 'strict-sampler', null, { listModels: false });
  await strict.getByTestId('provider-temperature').fill('0.7');
  await strict.getByTestId('provider-temperature').blur();

  await chooseEnglishOnly(page, ['tiananmen-1989']);
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);

  const bodies = (model) =>
    env.mock.requests.filter((r) => r.method === 'POST' && r.body?.model === model).map((r) => r.body);
  const tunedBodies = bodies('open-chat').filter((b) => b.temperature !== undefined);
  const defaultBodies = bodies('open-chat').filter((b) => b.temperature === undefined);
  assert.ok(tunedBodies.length > 0 && defaultBodies.length === tunedBodies.length, 'both columns asked every probe');
  for (const b of tunedBodies) {
    assert.equal(b.temperature, 0.3);
    assert.equal(b.max_tokens, 256);
    assert.equal(b.reasoning_effort, 'high');
    assert.deepEqual(b.messages[0], { role: 'system', content: SYSTEM });
    assert.equal(b.messages[1].role, 'user');
  }
  for (const b of defaultBodies) {
    for (const field of ['temperature', 'top_p', 'max_tokens', 'reasoning_effort']) {
      assert.equal(b[field], undefined, `a setting left to the server is not sent: ${field}`);
    }
    assert.equal(b.messages.length, 1, 'no system message by default');
  }

  // The detail says what the reply was asked with; the rejected setting is named in the error.
  const probeId = await page.locator('[data-testid^="cell-"][data-testid$="-0"]').first().getAttribute('data-testid');
  const id = probeId.slice('cell-'.length, -'-0'.length);
  await page.getByTestId(`cell-${id}-0`).click();
  const detail = page.getByTestId('detail');
  await detail.waitFor();
  const asked = detail.getByTestId('asked-with');
  assert.equal(await asked.count(), 2, 'the tuned and the strict column say what they were asked with');
  assert.equal(
    await asked.first().textContent(),
    `Asked with temperature 0.3, max tokens 256, reasoning effort high, system prompt (${SYSTEM.length} characters)`,
  );
  // The test model ignores the reasoning effort: its replies carry no reasoning at all, which
  // the detail says of the tuned column (and of no other).
  const notKept = detail.getByTestId('not-kept');
  assert.equal(await notKept.count(), 1, 'only the column asked for an effort is told it was not kept');
  assert.match(await detail.getByTestId('reply').first().getByTestId('not-kept').textContent(), /Reasoning effort high was asked for, but the reply shows no reasoning/);
  const strictText = await detail.getByTestId('reply').nth(2).textContent();
  assert.match(strictText, /rejected the temperature setting/);
  assert.match(strictText, /clear it in this provider's settings/);
  await page.keyboard.press('Escape');

  // The export keeps the settings and every request's exact body.
  await page.getByTestId('tab-runs').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const report = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(report.providers[0].settings, { temperature: 0.3, max_tokens: 256, system: SYSTEM, effort: 'high' });
  assert.equal(report.providers[1].settings, undefined, 'a provider left to the server writes no settings');
  const sent = report.ledger.find((e) => e.purpose?.provider_id === 'p1' && e.request_body);
  assert.ok(sent, 'the ledger has the tuned requests');
  assert.equal(JSON.parse(sent.request_body).temperature, 0.3);
  await context.close();
});
