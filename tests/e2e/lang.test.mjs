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
