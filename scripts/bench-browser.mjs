// Measures the built app (dist/) in headless Chromium against the e2e mock model server, and
// prints the figures big runs depend on. A benchmark, not a test: nothing here fails on a
// slow figure. Run it through scripts/bench-browser.sh (which builds first).
//
//   node scripts/bench-browser.mjs [--quick] [--only NAME[,NAME]]
//
// Scenarios (each in a fresh browser context, so one's memory does not count in the next):
//   fast     1,000 imported probes × 2 models, mock at 0 ms, 16 parallel requests per model:
//            replies/s, peak requests open at the server, renderer memory, DOM nodes, detail
//            open and tab switch times.
//   latency  400 probes × 1 model, 200 ms before each reply starts, 16 parallel requests:
//            probes/s and the peak open at the server (HTTP/1.1: the browser opens six).
//   big      2,500 probes × 4 models = 10,000 cells: the same figures as `fast`.
//   long     one reply of 1 MB on one line and one of 10 MB: detail open time and the
//            longest the page stopped drawing frames in the 2 s after the click.
//   import   the China set of ../shared/data (2,650 real replies, 3.6 KB on average) written as
//            a SpeechMap analysis file and imported: seconds until its matrix is drawn (every
//            reply is judged again by Candor's classifier on the way in), and the longest the
//            page stopped drawing frames meanwhile.
//   promptfoo  the `fast` run by promptfoo (`promptfoo eval`), when it is installed.
// --quick divides the probe counts by 10 (to check the script itself).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '../tests/e2e/mock-server.mjs';
import { addMockProvider, launch, serveDist } from '../tests/e2e/harness.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1].split(',') : null;
const wanted = (name) => !only || only.includes(name);
const scale = (n) => (quick ? Math.max(1, Math.round(n / 10)) : n);

/** `n` distinct one-line questions, as a plain-text probe list. */
function probeList(n, tag) {
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`${tag} question ${i + 1}: what happened in the archive's year ${1900 + (i % 120)}, item ${i}?`);
  return lines.join('\n') + '\n';
}

/** Resident memory (KB) of the browser's largest renderer process (the page's), from ps. */
function rendererRssKb(browserPid) {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' });
  const procs = out.trim().split('\n').map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l);
    return { pid: +m[1], ppid: +m[2], rss: +m[3], args: m[4] };
  });
  const children = new Map();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let total = 0;
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      if (c.args.includes('--type=renderer')) total = Math.max(total, c.rss);
      walk(c.pid);
    }
  };
  walk(browserPid);
  return total;
}

/** Milliseconds from `act` (run in the page) until `selector` is present and a frame is drawn. */
async function timeInPage(page, act, selector) {
  return page.evaluate(
    async ({ act, selector }) => {
      const t0 = performance.now();
      new Function(act)();
      const frame = () => new Promise((ok) => requestAnimationFrame(() => ok()));
      while (!document.querySelector(selector)) await frame();
      await frame();
      return performance.now() - t0;
    },
    { act, selector },
  );
}

/** Starts watching for frames the page fails to draw; `stop()` returns the longest gap (ms). */
async function watchFrames(page) {
  await page.evaluate(() => {
    window.__gap = 0;
    let last = performance.now();
    window.__watch = true;
    const tick = (t) => {
      window.__gap = Math.max(window.__gap, t - last);
      last = t;
      if (window.__watch) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return async () => page.evaluate(() => {
    window.__watch = false;
    return window.__gap;
  });
}

/** A fresh context with the demo provider off and `models` added against `mock`. */
async function setUpPage(browser, siteUrl, mock, models, { probes, concurrency = 16, tag = 'Bench' }) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // The app's WebAssembly memory, for the memory figure (the JS heap does not include it).
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasmMemory = e.detail.wasm.memory; }));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(siteUrl);
  await page.getByTestId('run').waitFor();
  await page.getByTestId('provider-demo').getByRole('checkbox', { name: 'Include in runs' }).uncheck();
  for (const [i, model] of models.entries()) {
    const id = `p${i + 1}`;
    await addMockProvider(page, mock.url, id, `Mock ${i + 1}`, model, null, { listModels: false });
    await page.locator(`#${id}-conc`).fill(String(concurrency));
  }
  await page.getByText('Import probes').click();
  await page.getByTestId('import-topic').fill(tag);
  await page.getByTestId('import-lang').selectOption('en');
  await page.getByTestId('import-probes').setInputFiles({ name: 'bench.txt', mimeType: 'text/plain', buffer: Buffer.from(probeList(probes, tag)) });
  const topic = `topic-${tag.toLowerCase()}`;
  await page.getByTestId(topic).waitFor();
  await page.getByTestId('topics-none').click();
  await page.getByTestId(topic).check();
  return { context, page, errors };
}

