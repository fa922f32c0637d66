// Prints the size of the built site (wasm + JS + CSS), raw and gzipped, and fails when
// the first load's gzipped total is over --budget KB.   node scripts/size.mjs [--dir dist] [--budget 400]
// The workers are loaded only when first needed: the run engine (candor-engine*: sends
// probes, lists models) on the first run or model list, the tools worker (candor-tools*:
// exports and imports) on the first export or import. They are listed apart and not counted
// in the first load.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const dir = arg('--dir', 'dist');
const budget = Number(arg('--budget', 0));
const files = readdirSync(dir).filter((f) => ['.wasm', '.js', '.css'].includes(extname(f)) && statSync(join(dir, f)).isFile());
const line = (name, raw, gz) =>
  console.log(`${name.padEnd(40)} ${(raw / 1024).toFixed(1).padStart(8)} KB raw ${(gz / 1024).toFixed(1).padStart(8)} KB gzipped`);
const worker = (f) => ['candor-engine', 'candor-tools'].find((w) => f.startsWith(w));
const onDemand = (f) => Boolean(worker(f));
let raw = 0;
let gz = 0;
const later = {};
for (const f of files.sort()) {
  const bytes = readFileSync(join(dir, f));
  const z = gzipSync(bytes, { level: 9 }).length;
  if (onDemand(f)) {
    const w = (later[worker(f)] ??= { raw: 0, gz: 0 });
    w.raw += bytes.length;
    w.gz += z;
  } else {
    raw += bytes.length;
    gz += z;
  }
  line(onDemand(f) ? `${f} (on demand)` : f, bytes.length, z);
}
const when = { 'candor-engine': 'run engine (on first run)', 'candor-tools': 'tools worker (on first export/import)' };
for (const [w, t] of Object.entries(later)) line(when[w], t.raw, t.gz);
line('first load (wasm + js + css)', raw, gz);
if (budget && gz / 1024 > budget) {
  console.error(`over budget: ${(gz / 1024).toFixed(1)} KB gzipped > ${budget} KB`);
  process.exit(1);
}
