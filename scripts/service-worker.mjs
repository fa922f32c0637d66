// Post-build step (run by post-build.mjs): writes sw.js, Candor's service worker, and has
// boot.js register it.
//
// The worker keeps a copy of every file of the built site (listed here, at build time) in
// the browser's Cache Storage, so the app opens and runs offline after the first visit. It
// only ever answers GET requests for the site's own files: requests to model endpoints are
// cross-origin and pass through untouched, never cached. A new build has a new version (a
// hash of every file), so the browser installs the new worker, which fetches the new files
// and then deletes the old copy.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('service-worker: TRUNK_STAGING_DIR is not set (run by trunk build)');
  process.exit(1);
}

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const path = join(d, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// Precompressed copies (.gz, .br) are the same files for the server; the worker itself is
// not cached by itself.
const files = walk(dir)
  .map((p) => relative(dir, p).split(sep).join('/'))
  .filter((f) => f !== 'sw.js' && !/\.(gz|br)$/.test(f))
  .sort();
const hash = createHash('sha256');
for (const f of files) hash.update(f).update('\0').update(readFileSync(join(dir, f)));
const version = hash.digest('hex').slice(0, 16);

const worker = `// Candor's service worker (written by scripts/service-worker.mjs at build time): keeps
// this version of the site's own files for offline use. Requests to anything but the
// site's own files (model endpoints included) are not touched.
const VERSION = ${JSON.stringify(version)};
const FILES = ${JSON.stringify(['./', ...files.map((f) => './' + f)])};
// Several copies of Candor may share an origin under different paths: each has its own.
const PREFIX = 'candor ' + self.registration.scope + ' ';
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(self.registration.scope)) return;
  if (request.mode === 'navigate') {
    // The page itself: the network's copy when there is one (so a new version is seen at
    // once), this version's when offline.
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true }).then((r) => r || cache.match('./'))),
      ),
    );
    return;
  }
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(request).then((r) => r || fetch(request))));
});
`;
writeFileSync(join(dir, 'sw.js'), worker);
appendFileSync(
  join(dir, 'boot.js'),
  `if ('serviceWorker' in navigator) navigator.serviceWorker.register('./sw.js').catch((e) => console.warn('Candor will not open offline: ' + e.message));\n`,
);
console.log(`service-worker: sw.js lists ${files.length} files (version ${version})`);