/** Presses Run and waits for the run to end; returns its cells and seconds. */
async function run(page, timeout = 1_800_000) {
  const t0 = Date.now();
  await page.getByTestId('run').click();
  await page.waitForFunction(
    () => ['finished', 'cancelled'].includes(document.querySelector('[data-testid=progress]')?.dataset.status),
    null,
    { timeout, polling: 'raf' },
  );
  const secs = (Date.now() - t0) / 1000;
  const bar = page.getByTestId('progress');
  return { done: Number(await bar.getAttribute('data-done')), total: Number(await bar.getAttribute('data-total')), secs };
}

/** Memory, DOM size, detail-open and tab-switch times of the page as it is. */
async function viewFigures(page, browserPid) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
  const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  const wasmMb = await page.evaluate(() => (window.__wasmMemory?.buffer.byteLength ?? 0) / 2 ** 20);
  const detail = [];
  for (let i = 0; i < 3; i++) {
    detail.push(await timeInPage(page, `document.querySelectorAll('button[data-testid^="cell-"]')[${i * 7}]?.click()`, '[data-testid=detail]'));
    await page.getByTestId('detail-close').click();
    await page.getByTestId('detail').waitFor({ state: 'detached' });
  }
  const toFlow = await timeInPage(page, `document.querySelector('[data-testid=tab-flow]').click()`, '[data-testid=flow-diagram]');
  const toResults = await timeInPage(page, `document.querySelector('[data-testid=tab-results]').click()`, '[data-testid=matrix]');
  return {
    heapMb: metric('JSHeapUsedSize') / 2 ** 20,
    wasmMb,
    rssMb: rendererRssKb(browserPid) / 1024,
    domNodes,
    detailMs: Math.max(...detail),
    toFlow,
    toResults,
  };
}

const f0 = (x) => x.toFixed(0);
const f1 = (x) => x.toFixed(1);
const lines = [];
const say = (line) => {
  lines.push(line);
  console.log(line);
};

function figuresLine(v) {
  return `renderer ${f0(v.rssMb)} MB resident (JS heap ${f0(v.heapMb)} MB, WebAssembly memory ${f0(v.wasmMb)} MB), ${v.domNodes} DOM nodes, detail opens in ${f0(v.detailMs)} ms (slowest of 3), tab switch ${f0(v.toFlow)} ms to Data flow and ${f0(v.toResults)} ms back to Results`;
}

const site = await serveDist();
const fast = await startMock({ delayMs: 0 });
const slow = await startMock({ delayMs: 0, latencyMs: 200 });
const { browser, close } = await launch();
const browserPid = browser.process?.()?.pid ?? Number(execFileSync('pgrep', ['-o', '-f', 'chromium.*--remote-debugging-pipe'], { encoding: 'utf8' }).trim());
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
say(`Candor browser benchmark · commit ${commit} · ${cpus().length} cores (${cpus()[0]?.model ?? '?'}) · ${browser.version()}${quick ? ' · QUICK (÷10)' : ''}`);

