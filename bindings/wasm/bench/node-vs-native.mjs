// Node (the packed wasm package) versus native Rust on the same 10,000 deals.
//
//   node bindings/wasm/bench/node-vs-native.mjs [--deals N] [--runs R] [--package DIR]
//
// Node times `plan.evaluate(rows, "2026")`: JS rows → JSON → wasm (validate, evaluate) →
// results JSON → JS objects with every line and trace. Native times the same JSON text →
// `read_json` → `CompiledPlan::evaluate` (single-threaded, like wasm). Both report the median
// of R runs after warm-up and must agree on the grand total. Traces cross to JS on first
// use; the time with every trace read is printed too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workload } from './data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const deals = Number(arg('deals', '10000'));
const runs = Number(arg('runs', '31'));
const pkg = resolve(arg('package', join(here, '..')));
const require = createRequire(import.meta.url);
const { Plan } = require(join(pkg, 'dist/node.cjs'));

const planPath = join(root, 'examples/ae_quota_tiers.comp');
const period = '2026';
const data = workload(deals);
const dir = mkdtempSync(join(tmpdir(), 'commissio-bench-'));
writeFileSync(join(dir, 'payees.json'), JSON.stringify(data.payees));
writeFileSync(join(dir, 'deals.json'), JSON.stringify(data.deals));

const plan = Plan.parse(readFileSync(planPath, 'utf8'));
// CPU time of this (main) thread, from Linux's /proc/thread-self/schedstat; null elsewhere.
// Unlike wall-clock time it barely moves when other processes share the cores.
const cpuNs = () => {
  try {
    return BigInt(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
};
const cpuTimes = [];
const time = (f) => {
  const c = cpuNs();
  const t = process.hrtime.bigint();
  const r = f();
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const c2 = cpuNs();
  cpuTimes.push(c === null || c2 === null ? -1 : Number(c2 - c) / 1e6);
  return [wall, r];
};
for (let i = 0; i < 10; i++) plan.evaluate(data, period).free();
const times = [];
cpuTimes.length = 0;
let last;
for (let i = 0; i < runs; i++) {
  if (last) last.free();
  const [ms, r] = time(() => plan.evaluate(data, period));
  times.push(ms);
  last = r;
}
times.sort((a, b) => a - b);
const cpu = cpuTimes.slice().sort((a, b) => a - b);
// The same, then every line's trace read too (traces are fetched from the engine on first use).
const withTraces = [];
for (let i = 0; i < runs; i++) {
  const [ms, r] = time(() => {
    const r = plan.evaluate(data, period);
    if (r.lines.length > 0 && r.lines[r.lines.length - 1].trace.rule === undefined) throw new Error('no trace');
    return r;
  });
  withTraces.push(ms);
  r.free();
}
withTraces.sort((a, b) => a - b);
const node = { median_ms: times[times.length >> 1], min_ms: times[0], cpu_median_ms: cpu[cpu.length >> 1], lines: last.lines.length, grand_total: last.grandTotal };

const cargo = ['run', '--quiet', '--release', '--locked', '-p', 'commissio-wasm', '--example', 'bench_native', '--'];
const native = JSON.parse(
  execFileSync('cargo', [...cargo, planPath, dir, period, String(runs)], {
    cwd: root,
    env: { ...process.env, CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR || join(root, 'target') },
    encoding: 'utf8',
  }),
);
rmSync(dir, { recursive: true, force: true });
if (native.grand_total !== node.grand_total || native.lines !== node.lines) {
  console.error('Node and native disagree', { node, native });
  process.exit(1);
}
const ratio = node.median_ms / native.median_ms;
console.log(`deals: ${deals}, lines: ${node.lines}, grand total: ${node.grand_total}`);
console.log(`node (wasm): median ${node.median_ms.toFixed(1)} ms, min ${node.min_ms.toFixed(1)} ms, CPU median ${node.cpu_median_ms.toFixed(1)} ms`);
console.log(`node (wasm), every trace read too: median ${withTraces[withTraces.length >> 1].toFixed(1)} ms`);
console.log(`native:      median ${native.median_ms.toFixed(1)} ms, min ${native.min_ms.toFixed(1)} ms, CPU median ${native.cpu_median_ms.toFixed(1)} ms`);
console.log(`ratio node/native: wall median ${ratio.toFixed(2)}x, wall min ${(node.min_ms / native.min_ms).toFixed(2)}x` +
  (node.cpu_median_ms > 0 && native.cpu_median_ms > 0 ? `, CPU median ${(node.cpu_median_ms / native.cpu_median_ms).toFixed(2)}x` : ''));
