// End to end: the interface in English, Simplified and Traditional Chinese. The language is
// chosen from the browser's languages or with the header's switch, remembered across a
// reload, and on the main path (settings, a demo run, a cell's detail, the data flow, the
// runs page) every message shows in the chosen language: no key name, no English left over.
// The catalogues are kept for offline use with the rest of the site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, waitForRun, chooseTopics, setUp } from './harness.mjs';

const env = setUp();

// The messages: their keys and English texts from the compiled-in table, the Chinese from
// the catalogue files the site serves.
const SOURCE = readFileSync(join(ROOT, 'src/core/i18n.rs'), 'utf8');
const ENGLISH = Object.fromEntries(
  [...SOURCE.matchAll(/^ {4}([A-Z][A-Za-z0-9]+) = "((?:[^"\\]|\\.)*)",$/gm)].map((m) => [m[1], m[2].replace(/\\(.)/g, '$1')]),
);
const CATALOGUES = {
  en: ENGLISH,
  'zh-Hans': JSON.parse(readFileSync(join(ROOT, 'static/i18n/zh-Hans.json'), 'utf8')),
  'zh-Hant': JSON.parse(readFileSync(join(ROOT, 'static/i18n/zh-Hant.json'), 'utf8')),
};

/** `text` with its `{name}` placeholders filled from `args`. */
const fill = (text, args = {}) => text.replace(/\{(\w+)\}/g, (all, name) => (name in args ? String(args[name]) : all));

/** Waits until the page is ready to run: Run is enabled once the classifier has loaded (until
 * then it says "Loading classifier…", in the page's language). */
const ready = (page) =>
  page.waitForFunction(() => {
    const run = document.querySelector('[data-testid=run]');
    return run !== null && !run.disabled;
  });

/** A new page in a browser whose preferred language is `locale`. */
async function open(locale) {
  const context = await env.chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(env.site.url);
  await ready(page);
  return { context, page, errors };
}

/** The language the page is drawn in (its `<html lang>`). */
const pageLang = (page) => page.evaluate(() => document.documentElement.lang);

/** Checks the header, the side panels and the run button say `lang`'s words. */
async function assertShell(page, lang) {
  const m = CATALOGUES[lang];
  assert.equal(await pageLang(page), lang);
  assert.equal((await page.getByTestId('run').textContent()).trim(), m.RunProbes, `${lang}: Run`);
  assert.equal((await page.locator('#providers-h').textContent()).trim(), m.Providers, `${lang}: Providers`);
  assert.equal((await page.locator('#probes-h').textContent()).trim(), m.Probes, `${lang}: Probes`);
  assert.equal((await page.getByTestId('tab-results').textContent()).trim(), m.TabResults, `${lang}: Results tab`);
  assert.equal((await page.getByTestId('tab-runs').textContent()).trim(), m.TabRuns, `${lang}: Runs tab`);
  assert.equal((await page.locator('label[for=ui-lang]').textContent()).trim(), m.InterfaceLanguage);
  assert.equal(await page.getByTestId('ui-lang').inputValue(), lang, `${lang}: the switch shows it`);
}

/**
 * What the page says in words of its own: the whole document's text and labels (closed
 * panels and tooltips included) without the probes and replies, which carry their own
 * language, and without the language switch, which names each language in itself. The
 * related-probe links' tooltips are those probes' prompts, so they are left out too.
 */
async function interfaceText(page) {
  return page.evaluate(() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('[lang], #ui-lang').forEach((e) => e.remove());
    copy.querySelectorAll('nav.links [title]').forEach((e) => e.removeAttribute('title'));
    const labels = [...copy.querySelectorAll('[aria-label], [title], [placeholder]')].flatMap((e) =>
      ['aria-label', 'title', 'placeholder'].map((a) => e.getAttribute(a) ?? ''),
    );
    return `${copy.textContent}\n${labels.join('\n')}`;
  });
}

/**
 * Fails if `text` holds a message key, or (in Chinese) any English message of two words or
 * more. Single words are checked where they are shown (buttons, headings); names such as
 * a provider's stay as the user or preset wrote them.
 */
function assertNoLeftovers(text, lang, where) {
  const keys = Object.keys(ENGLISH).filter((k) => /[a-z][A-Z]/.test(k) && new RegExp(`\\b${k}\\b`).test(text));
  assert.deepEqual(keys, [], `${lang}, ${where}: raw keys`);
  if (lang === 'en') return;
  const english = Object.entries(ENGLISH)
    .flatMap(([key, en]) => en.split(/\{\w+\}/).map((piece) => [key, piece.trim()]))
    .filter(([, piece]) => /[A-Za-z]{2,} [A-Za-z]{2,}/.test(piece) && !/^https?:/.test(piece))
    .filter(([, piece]) => new RegExp(`(^|\\W)${piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\W|$)`).test(text));
  assert.deepEqual(english, [], `${lang}, ${where}: English left over`);
}