async function gridScenario(name, probes, models, timeout, reload = false) {
  fast.stats.peakInFlight = 0;
  fast.requests.length = 0;
  const { context, page, errors } = await setUpPage(browser, site.url, fast, models, { probes });
  const before = rendererRssKb(browserPid) / 1024;
  const r = await run(page, timeout);
  say(`${name}: ${probes} probes × ${models.length} models at 0 ms, 16 parallel each: ${r.done}/${r.total} replies in ${f1(r.secs)} s = ${f1(r.done / r.secs)} replies/s; peak ${fast.stats.peakInFlight} requests open at the server`);
  say(`${name}: ${figuresLine(await viewFigures(page, browserPid))}; ${f0(before)} MB resident before the run`);
  // Whether the growth is memory the browser can give back: idle, then a critical
  // memory-pressure notice (what Chromium sends when the system runs short).
  const cdp = await context.newCDPSession(page);
  await page.waitForTimeout(5000);
  const idle = rendererRssKb(browserPid) / 1024;
  await cdp.send('Memory.simulatePressureNotification', { level: 'critical' });
  await page.waitForTimeout(3000);
  say(`${name}: ${f0(idle)} MB resident after 5 s idle, ${f0(rendererRssKb(browserPid) / 1024)} MB after a critical memory-pressure notice`);
  if (reload) {
    // A reload after the run: how long until the saved run is open again, and whether every
    // cell and every request came back (counted in the run's JSON export).
    await page.reload();
    await page.getByTestId('run').waitFor();
    const t0 = Date.now();
    await page.getByTestId('tab-runs').click();
    await page.getByTestId('open-run').first().click();
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid=progress]')?.dataset.done) === n,
      r.done,
      { timeout: 600_000, polling: 100 },
    );
    const secs = (Date.now() - t0) / 1000;
    await page.getByTestId('tab-runs').click();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 600_000 }), page.getByTestId('export-json').click()]);
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const requests = saved.ledger.filter((e) => (e.purpose?.kind ?? 'probe') === 'probe').length;
    const sent = fast.requests.filter((q) => q.method === 'POST' && q.path === '/v1/chat/completions').length;
    say(`${name}: after a reload the run is open again in ${f1(secs)} s; its export holds ${saved.results.length} of ${r.done} cells and ${saved.ledger.length} ledger entries (${requests} probe requests; the server received ${sent})`);
  }
  if (errors.length) say(`${name}: page errors: ${errors.slice(0, 3).join(' | ')}`);
  await context.close();
}

