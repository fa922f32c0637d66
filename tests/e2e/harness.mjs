// Shared pieces of the end-to-end tests: the built site on 127.0.0.1, the mock model
// server, and headless Chromium driven by playwright-core.
import { before, after } from 'node:test';
import { startMock } from './mock-server.mjs';
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from '../../scripts/static-server.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');

/** The built-in pack, expanded the way the app expands it (one probe per language). */
export function loadPack() {
  const pack = JSON.parse(readFileSync(join(ROOT, 'static/packs/core-v1.json'), 'utf8'));
  const kind = Object.fromEntries(pack.topics.map((t) => [t.id, t.kind]));
  const probes = [];
  for (const q of pack.questions) {
    for (const lang of pack.languages) {
      probes.push({ id: `${q.id}@${lang}`, question: q.id, topic: q.topic, lang, kind: kind[q.topic], prompt: q.text[lang].trim(), expect: q.expect[lang], control: q.control ? `${q.control}@${lang}` : null });
    }
  }
  return { ...pack, probes };
}

export async function serveDist(base = '/') {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: run scripts/build.sh first');
  return serveStatic({ dir: DIST, base });
}

export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'candor-chromium-'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
  const close = async () => {
    await browser.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { browser, close };
}

/** A new page whose console output and page errors are collected. */
export async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.getByTestId('run').waitFor();
  return { context, page, logs };
}

/** Waits until the run bar says the run is over, and returns its done/total. */
export async function waitForRun(page, timeout = 120_000) {
  const bar = page.getByTestId('progress');
  await bar.waitFor();
  await page.waitForFunction(
    () => ['finished', 'cancelled'].includes(document.querySelector('[data-testid=progress]')?.dataset.status),
    null,
    { timeout },
  );
  return { done: Number(await bar.getAttribute('data-done')), total: Number(await bar.getAttribute('data-total')) };
}

/** Selects exactly these topics in the probe picker. */
export async function chooseTopics(page, topics) {
  await page.getByTestId('topics-none').click();
  for (const t of topics) await page.getByTestId(`topic-${t}`).check();
}

/** Every cell's verdict, keyed by probe id and column. */
/** Chooses `topics` and asks their English sensitive probes only (no Chinese, no controls). */
export async function chooseEnglishOnly(page, topics) {
  await chooseTopics(page, topics);
  await page.getByTestId('lang-zh-Hans').uncheck();
  await page.getByTestId('lang-zh-Hant').uncheck();
  await page.getByTestId('controls').uncheck();
}

export async function cellVerdicts(page) {
  return page.$$eval('[data-testid^="cell-"]', (els) =>
    Object.fromEntries(els.map((e) => [e.dataset.testid.slice(5), e.dataset.verdict])),
  );
}

/**
 * The usual setting of a test file: the built site served on 127.0.0.1, a mock model server
 * and headless Chromium, started before the file's tests and stopped after them. The returned
 * object holds `site`, `mock` and `chromium` once they are up.
 */
export function setUp({ base = '/', delayMs = 1 } = {}) {
  const env = {};
  before(async () => {
    env.site = await serveDist(base);
    env.mock = await startMock({ delayMs });
    env.chromium = await launch();
  });
  after(async () => {
    await env.chromium?.close();
    await env.mock?.close();
    await env.site?.close();
  });
  return env;
}

/**
 * Adds a provider for the mock server through the settings panel, as a user would: the
 * custom preset, a name, the URL, the model list loaded (unless `listModels` is false), the
 * model id and an optional key. The provider's card is returned.
 */
export async function addMockProvider(page, mockUrl, id, name, model, key, { listModels = true } = {}) {
  await page.getByTestId('preset-select').selectOption('custom');
  await page.getByTestId('add-provider').click();
  const card = page.getByTestId(`provider-${id}`);
  await card.getByTestId('provider-name').fill(name);
  await card.getByTestId('provider-url').fill(mockUrl);
  if (listModels) {
    await card.getByTestId('load-models').click();
    await card.getByTestId('models-loaded').waitFor();
  }
  await card.getByTestId('provider-model').fill(model);
  if (key) await card.getByTestId('provider-key').fill(key);
  return card;
}
