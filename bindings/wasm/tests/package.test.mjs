// The package as installed: exports map, files, types (no `any`, strict type-check as ES
// module and CommonJS), the browser entry point, and the size of the wasm module.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import support from './support.cjs';

const require = createRequire(import.meta.url);
const pkgJson = require.resolve('commissio/package.json');
const pkgDir = dirname(pkgJson);
const pkg = JSON.parse(readFileSync(pkgJson, 'utf8'));

test('the exports map sends import and require to the Node entry points', () => {
  assert.equal(fileURLToPath(import.meta.resolve('commissio')), join(pkgDir, 'dist/node.mjs'));
  assert.equal(require.resolve('commissio'), join(pkgDir, 'dist/node.cjs'));
  const root = pkg.exports['.'];
  assert.equal(root.node.import.default, './dist/node.mjs');
  assert.equal(root.node.require.default, './dist/node.cjs');
  assert.equal(root.browser.default, './dist/browser.mjs');
  assert.equal(root.default.default, './dist/browser.mjs');
  for (const target of [root.node.import, root.node.require, root.browser, root.import, root.default]) {
    assert.ok(existsSync(join(pkgDir, target.types)), target.types);
    assert.ok(existsSync(join(pkgDir, target.default)), target.default);
  }
  assert.equal(fileURLToPath(import.meta.resolve('commissio/commissio_wasm_bg.wasm')), join(pkgDir, 'dist/commissio_wasm_bg.wasm'));
});

test('the package holds only what users need', () => {
  const files = readdirSync(join(pkgDir, 'dist')).sort();
  assert.deepEqual(files, [
    'api.cjs',
    'api.mjs',
    'browser.mjs',
    'commissio_wasm_bg.wasm',
    'glue.cjs',
    'glue.mjs',
    'index.d.cts',
    'index.d.ts',
    'node.cjs',
    'node.mjs',
  ]);
  assert.ok(existsSync(join(pkgDir, 'README.md')));
});

// 371 KB until the exactness checks of issue 16 (num-bigint for wide operands, exact sums and
// roundings) and the shared table readers added about 37 KB (408 KB on 2026-12-04). Programs
// (issue 18: the assignments table's checks, the program evaluation and its canonical JSON,
// the binding's Program) added 32,382 bytes: 437,754 → 470,136 bytes gzipped (level 9) on
// 2026-12-05, so the limit went from 430 to 465 KB (the cost rounded up to the next 5 KB).
// The same day the trace JSON's true-up, interpolation and accrual parts (issue 17) and the
// program checks that followed brought it to 477,855 bytes: the limit is 475 KB. The next
// feature should win bytes back first (the wasm build's unused core code, serde views).
test('the wasm module is under 475 KB gzipped', (t) => {
  const wasm = readFileSync(join(pkgDir, 'dist/commissio_wasm_bg.wasm'));
  const gz = gzipSync(wasm, { level: 9 }).length;
  t.diagnostic(`commissio_wasm_bg.wasm: ${wasm.length} bytes, ${gz} bytes gzipped (level 9)`);
  assert.ok(gz < 475 * 1024, `${gz} bytes gzipped`);
});

