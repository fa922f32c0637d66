// Post-build step (run by post-build.mjs): minifies the wasm-bindgen JavaScript glue with terser (Trunk's own
// minifier leaves it as it is) and updates the page's integrity hash for it.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { minify } from 'terser';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('minify-js: TRUNK_STAGING_DIR is not set (run by trunk build)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const page = join(dir, 'index.html');
let html = readFileSync(page, 'utf8');
for (const f of readdirSync(dir).filter((n) => /^candor-web-[0-9a-f]+\.js$/.test(n))) {
  const path = join(dir, f);
  const before = readFileSync(path);
  const out = await minify(before.toString('utf8'), { module: true, compress: true, mangle: true });
  writeFileSync(path, out.code);
  const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
  const old = sri(before);
  if (!html.includes(old)) {
    console.error(`minify-js: no integrity hash for ${f} in index.html`);
    process.exit(1);
  }
  html = html.replaceAll(old, sri(Buffer.from(out.code)));
}
writeFileSync(page, html);
