// Serves a built site (dist/) on 127.0.0.1 only, optionally under a sub-path, the way
// a static host would. Used by `scripts/serve.sh` and by the end-to-end tests.
//
//   node scripts/static-server.mjs [--dir dist] [--port 8080] [--base /candor/] [--compress]
//
// --compress sends text, JavaScript and WebAssembly brotli- or gzip-compressed to browsers
// that accept it (Node's own zlib, each file compressed once and kept), as a static host
// would; the first load then travels in about a quarter of its size.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Types worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.txt', '.bin']);

/** The encoding to send `file` in, from the request's Accept-Encoding: 'br', 'gzip' or null. */
export function pickEncoding(acceptEncoding = '', file = '') {
  if (!COMPRESSIBLE.has(extname(file))) return null;
  const accepted = acceptEncoding
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, q]) => !q || Number(q.trim().replace(/^q=/, '')) > 0)
    .map(([name]) => name.trim().toLowerCase());
  if (accepted.includes('br')) return 'br';
  if (accepted.includes('gzip')) return 'gzip';
  return null;
}

/** Starts the server; resolves to { url, port, close }. */
export async function serveStatic({ dir = 'dist', port = 0, base = '/', compress = false } = {}) {
  /** Compressed bodies, by encoding, path and modification time. */
  const packed = new Map();
  const encode = (encoding, file, mtime, body) => {
    const key = `${encoding} ${file} ${mtime}`;
    if (!packed.has(key)) {
      packed.set(
        key,
        encoding === 'br'
          ? brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } })
          : gzipSync(body, { level: 9 }),
      );
    }
    return packed.get(key);
  };
  const root = resolve(dir);
  if (!base.startsWith('/')) base = '/' + base;
  if (!base.endsWith('/')) base += '/';
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (base !== '/' && path === base.slice(0, -1)) {
      res.writeHead(301, { Location: base });
      return res.end();
    }
    if (!path.startsWith(base)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found (the site is served under ' + base + ')');
    }
    let file = normalize(join(root, path.slice(base.length)));
    if (!file.startsWith(root)) {
      res.writeHead(403);
      return res.end();
    }
    try {
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file);
      }
      let body = await readFile(file);
      const headers = {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      };
      const encoding = compress ? pickEncoding(req.headers['accept-encoding'], file) : null;
      if (compress) headers.Vary = 'Accept-Encoding';
      if (encoding) {
        body = encode(encoding, file, info.mtimeMs, body);
        headers['Content-Encoding'] = encoding;
      }
      headers['Content-Length'] = String(body.length);
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}${base}`,
    port: actual,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const { url } = await serveStatic({
    dir: arg('--dir', 'dist'),
    port: Number(arg('--port', 8080)),
    base: arg('--base', '/'),
    compress: process.argv.includes('--compress'),
  });
  console.log(`Candor is running at ${url}  (Ctrl-C to stop)`);
}
