// Prints the size of the built site (wasm + JS + CSS), raw and gzipped, and fails when
// the gzipped total is over --budget KB.   node scripts/size.mjs [--dir dist] [--budget 400]
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
let raw = 0;
let gz = 0;
for (const f of files.sort()) {
  const bytes = readFileSync(join(dir, f));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  console.log(`${f.padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KB raw ${(z / 1024).toFixed(1).padStart(8)} KB gzipped`);
}
console.log(`${'total (wasm + js + css)'.padEnd(40)} ${(raw / 1024).toFixed(1).padStart(8)} KB raw ${(gz / 1024).toFixed(1).padStart(8)} KB gzipped`);
if (budget && gz / 1024 > budget) {
  console.error(`over budget: ${(gz / 1024).toFixed(1)} KB gzipped > ${budget} KB`);
  process.exit(1);
}
