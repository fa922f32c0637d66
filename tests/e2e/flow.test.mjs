// End to end: where requests go. Every request the page makes during a run goes to the
// app's own origin or to a configured provider; the ledger lists each one with the key
// redacted; failures before any response are explained for the provider at hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock } from './mock-server.mjs';
import { launch, openPage, serveDist, waitForRun, chooseTopics, chooseEnglishOnly } from './harness.mjs';

const KEY = 'sk-flow-test-SECRET-987';
let site, mock, noCors, chromium;

before(async () => {
  site = await serveDist('/');
  mock = await startMock({ delayMs: 1 });
  noCors = await startMock({ cors: false });
  chromium = await launch();
});

after(async () => {
  await chromium?.close();
  await mock?.close();
  await noCors?.close();
  await site?.close();
});

async function addProvider(page, id, preset, url, model, key) {
  await page.getByTestId('preset-select').selectOption(preset);
  await page.getByTestId('add-provider').click();
  const card = page.getByTestId(`provider-${id}`);
  // A preset that is ready to use starts with its settings folded.
  if ((await card.locator('details').getAttribute('open')) === null) await card.locator('summary').click();
  await card.getByTestId('provider-url').fill(url);
  await card.getByTestId('provider-model').fill(model);
  if (key) await card.getByTestId('provider-key').fill(key);
  return card;
}

test('every request of a whole run goes to the app origin or a configured provider, and the ledger shows each with the key redacted', async () => {
  const context = await chromium.browser.newContext();
  const page = await context.newPage();
  const requests = [];
  const logs = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(site.url);
  await page.getByTestId('run').waitFor();
  await addProvider(page, 'p1', 'custom', mock.url, 'censor-r1', KEY);
  await page.getByTestId('provider-p1').getByTestId('load-models').click();
  await page.getByTestId('provider-p1').getByTestId('models-loaded').waitFor();
  await chooseTopics(page, ['hong-kong-2019', 'falun-gong']);
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);
  assert.ok(total >= 20);

  const allowed = [new URL(site.url).origin, new URL(mock.url).origin];
  const elsewhere = requests.filter((u) => !allowed.includes(new URL(u).origin) && !u.startsWith('data:'));
  assert.deepEqual(elsewhere, [], 'requests to anywhere but the app and the configured provider');
  assert.ok(requests.some((u) => u.startsWith(mock.origin)), 'the run reached the provider');

  // The ledger: one row per request the app made (model list + one per probe of the provider).
  await page.getByTestId('tab-flow').click();
  // The app's own start-up fetches (probe pack, destination registry, classifier phrase
  // tables, report theme and stylesheet, and classifier model, all from its own origin) are
  // listed too.
  assert.equal(await page.getByTestId('ledger-row').filter({ hasText: 'Candor' }).count(), 6);
  const rows = page.getByTestId('ledger-row').filter({ hasNotText: 'Candor' });
  const posts = mock.requests.filter((r) => r.method === 'POST').length;
  const gets = mock.requests.filter((r) => r.method === 'GET').length;
  assert.equal(await rows.count(), posts + gets);
  assert.equal(await rows.first().getByTestId('ledger-host').textContent(), '127.0.0.1');
  const first = rows.first();
  await first.locator('summary').click();
  const detail = await first.textContent();
  assert.match(detail, /Bearer \[redacted\]/);
  assert.match(await first.getByTestId('ledger-body').textContent(), /"messages"/);
  assert.match(detail, /served by/);
  assert.match(await page.getByTestId('destinations').textContent(), /127\.0\.0\.1/);
  await page.getByTestId('flow-diagram').waitFor();

  // The key was sent to the provider, and is nowhere in the page, its storage or its console.
  assert.ok(mock.requests.some((r) => r.headers.authorization === `Bearer ${KEY}`));
  const everything = await page.evaluate(() => document.documentElement.outerHTML + JSON.stringify(localStorage));
  // The key input itself holds the key: leave it out of the search.
  const withoutInput = everything.replace(/value="[^"]*"/g, '');
  assert.ok(!withoutInput.includes(KEY), 'key found in the page');
  assert.ok(!logs.join('\n').includes(KEY), 'key found in the console');
  assert.ok(!requests.some((u) => u.includes(KEY)), 'key found in a URL');

  // The run's ledger is saved with it: after a reload, opening the run brings its requests
  // back (those of the run itself: the earlier model-list request is not part of it).
  await page.reload();
  await page.getByTestId('tab-runs').click();
  await page.getByTestId('open-run').first().click();
  await page.getByTestId('progress').waitFor();
  await page.getByTestId('tab-flow').click();
  assert.equal(await page.getByTestId('ledger-row').filter({ hasNotText: 'Candor' }).count(), posts);
  await context.close();
});

test('a request that fails before any response says why, for the provider at hand', async () => {
  const { context, page } = await openPage(chromium.browser, site.url);
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  await addProvider(page, 'p1', 'ollama', noCors.url, 'open-chat');
  await chooseEnglishOnly(page, ['great-firewall']);
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);
  const cell = page.locator('[data-testid^="cell-great-firewall"]').first();
  assert.equal(await cell.getAttribute('data-verdict'), 'error');
  await cell.click();
  const text = await page.getByTestId('reply-error').first().textContent();
  assert.match(text, /CORS/);
  assert.match(text, /OLLAMA_ORIGINS/);
  assert.match(text, /down or the URL wrong/);
  // The failed attempts are in the ledger too: a request with no response is tried three times.
  await page.keyboard.press('Escape');
  await page.getByTestId('tab-flow').click();
  assert.equal(await page.getByTestId('ledger-row').filter({ hasNotText: 'Candor' }).count(), total * 3);
  await context.close();
});
