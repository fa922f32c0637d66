// Post-build step (run by post-build.mjs): moves Trunk's inline module script (which loads the wasm) into
// boot.js so the page's Content-Security-Policy can forbid inline scripts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('externalize-boot: TRUNK_STAGING_DIR is not set (run by trunk build)');
  process.exit(1);
}
const page = join(dir, 'index.html');
const html = readFileSync(page, 'utf8');
// Trunk may minify the page, dropping the quotes around attribute values.
const inline = /<script type="?module"?(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/;
const m = html.match(inline);
if (!m) {
  console.error('externalize-boot: no inline module script found in index.html');
  process.exit(1);
}
writeFileSync(join(dir, 'boot.js'), m[2].trim() + '\n');
writeFileSync(page, html.replace(inline, `<script type="module"${m[1]} src="./boot.js"></script>`));
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(readFileSync(page, 'utf8'))) {
  console.error('externalize-boot: an inline script is still left in index.html');
  process.exit(1);
}
