// `candor run` (the command line) against the same mock model server as the browser tests:
// every dialect sends to its own path with its own key header, a provider's block becomes a
// blocked cell naming it, the same model gets the same verdicts in every dialect, a rate
// limit is waited out with every try in the ledger, and the key is never written out.
// Needs the release binary (scripts/test.sh builds it before this step; built here if not).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMock } from './mock-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'target', 'release', process.platform === 'win32' ? 'candor.exe' : 'candor');
const KEY = 'cli-test-key-7f3a9c';
const DIALECTS = ['openai', 'anthropic', 'gemini', 'ollama'];
// The path each dialect's chat request goes to, and the header that carries its key.
const WIRE = {
  openai: { path: '/v1/chat/completions', header: 'authorization' },
  anthropic: { path: '/v1/messages', header: 'x-api-key' },
  gemini: { path: '/v1beta/models/', header: 'x-goog-api-key' },
  ollama: { path: '/api/chat', header: 'authorization' },
};

let mock;
let dir;

before(async () => {
  if (!existsSync(bin)) execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'candor'], { cwd: root, stdio: 'inherit' });
  mock = await startMock({ port: 0, cors: true });
  dir = mkdtempSync(join(tmpdir(), 'candor-cli-'));
});

after(async () => {
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `candor run` for one dialect and model; resolves to the report, stderr and the requests it made. */
function run(dialect, model, extra = []) {
  const origin = mock.url.replace(/\/v1$/, '');
  const base = dialect === 'openai' ? mock.url : origin;
  const out = join(dir, `${dialect}-${model}.json`);
  const before = mock.requests.length;
  const args = ['run', '--dialect', dialect, '--base-url', base, '--model', model, '--api-key-env', 'CANDOR_TEST_KEY', '--out', out, ...extra];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env: { ...process.env, CANDOR_TEST_KEY: KEY }, timeout: 120_000 }, (err, _stdout, stderr) => {
      if (err) return reject(new Error(`candor ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      const text = readFileSync(out, 'utf8');
      resolve({ text, report: JSON.parse(text), stderr, requests: mock.requests.slice(before) });
    });
  });
}

const labels = (report) => report.results.map((r) => `${r.probe}=${r.verdict.label}`);

test('each dialect is sent natively; a provider block is a blocked cell naming it (Ollama has none and answers)', async () => {
  for (const dialect of DIALECTS) {
    const { report, text, stderr, requests } = await run(dialect, 'safety-block', ['--limit', '3']);
    assert.equal(report.results.length, 3, dialect);
    // The OpenAI-compatible dialect is the report's default and is not written out.
    assert.equal(report.providers[0].dialect ?? 'openai', dialect);
    const chats = requests.filter((r) => r.method === 'POST');
    assert.equal(chats.length, 3, `${dialect}: one request per probe`);
    for (const r of chats) {
      assert.ok(r.path.startsWith(WIRE[dialect].path), `${dialect} sent to ${r.path}`);
      assert.ok(String(r.headers[WIRE[dialect].header] ?? '').includes(KEY), `${dialect}: key in ${WIRE[dialect].header}`);
    }
    for (const r of report.results) {
      if (dialect === 'ollama') {
        assert.equal(r.verdict.label, 'answered', `${dialect} ${r.probe}`);
      } else {
        assert.equal(r.verdict.label, 'blocked', `${dialect} ${r.probe}`);
        const said = r.outcome.Reply?.reply?.blocked ?? JSON.stringify(r.outcome);
        assert.match(said, /SAFETY|refusal|content_filter|Content Exists Risk/i, `${dialect}: the block is named`);
      }
    }
    assert.ok(!text.includes(KEY) && !stderr.includes(KEY), `${dialect}: the key is not in the report or the progress`);
  }
});

test('the same censoring model gets the same verdicts through all four dialects', async () => {
  const seen = {};
  for (const dialect of DIALECTS) {
    const { report } = await run(dialect, 'censor-chat', ['--limit', '4']);
    seen[dialect] = labels(report);
    assert.ok(report.results.every((r) => r.verdict.label !== 'error'), `${dialect}: ${seen[dialect]}`);
    assert.ok(report.results.some((r) => r.verdict.label !== 'answered'), `${dialect}: the censoring model is caught: ${seen[dialect]}`);
  }
  for (const dialect of DIALECTS.slice(1)) assert.deepEqual(seen[dialect], seen.openai, dialect);
});

test('a rate limit is waited out in every dialect: no error cells, every try in the ledger', async () => {
  for (const dialect of DIALECTS) {
    const { report, stderr } = await run(dialect, 'flaky', ['--limit', '2', '--max-wait', '10']);
    assert.deepEqual(
      report.results.map((r) => r.verdict.label),
      ['answered', 'answered'],
      `${dialect}: ${labels(report)}\n${stderr}`,
    );
    const statuses = report.ledger.filter((e) => e.purpose.kind === 'probe').map((e) => e.status);
    assert.equal(statuses.filter((s) => s === 429).length, 2, `${dialect}: ${statuses}`);
    assert.equal(statuses.filter((s) => s === 200).length, 2, `${dialect}: ${statuses}`);
  }
});
