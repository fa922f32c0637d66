// Manual check: the app in Chromium against the real provider replies kept in ../shared/wire.
//
// Like scripts/wire-check.sh, but through the browser: for each dialect it adds one provider per
// fixture (a custom provider with that dialect, the replay server's URL and the fixture id as
// its model), runs one topic in English, and compares every cell's verdict with the fixture's
// `expect.outcome`. The fixtures are read from ../shared/wire at run time and never copied.
// Needs a built dist/ (scripts/build.sh) and Chromium; not part of scripts/test.sh.
//
//   node scripts/wire-check-app.mjs [PORT]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveDist, launch, openPage, chooseTopics, waitForRun, cellVerdicts } from '../tests/e2e/harness.mjs';

const WIRE = process.env.WIRE_DIR || join(import.meta.dirname, '../../shared/wire');
const PORT = Number(process.argv[2] || process.env.WIRE_PORT || 8789);
const replay = spawn('python3', [join(WIRE, 'replay.py'), String(PORT)], { stdio: 'ignore' });
const origin = `http://127.0.0.1:${PORT}`;
for (let i = 0; i < 50; i++) {
  try {
    if ((await fetch(`${origin}/health`)).ok) break;
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 100));
}

const fixtures = readdirSync(join(WIRE, 'cases'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(WIRE, 'cases', f), 'utf8')));

function fits(outcome, verdict) {
  if (outcome === 'any_verdict') return verdict !== 'error';
  return verdict === outcome;
}

const site = await serveDist('/');
const chromium = await launch();
let passed = 0;
const failed = [];
try {
  for (const dialect of ['openai', 'anthropic', 'gemini', 'ollama']) {
    await fetch(`${origin}/_reset`, { method: 'POST' });
    const cases = fixtures.filter((f) => f.dialect === dialect);
    const { context, page } = await openPage(chromium.browser, site.url);
    await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
    for (const [i, fx] of cases.entries()) {
      await page.getByTestId('preset-select').selectOption('custom');
      await page.getByTestId('add-provider').click();
      const card = page.getByTestId(`provider-p${i + 1}`);
      await card.locator('details').evaluate((d) => { d.open = true; });
      await card.getByTestId('provider-dialect').selectOption(dialect);
      await card.getByTestId('provider-name').fill(fx.id);
      await card.getByTestId('provider-url').fill(dialect === 'openai' ? `${origin}/v1` : origin);
      await card.getByTestId('provider-model').fill(fx.id);
      await card.getByTestId('provider-key').fill('wire-check-key');
    }
    await chooseTopics(page, ['tiananmen-1989']);
    await page.getByTestId('lang-zh-Hans').uncheck();
    await page.getByTestId('lang-zh-Hant').uncheck();
    await page.getByTestId('controls').uncheck();
    await page.getByTestId('run').click();
    await waitForRun(page, 300_000);
    const verdicts = await cellVerdicts(page);
    for (const [i, fx] of cases.entries()) {
      const got = Object.entries(verdicts).filter(([k]) => k.split('-').pop() === String(i)).map(([, v]) => v);
      const bad = got.filter((v) => !fits(fx.expect.outcome, v));
      if (got.length && !bad.length) {
        passed += 1;
        console.log(`ok   ${fx.id}: ${got.join(' ')}`);
      } else {
        failed.push(fx.id);
        console.log(`FAIL ${fx.id}: ${got.join(' ') || 'no cells'}, want ${fx.expect.outcome}`);
      }
    }
    await context.close();
  }
} finally {
  await chromium.close();
  await site.close();
  replay.kill();
}
console.log(`\n${passed} of ${passed + failed.length} fixtures give the expected verdict in the app`);
process.exit(failed.length ? 1 : 0);
