// Trunk post-build hook: runs the site's finishing steps one after the other. Trunk starts
// all hooks of a stage at once, and these steps rewrite the same files (index.html, boot.js),
// so they are one hook that runs them in order:
//   1. externalize-boot.mjs: Trunk's inline boot script into boot.js (for the CSP);
//   2. minify-js.mjs: the JavaScript glue minified, its integrity hash updated;
//   3. service-worker.mjs: sw.js, listing every file of the finished site, so the app
//      opens offline after the first visit.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const step of ['externalize-boot.mjs', 'minify-js.mjs', 'service-worker.mjs']) {
  execFileSync(process.execPath, [fileURLToPath(new URL(step, import.meta.url))], { stdio: 'inherit' });
}
