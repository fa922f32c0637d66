// End to end: after one visit the app opens and runs with no network (its service worker
// keeps the site's files), and a new version of the site replaces the kept copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, openPage, waitForRun, chooseTopics, setUp } from './harness.mjs';
import { serveStatic } from '../../scripts/static-server.mjs';

const env = setUp();

/** Waits until the page is controlled by an active service worker; returns its cache names. */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  return page.evaluate(() => caches.keys());
}

test('after one visit the app opens offline and runs the demo', async () => {
  const { context, page, logs } = await openPage(env.chromium.browser, env.site.url);
  const caches = await controlled(page);
  assert.equal(caches.length, 1, `one kept copy: ${caches}`);

  await context.setOffline(true);
  await page.reload();
  await page.getByTestId('run').waitFor();
  await chooseTopics(page, ['tiananmen-1989']);
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.equal(done, total);
  assert.ok(total > 0);
  const verdicts = await page.$$eval('[data-testid^="cell-"]', (els) => els.map((e) => e.dataset.verdict));
  assert.ok(verdicts.includes('refused') && verdicts.includes('answered'), verdicts.join(' '));
  // The pack, the classifier's tables and the registry came from the kept copy.
  assert.doesNotMatch(await page.locator('body').textContent(), /could not (be )?load/i);
  assert.deepEqual(logs.filter((l) => l.startsWith('pageerror')), []);
  await context.close();
});

test('a new version of the site replaces the kept copy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-site-'));
  cpSync(DIST, dir, { recursive: true });
  const site = await serveStatic({ dir });
  try {
    const { context, page } = await openPage(env.chromium.browser, site.url);
    const [first] = await controlled(page);

    // A new build: a changed file and so a new worker version.
    const sw = join(dir, 'sw.js');
    writeFileSync(sw, readFileSync(sw, 'utf8').replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-next"'));
    await page.reload();
    let keys = [first];
    for (const deadline = Date.now() + 30_000; keys[0] === first && Date.now() < deadline; ) {
      await new Promise((ok) => setTimeout(ok, 200));
      keys = await page.evaluate(() => caches.keys());
    }
    assert.equal(keys.length, 1, `the old copy is removed: ${keys}`);
    assert.match(keys[0], /-next$/, keys[0]);
    await context.close();
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