test('the public types contain no `any`', () => {
  for (const f of ['index.d.ts', 'index.d.cts']) {
    const text = readFileSync(join(pkgDir, 'dist', f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(text, /\bany\b/, f);
    assert.doesNotMatch(text, /\bFunction\b|\bObject\b(?!\.)/, f);
  }
});

const ESM_PROGRAM = `
import commissio, { Plan, Results, check, format, curveSvg, init, PlanError, DataError, EvalError,
  Program, ProgramResults, type Decimal, type Diagnostic, type Line, type CurvePoint, type Inputs,
  type ProgramInputs, type SplitRule } from 'commissio';
await init();
const plan: Plan = Plan.parse('plan "x" {}');
const inputs: Inputs = { payees: [{ id: 'A', quota: 100n }], deals: [{ id: 'D', amount: '1.00', won: true, n: 2 }] };
const r: Results = plan.evaluate(inputs, '2026-Q1');
const amount: Decimal = r.lines[0].amount;
const line: Line = r.lines[0];
const rate: string | null = line.trace.rate;
const total: Decimal | null = r.total('A', '2026-Q1');
const why: string | null = plan.explain(r, 'A', 'D');
const points: CurvePoint[] = plan.payCurve(inputs, 'A', '2026-Q1', { from: '0', to: 2, step: '0.1' });
const svg: string = curveSvg(points, 'title');
const data: readonly Line[] = r.toJSON().lines;
const diags: Diagnostic[] = check('plan');
const col: number = diags[0].columnUtf16;
const text: string = format('plan "x" {}');
try { Plan.parse('x'); } catch (e) {
  if (e instanceof PlanError) { const d: readonly Diagnostic[] = e.diagnostics; console.log(d[0].hint); }
  if (e instanceof DataError) { console.log(e.errors[0].row, e.errors[0].field, e.omitted); }
  if (e instanceof EvalError) { console.log(e.source?.line, e.payee); }
}
const split: SplitRule = 'credit_dates';
const program: Program = Program.parse(['plan "x" {}', 'plan "y" {}'], { split });
const names: readonly string[] = program.names;
const pin: ProgramInputs = { ...inputs, assignments: [{ payee: 'A', plan: 'x', from: '2026-01-01', weight: '0.5' }] };
const pr: ProgramResults = program.evaluate(pin, '2026-Q1', { maxRows: 10 });
const planResults: Results = pr.plans[0].results;
const programTotal: Decimal | null = pr.total('A', '2026-Q1');
const share: Decimal | undefined = planResults.lines[0].trace.assignment?.fraction;
const story: string | null = program.explain(pr, 'A');
const md: string | null = program.statement(pr, 'A');
const n: number = pr.verifyTraces();
const canon: string = pr.canonicalJson();
try { program.evaluate(pin, '2026'); } catch (e) {
  if (e instanceof DataError) { const at: number | null = e.planIndex; const p: string | null = e.plan; console.log(at, p); }
}
console.log(amount, rate, total, why, svg, col, text, data, commissio.version(), names, programTotal, share, story, md, n, canon);
`;

const CJS_PROGRAM = `
import commissio = require('commissio');
const plan = commissio.Plan.parse('plan "x" {}');
const r = plan.evaluate({ payees: [], deals: [] }, '2026');
const g: string = r.grandTotal;
const e: typeof commissio.PlanError = commissio.PlanError;
console.log(g, e, commissio.check('').length);
export {};
`;

// Misuses that strict types must refuse (each must fail to compile on its own).
const MISUSES = [
  `import { Program } from 'commissio'; Program.parse(['plan "x" {}']);`,
  `import { Program } from 'commissio'; Program.parse(['plan "x" {}'], { split: 'weeks' });`,
  `import { Program } from 'commissio'; Program.parse(['plan "x" {}'], { split: 'days' }).evaluate({ payees: [], deals: [] }, '2026');`,
  `import { Program } from 'commissio'; const s: string = Program.parse([], { split: 'days' }).evaluate({ payees: [], deals: [], assignments: [] }, '2026').total('A', '2026') ;`,
  `import { Plan } from 'commissio'; Plan.parse('').evaluate({ payees: [], deals: [] }, 2026);`,
  `import { Plan } from 'commissio'; const n: number = Plan.parse('').evaluate({ payees: [], deals: [] }, '2026').grandTotal;`,
  `import { Plan } from 'commissio'; Plan.parse('').evaluate({ payees: [{ id: { nested: 1 } }], deals: [] }, '2026');`,
  `import { Plan } from 'commissio'; Plan.parse('').evaluate({ payee: [], deals: [] }, '2026');`,
  `import { Plan } from 'commissio'; new Plan();`,
  `import { check } from 'commissio'; const s: string = check('')[0].line;`,
  `import { PlanError } from 'commissio'; new PlanError();`,
  `import { Plan } from 'commissio'; const l: number = Plan.parse('').evaluate({ payees: [], deals: [] }, '2026').toJSON().lines[0].trace.rounded;`,
];

function tsc(dir, files) {
  const bin = require.resolve('typescript/bin/tsc');
  const args = [
    bin, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--lib', 'es2022,dom', '--skipLibCheck', 'false', ...files.map((f) => join(dir, f)),
  ];
  try {
    execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, out: '' };
  } catch (e) {
    return { ok: false, out: `${e.stdout}${e.stderr}` };
  }
}

test('the types check a strict program, as ES module and as CommonJS', () => {
  const dir = mkdtempSync(join(dirname(pkgDir), '..', 'ts-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(dir, 'esm.mts'), ESM_PROGRAM);
    writeFileSync(join(dir, 'cjs.cts'), CJS_PROGRAM);
    const r = tsc(dir, ['esm.mts', 'cjs.cts']);
    assert.ok(r.ok, r.out);
    MISUSES.forEach((m, i) => {
      writeFileSync(join(dir, `bad${i}.mts`), m);
      const res = tsc(dir, [`bad${i}.mts`]);
      assert.ok(!res.ok, `compiled but should not: ${m}`);
      assert.match(res.out, /error TS\d+/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the browser entry point: init first, then the same answers as Node', async () => {
  const browser = await import(pathToFileURL(join(pkgDir, 'dist/browser.mjs')).href);
  assert.throws(() => browser.Plan.parse('plan "x" {}'), /await init\(\)/);
  browser.initSync(readFileSync(join(pkgDir, 'dist/commissio_wasm_bg.wasm')));
  browser.initSync(new Uint8Array(0)); // a second call is a no-op
  await browser.init();
  const node = require('commissio');
  assert.notEqual(browser.Plan, node.Plan);
  for (const c of support.cases().slice(0, 60)) {
    assert.deepEqual(support.run(browser, c), support.run(node, c), c.name);
  }
  assert.equal(browser.default.Plan, browser.Plan);
});