try {
  if (wanted('fast')) await gridScenario('1,000 × 2', scale(1000), ['open-chat', 'censor-chat'], 600_000);
  if (wanted('latency')) {
    slow.stats.peakInFlight = 0;
    const n = scale(400);
    const { context, page } = await setUpPage(browser, site.url, slow, ['open-chat'], { probes: n });
    const r = await run(page);
    say(`200 ms latency: ${n} probes × 1 model, 16 parallel: ${f1(r.done / r.secs)} probes/s (${f1(r.secs)} s); peak ${slow.stats.peakInFlight} requests open at the server`);
    await context.close();
  }
  if (wanted('big')) await gridScenario('2,500 × 4', scale(2500), ['open-chat', 'censor-chat', 'censor-r1', 'think-distill'], 1_800_000, true);
  if (wanted('long')) {
    for (const [label, chars] of [['1 MB one-line reply', 1_000_000], ['10 MB reply', 10_000_000]]) {
      const { context, page } = await setUpPage(browser, site.url, fast, [`long-${chars}`], { probes: 1, concurrency: 1, tag: 'Long' });
      const r = await run(page);
      const stop = await watchFrames(page);
      const open = await timeInPage(page, `document.querySelector('button[data-testid^="cell-"]').click()`, '[data-testid=detail]');
      await page.waitForTimeout(2000);
      const gap = await stop();
      let all = '';
      const showAll = page.getByTestId('show-all');
      if (await showAll.count()) {
        // "Show all": how long until every character is drawn, and the longest the page stopped.
        const stopAll = await watchFrames(page);
        const t0 = Date.now();
        await showAll.click();
        await page.waitForFunction(() => document.querySelector('[data-testid=reply-text]')?.dataset.complete === 'true', null, { timeout: 600_000, polling: 'raf' });
        const secs = (Date.now() - t0) / 1000;
        all = `; Show all draws it in ${f1(secs)} s, longest frame gap ${f0(await stopAll())} ms`;
      }
      say(`${label}: run ${f1(r.secs)} s; detail opens in ${f0(open)} ms, longest frame gap ${f0(gap)} ms${all}; renderer ${f0(rendererRssKb(browserPid) / 1024)} MB resident`);
      await context.close();
    }
  }
  if (wanted('import')) {
    const china = join(process.cwd(), '../shared/data/dev-responses.jsonl');
    let rows = [];
    try {
      rows = readFileSync(china, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    } catch {
      say(`import: ${china} not found, skipped`);
    }
    if (rows.length) {
      rows = rows.slice(0, scale(rows.length));
      // SpeechMap's analysis lines (question, model, the provider's whole response, the
      // judge's label), as `candor import speechmap` and the app read them.
      const lines = rows.map((r) => JSON.stringify({
        question_id: r.id,
        question: r.prompt,
        model: r.model,
        response: { choices: [{ message: { role: 'assistant', content: r.response } }] },
        compliance: r.label_src,
      }));
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(site.url);
      await page.getByTestId('run').waitFor();
      await page.getByTestId('tab-runs').click();
      await page.getByTestId('import-kind').selectOption('speechmap');
      const stop = await watchFrames(page);
      // From a file on disk, as a user picks it: a file handed over from memory is built in
      // the page by the test driver, which itself stops the page for a second at this size.
      const dir = mkdtempSync(join(tmpdir(), 'candor-bench-import-'));
      writeFileSync(join(dir, 'china.jsonl'), lines.join('\n') + '\n');
      const t0 = Date.now();
      await page.getByTestId('import-file').setInputFiles(join(dir, 'china.jsonl'));
      await page.getByTestId('matrix').waitFor({ timeout: 600_000 });
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => ok())));
      const secs = (Date.now() - t0) / 1000;
      const gap = await stop();
      const kb = lines.reduce((n, l) => n + l.length, 0) / 1024;
      say(`import: ${rows.length} SpeechMap replies (${f0(kb)} KB) judged and drawn in ${f1(secs)} s = ${f1(rows.length / secs)} replies/s; longest frame gap ${f0(gap)} ms`);
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (wanted('promptfoo')) {
    const which = spawnSync('sh', ['-c', 'command -v promptfoo'], { encoding: 'utf8' });
    if (which.status === 0) {
      const dir = mkdtempSync(join(tmpdir(), 'candor-bench-pf-'));
      const n = scale(1000);
      const tests = probeList(n, 'Bench').trim().split('\n').map((q) => `  - vars: { q: ${JSON.stringify(q)} }`).join('\n');
      const providers = ['open-chat', 'censor-chat']
        .map((m) => `  - id: openai:chat:${m}\n    config: { apiBaseUrl: ${JSON.stringify(fast.url)}, apiKey: none }`)
        .join('\n');
      writeFileSync(join(dir, 'promptfooconfig.yaml'), `prompts: ['{{q}}']\nproviders:\n${providers}\ntests:\n${tests}\n`);
      const t0 = Date.now();
      const pf = spawnSync('promptfoo', ['eval', '--no-cache', '--no-progress-bar', '-j', '16', '-c', join(dir, 'promptfooconfig.yaml'), '-o', join(dir, 'out.json')], {
        encoding: 'utf8',
        env: { ...process.env, PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1' },
      });
      const secs = (Date.now() - t0) / 1000;
      let replies = 0;
      try {
        replies = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).results?.results?.length ?? 0;
      } catch {
        /* no output */
      }
      say(`promptfoo: ${n} probes × 2 models at 0 ms, -j 16: ${replies} replies in ${f1(secs)} s = ${f1(replies / secs)} replies/s${pf.status ? ` (exit ${pf.status})` : ''}`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await close();
  await fast.close();
  await slow.close();
  await site.close();
}
