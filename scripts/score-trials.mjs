// Scores the classifier on hand-written trial replies: each line of a trial file is
// {"prompt", "response", "expect"} (the verdict the reply was written to have), and this prints,
// per file, how many replies get exactly that verdict and how many are right as answer or not.
//
//   node scripts/score-trials.mjs [--candor PATH] [--misses] [FILE.jsonl…]
//
// Without files it reads every file in tests/fixtures/trials. --candor picks the binary (by
// default target/release/candor; build it with `cargo build --release --bin candor`), so a
// build of another commit can be scored on the same trials. docs/CLASSIFIER.md says which
// trials were read before any change was made for them, and what each round moved.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--candor');
const candor = at >= 0 ? args.splice(at, 2)[1] : 'target/release/candor';
const misses = args.includes('--misses');
const given = args.filter((a) => a !== '--misses');
const dir = 'tests/fixtures/trials';
const files = given.length ? given : readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f));

let [all, exact, binary] = [0, 0, 0];
for (const file of files) {
  const cases = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const input = cases.map((c) => JSON.stringify({ prompt: c.prompt, response: c.response })).join('\n') + '\n';
  const run = spawnSync(candor, ['classify'], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) {
    console.error(`${candor} classify failed on ${file}: ${run.error?.message ?? run.stderr}`);
    process.exit(2);
  }
  const verdicts = run.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).verdict);
  let [e, b] = [0, 0];
  cases.forEach((c, i) => {
    const got = verdicts[i].label;
    e += got === c.expect ? 1 : 0;
    b += (got === 'answered') === (c.expect === 'answered') ? 1 : 0;
    if (misses && got !== c.expect) console.log(`  miss: meant ${c.expect}, got ${got}: ${c.response.slice(0, 90)}`);
  });
  console.log(`${file.padEnd(56)} ${String(e).padStart(3)} / ${String(cases.length).padEnd(3)} as meant, ${b} answer or not`);
  [all, exact, binary] = [all + cases.length, exact + e, binary + b];
}
console.log(`${'all'.padEnd(56)} ${String(exact).padStart(3)} / ${String(all).padEnd(3)} as meant, ${binary} answer or not`);
