// scripts/serve.sh serves the build compressed: brotli or gzip to a browser that accepts it,
// the same bytes once decompressed, and plain bytes to a client that accepts neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { serveStatic, pickEncoding } from '../../scripts/static-server.mjs';
import { DIST } from './harness.mjs';

/** GETs `url` with `acceptEncoding`; resolves to { headers, body } (body as sent). */
function get(url, acceptEncoding) {
  return new Promise((ok, fail) => {
    const req = request(url, { headers: acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('the site is served brotli- or gzip-compressed as the browser asks, and plain otherwise', async () => {
  const site = await serveStatic({ dir: DIST, compress: true });
  try {
    const wasm = readdirSync(DIST).find((f) => f.endsWith('.wasm'));
    const original = readFileSync(join(DIST, wasm));
    const br = await get(`${site.url}${wasm}`, 'gzip, deflate, br');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.ok(br.body.length < original.length / 2, `${br.body.length} bytes of ${original.length}`);
    assert.ok(brotliDecompressSync(br.body).equals(original));
    const gz = await get(`${site.url}${wasm}`, 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(gz.body).equals(original));
    const plain = await get(`${site.url}${wasm}`, null);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.equals(original));
    const page = await get(site.url, 'br');
    assert.match(brotliDecompressSync(page.body).toString(), /<html/);
  } finally {
    await site.close();
  }
  assert.equal(pickEncoding('br;q=0, gzip', 'a.js'), 'gzip');
  assert.equal(pickEncoding('br', 'a.png'), null);
});