test('each language from the switch: the main path in its words, and the choice kept across a reload', async () => {
  const { context, page, errors } = await open('en-US');
  await assertShell(page, 'en');
  assertNoLeftovers(await interfaceText(page), 'en', 'settings');

  for (const lang of ['zh-Hans', 'zh-Hant', 'en']) {
    const m = CATALOGUES[lang];
    // By keyboard: focus the switch and pick the language.
    await page.getByTestId('ui-lang').focus();
    await page.getByTestId('ui-lang').selectOption(lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await assertShell(page, lang);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'ui-lang', `${lang}: focus stays on the switch`);
    assertNoLeftovers(await interfaceText(page), lang, 'settings');

    // A demo run: the run bar, the matrix and the verdict names.
    await chooseTopics(page, ['tiananmen-1989']);
    await page.getByTestId('run').click();
    const { done, total } = await waitForRun(page);
    const figures = await page.locator('.progress .figures').textContent();
    assert.ok(figures.startsWith(fill(m.Done, { done, total })), `${lang}: run bar says ${figures}`);
    assert.ok(figures.includes(m.FinishedIn.split('{time}')[0]), `${lang}: ${figures}`);
    assert.equal((await page.locator('table.matrix thead th').first().textContent()).trim(), m.Probe);
    const legend = await page.locator('.legend .chip').allTextContents();
    assert.deepEqual(legend, ['Answered', 'Refused', 'Deflected', 'StateNarrative', 'Blocked', 'Error'].map((k) => m[k]));
    const refused = page.locator('[data-testid^="cell-"][data-verdict="refused"]').first();
    assert.equal((await refused.locator('.v').textContent()).trim(), m.Refused);
    // Topic headings in the matrix use the pack's name in this language.
    const pack = JSON.parse(readFileSync(join(ROOT, 'static/packs/core-v1.json'), 'utf8'));
    const topicName = pack.topics.find((t) => t.id === 'tiananmen-1989').name[lang];
    assert.ok((await page.locator('tr.group th').first().textContent()).includes(topicName), `${lang}: topic heading`);
    assert.equal((await page.locator('#summary-h').textContent()).trim(), m.VerdictMix);
    // With the charts and the verdict mix by topic open.
    await page.locator('[data-testid=charts] > summary').click();
    await page.getByTestId('heatmap').waitFor();
    await page.locator('details.by-topic > summary').click();
    assertNoLeftovers(await interfaceText(page), lang, 'results');

    // A cell's detail.
    await refused.click();
    const detail = page.getByTestId('detail');
    await detail.waitFor();
    assert.equal(await detail.getByTestId('detail-close').getAttribute('aria-label'), m.Close);
    assert.equal(await detail.locator('nav.links').getAttribute('aria-label'), m.RelatedProbes);
    assertNoLeftovers(await interfaceText(page), lang, 'detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // The data flow and the runs page.
    await page.getByTestId('tab-flow').click();
    assert.equal((await page.locator('#flow-h').textContent()).trim(), m.WhereGo);
    assert.equal((await page.locator('#dest-h').textContent()).trim(), m.Destinations);
    assertNoLeftovers(await interfaceText(page), lang, 'data flow');
    await page.getByTestId('tab-runs').click();
    assert.equal((await page.locator('#export-h').textContent()).trim(), m.ExportThisRun);
    assert.equal((await page.locator('#compare-h').textContent()).trim(), m.CompareRuns);
    assertNoLeftovers(await interfaceText(page), lang, 'runs');
    await page.getByTestId('tab-results').click();

    // Remembered: a reload opens in the same language, whatever the browser prefers.
    await page.reload();
    await ready(page);
    await assertShell(page, lang);
    // A Chinese catalogue is one of Candor's own files, fetched with the others and listed
    // in the ledger; English needs none.
    await page.getByTestId('tab-flow').click();
    const own = await page.locator('[data-testid=ledger-row][data-purpose=asset] summary').allTextContents();
    assert.equal(own.filter((row) => row.includes('interface language')).length, lang === 'en' ? 0 : 1, own.join(' | '));
    await page.getByTestId('tab-results').click();
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("the browser's preferred language chooses the interface until the switch is used", async () => {
  for (const [locale, lang] of [['zh-CN', 'zh-Hans'], ['zh-TW', 'zh-Hant'], ['zh-HK', 'zh-Hant'], ['fr-FR', 'en']]) {
    const { context, page, errors } = await open(locale);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    await assertShell(page, lang);
    assertNoLeftovers(await interfaceText(page), lang, `settings (${locale})`);
    if (locale === 'zh-TW') {
      // Chosen in the switch, English outlasts the browser's Chinese.
      await page.getByTestId('ui-lang').selectOption('en');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await page.reload();
      await ready(page);
      await assertShell(page, 'en');
    }
    assert.deepEqual(errors, [], locale);
    await context.close();
  }
});

test('offline after one visit, the chosen Chinese interface still opens, and switching to the other is kept too', async () => {
  const { context, page, errors } = await open('zh-TW');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await context.setOffline(true);
  await page.reload();
  await ready(page);
  await assertShell(page, 'zh-Hant');
  // The other catalogue was never fetched; the service worker kept it with the site.
  await page.getByTestId('ui-lang').selectOption('zh-Hans');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-Hans');
  await assertShell(page, 'zh-Hans');
  await chooseTopics(page, ['tiananmen-1989']);
  await page.getByTestId('run').click();
  const { done, total } = await waitForRun(page);
  assert.ok(total > 0 && done === total);
  assert.deepEqual(errors, []);
  await context.close();
});
