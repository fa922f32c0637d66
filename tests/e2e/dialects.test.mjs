// End to end: the native dialects in the browser. Providers made from the Anthropic, Gemini and
// Ollama-native presets (and one custom provider switched to Gemini in the form) list their
// models and run a pack against the mock server, which answers each in its own format: the
// Anthropic refusal stop and the Gemini safety block are blocked cells naming the reason, a 503
// storm is waited out with no error cell, and no key ever appears in a URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForRun, cellVerdicts, setUp, chooseEnglishOnly } from './harness.mjs';

const env = setUp({ delayMs: 1 });
const KEYS = { anthropic: 'sk-ant-KEY-5151', gemini: 'AIza-KEY-6262' };

/** Adds a provider from `preset` through the settings panel, as a user would. */
async function addProvider(page, preset, id, { model, key, dialect }) {
  await page.getByTestId('preset-select').selectOption(preset);
  await page.getByTestId('add-provider').click();
  const card = page.getByTestId(`provider-${id}`);
  // A preset that is ready to use (a local server needs no key) starts with its settings shut.
  await card.locator('details').evaluate((d) => { d.open = true; });
  if (dialect) await card.getByTestId('provider-dialect').selectOption(dialect);
  await card.getByTestId('provider-url').fill(env.mock.origin);
  if (key) await card.getByTestId('provider-key').fill(key);
  await card.getByTestId('load-models').click();
  await card.getByTestId('models-loaded').waitFor();
  await card.getByTestId('provider-model').fill(model);
  return card;
}

async function pickProbes(page) {
  await chooseEnglishOnly(page, ['tiananmen-1989']);
}

test('Anthropic, Gemini and Ollama providers are asked in their own dialects; provider blocks are blocked cells', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  const anthropic = await addProvider(page, 'anthropic', 'p1', { model: 'safety-block', key: KEYS.anthropic });
  assert.equal(await anthropic.getByTestId('provider-dialect').inputValue(), 'anthropic', 'the preset sets the dialect');
  const gemini = await addProvider(page, 'custom', 'p2', { model: 'safety-block', key: KEYS.gemini, dialect: 'gemini' });
  assert.equal(await gemini.getByTestId('provider-dialect').inputValue(), 'gemini');
  const ollama = await addProvider(page, 'ollama-native', 'p3', { model: 'open-chat' });
  assert.equal(await ollama.getByTestId('provider-dialect').inputValue(), 'ollama');
  const lists = env.mock.requests.filter((r) => r.method === 'GET').map((r) => r.path);
  assert.deepEqual(lists, ['/v1/models', '/v1beta/models', '/api/tags'], 'each dialect lists models its own way');

  await pickProbes(page);
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);
  const verdicts = await cellVerdicts(page);
  // Cells are keyed `<probe>-<column>`, columns in the order the providers were added.
  const columns = [[], [], []];
  for (const [cell, verdict] of Object.entries(verdicts)) columns[Number(cell.split('-').pop())].push(verdict);
  assert.ok(columns[0].length > 0 && columns[0].every((v) => v === 'blocked'), `Anthropic refusal stops: ${columns[0]}`);
  assert.ok(columns[1].length > 0 && columns[1].every((v) => v === 'blocked'), `Gemini safety blocks: ${columns[1]}`);
  assert.ok(columns[2].length > 0 && columns[2].every((v) => v !== 'error' && v !== 'blocked'), `Ollama answers: ${columns[2]}`);

  const posts = env.mock.requests.filter((r) => r.method === 'POST');
  const paths = new Set(posts.map((r) => r.path));
  assert.ok(paths.has('/v1/messages') && paths.has('/api/chat'), [...paths].join(' '));
  assert.ok([...paths].some((p) => p === '/v1beta/models/safety-block:streamGenerateContent'), [...paths].join(' '));
  for (const r of posts) {
    if (r.path === '/v1/messages') {
      assert.equal(r.headers['x-api-key'], KEYS.anthropic);
      assert.equal(r.headers['anthropic-dangerous-direct-browser-access'], 'true');
      assert.ok(r.headers['anthropic-version']);
    } else if (r.path.startsWith('/v1beta/')) {
      assert.equal(r.headers['x-goog-api-key'], KEYS.gemini);
    } else {
      assert.equal(r.headers.authorization, undefined, 'a keyless local Ollama gets no auth header');
    }
  }
  for (const r of env.mock.requests) {
    for (const key of Object.values(KEYS)) assert.ok(!r.path.includes(key), `no key in ${r.path}`);
  }

  // The detail of a blocked cell names the provider's own reason.
  const first = Object.keys(verdicts).find((c) => c.split('-').pop() === '0');
  await page.getByTestId(`cell-${first}`).click();
  await page.getByText('stop_reason: refusal').first().waitFor();
  assert.deepEqual(logs.filter((l) => l.startsWith('pageerror')), []);
  await context.close();
});

test('a 503 storm in a native dialect is waited out: every cell gets its answer', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addProvider(page, 'anthropic', 'p1', { model: 'busy', key: KEYS.anthropic });
  await pickProbes(page);
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  const said = await page.waitForFunction(() => document.querySelector('[data-testid=waiting]')?.textContent);
  assert.match(await said.jsonValue(), /waiting [01] s/);
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);
  for (const [cell, verdict] of Object.entries(await cellVerdicts(page))) assert.notEqual(verdict, 'error', cell);
  const tries = env.mock.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages');
  assert.equal(tries.length, total * 2, 'one 503 and one answer per probe');
  await context.close();
});
