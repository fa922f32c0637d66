// End to end: settings on record. A user sets a temperature and a system prompt on a provider;
// every probe is sent with them, the ledger shows each request's exact body, the detail says
// what the reply was asked with, and the exported report carries the settings and the bodies
// byte for byte, with no key anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage, waitForRun, chooseTopics, addMockProvider, setUp } from './harness.mjs';

const env = setUp({ delayMs: 1 });
const KEY = 'sk-SETTINGS-7373';
const SYSTEM = 'Answer in one sentence. 只用一句话回答。';

test('a temperature and a system prompt set on a provider are sent, kept in the ledger and exported exactly', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  const card = await addMockProvider(page, env.mock.url, 'p1', 'Mock', 'open-chat', KEY, { listModels: false });
  await card.getByTestId('provider-temperature').fill('0.3');
  await card.getByTestId('provider-temperature').press('Tab');
  await card.getByTestId('provider-system').fill(SYSTEM);
  await card.getByTestId('provider-reasoning').selectOption('low');
  await chooseTopics(page, ['great-firewall']);
  await page.getByTestId('lang-zh-Hans').uncheck();
  await page.getByTestId('lang-zh-Hant').uncheck();
  await page.getByTestId('controls').uncheck();
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);

  const sent = env.mock.requests.filter((r) => r.method === 'POST').map((r) => r.rawBody);
  assert.equal(sent.length, total);
  for (const body of sent) {
    const json = JSON.parse(body);
    assert.equal(json.temperature, 0.3);
    assert.equal(json.reasoning_effort, 'low');
    assert.deepEqual(json.messages[0], { role: 'system', content: SYSTEM });
    assert.equal(json.messages[1].role, 'user');
    assert.equal(json.top_p, undefined, 'a setting left empty is not sent');
  }

  // The detail says what the reply was asked with.
  const first = page.locator('[data-testid^=cell-][data-verdict]:not([data-verdict=pending])').first();
  await first.click();
  assert.match(await page.getByTestId('sent-with').first().textContent(), /temperature 0\.3 · reasoning low · system prompt/);
  await page.keyboard.press('Escape');

  // The ledger shows the exact bodies.
  await page.getByTestId('tab-flow').click();
  const bodies = await page.getByTestId('ledger-row').filter({ hasNotText: 'Candor' }).getByTestId('ledger-body').allTextContents();
  assert.deepEqual([...bodies].sort(), [...sent].sort());

  // The export carries the settings and the same bodies, byte for byte, and no key.
  await page.getByTestId('tab-runs').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(!text.includes(KEY), 'no key in the export');
  const report = JSON.parse(text);
  assert.deepEqual(report.providers[0].settings, { temperature: 0.3, system_prompt: SYSTEM, reasoning: 'low' });
  const exported = report.ledger.filter((e) => e.purpose.kind === 'probe').map((e) => e.request_body);
  assert.deepEqual(exported.sort(), [...sent].sort());
  assert.deepEqual(logs.filter((l) => l.startsWith('pageerror')), []);
  await context.close();
});

test('the same model behind two pinned routes is two columns, each reply naming the route that served it', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  for (const [id, route] of [['p1', 'DeepInfra'], ['p2', 'Together']]) {
    const card = await addMockProvider(page, env.mock.url, id, 'Router', 'open-chat', undefined, { listModels: false });
    await card.getByTestId('provider-route').fill(route);
  }
  await chooseTopics(page, ['great-firewall']);
  await page.getByTestId('lang-zh-Hans').uncheck();
  await page.getByTestId('lang-zh-Hant').uncheck();
  await page.getByTestId('controls').uncheck();
  env.mock.requests.length = 0;
  await page.getByTestId('run').click();
  await waitForRun(page);
  const pins = env.mock.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.rawBody).provider);
  assert.ok(pins.some((p) => p.order[0] === 'DeepInfra') && pins.some((p) => p.order[0] === 'Together'));
  assert.ok(pins.every((p) => p.allow_fallbacks === false), 'no fallback to another upstream');
  const headers = await page.locator('table.matrix thead th').allTextContents();
  assert.ok(headers.some((h) => h.includes('via DeepInfra')) && headers.some((h) => h.includes('via Together')), headers.join(' | '));
  await page.locator('[data-testid^=cell-][data-verdict]:not([data-verdict=pending])').first().click();
  assert.deepEqual((await page.getByTestId('upstream').allTextContents()).sort(), ['DeepInfra', 'Together']);
  await context.close();
});
