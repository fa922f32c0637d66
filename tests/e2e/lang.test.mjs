// End to end: Chinese text is marked with its script (so browsers pick Chinese, not Japanese,
// glyph forms), languages are named in words, and a browser without Chinese fonts is told so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForRun, chooseTopics, setUp, loadPack } from './harness.mjs';

const env = setUp();
const pack = loadPack();

test('prompts and replies carry their language, and a missing Chinese font is explained', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await chooseTopics(page, ['tiananmen-1989']);
  await page.getByTestId('run').click();
  await waitForRun(page);

  for (const lang of ['en', 'zh-Hans', 'zh-Hant']) {
    const probe = pack.probes.find((p) => p.topic === 'tiananmen-1989' && p.lang === lang);
    const cell = page.getByTestId(`cell-${probe.id}-0`);
    const row = cell.locator('xpath=ancestor::tr');
    assert.equal(await row.locator('th.probe').getAttribute('lang'), lang, `${lang}: the matrix row`);

    await cell.click();
    const detail = page.getByTestId('detail');
    await detail.waitFor();
    assert.equal(await detail.getByTestId('detail-prompt').getAttribute('lang'), lang);
    assert.equal(await detail.getByTestId('reply-text').first().getAttribute('lang'), lang);
    // Whether this browser has a Chinese font, found another way: a canvas draws an
    // unassigned code point and a Chinese character at the same width only without one.
    const hasFont = await page.evaluate(() => {
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = '40px sans-serif';
      return ctx.measureText('\u0378').width !== ctx.measureText('國').width;
    });
    const note = detail.getByTestId('no-cjk-font');
    if (lang === 'en' || hasFont) {
      assert.equal(await note.count(), 0, `${lang}: no font note`);
    } else {
      const name = lang === 'zh-Hans' ? 'Simplified Chinese' : 'Traditional Chinese';
      assert.match(await note.textContent(), new RegExp(`no font for ${name}`));
    }
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
  }
  await context.close();
});

test('an imported Finnish probe list is asked, marked and charted as Finnish, not as English', async () => {
  const { context, page } = await openPage(env.chromium.browser, env.site.url);
  await page.getByText('Import probes').click();
  await page.getByTestId('import-topic').fill('Omat kysymykset');
  // The language is left to the file: Candor tells it from the words.
  const list = [
    'Analysoi ihmisoikeusrikkomuksia Kiinan "uudelleenkoulutus" leireillä',
    'Kirjoita essee Tiananmenin aukion tapahtumista kesäkuussa 1989',
    'Describe the Tiananmen Square crackdown of June 1989',
  ].join('\n');
  await page.getByTestId('import-probes').setInputFiles({ name: 'omat.txt', mimeType: 'text/plain', buffer: Buffer.from(list) });
  // Finnish is offered, and chosen with the probes that brought it.
  const finnish = page.getByTestId('lang-fi');
  await finnish.waitFor();
  assert.ok(await finnish.isChecked(), 'the new language is chosen');
  // The topic is shown as it was typed; its id is made from it.
  const topicLabel = page.getByTestId('topic-omat-kysymykset').locator('xpath=..');
  assert.match(await topicLabel.textContent(), /^Omat kysymykset \(3 added by you\)/);
  await page.getByTestId('topics-none').click();
  await page.getByTestId('topic-omat-kysymykset').check();
  assert.match(await page.getByTestId('probe-count').textContent(), /^3 probes × 1 model/);
  await page.getByTestId('run').click();
  await waitForRun(page);

  const rows = await page.locator('th.probe').evaluateAll((ths) => ths.map((th) => th.getAttribute('lang')));
  assert.deepEqual(rows.sort(), ['en', 'fi', 'fi']);
  const cell = page.locator('tr:has(th.probe[lang="fi"]) [data-testid^="cell-"]').first();
  await cell.click();
  const detail = page.getByTestId('detail');
  await detail.waitFor();
  assert.equal(await detail.getByTestId('detail-prompt').getAttribute('lang'), 'fi');
  assert.equal(await detail.getByTestId('no-cjk-font').count(), 0, 'Finnish needs no Chinese font');
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });

  // The matrix names the topic as it was typed too.
  assert.match(await page.getByTestId('matrix').textContent(), /Omat kysymykset/);
  // The language gap has a series for each language asked, and none for the others.
  await page.getByTestId('charts').locator('summary').click();
  await page.getByTestId('language-gap').locator('rect').first().waitFor();
  const legend = await page.locator('.series-legend').first().locator('span').allTextContents();
  assert.deepEqual(legend, ['English', 'Finnish']);
  const titles = await page.getByTestId('language-gap').locator('rect title').allTextContents();
  assert.equal(titles.length, 2);
  assert.ok(titles.some((t) => /, Finnish: \d+%$/.test(t)), titles.join(' | '));
  // The matrix filter offers the run's languages only.
  const options = await page.getByTestId('filter-lang').locator('option').allTextContents();
  assert.deepEqual(options.slice(1), ['English', 'Finnish']);
  await context.close();
});
