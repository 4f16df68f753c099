'use strict';
// Shared by the package tests. They run in a fresh project where the packed package is
// installed (bindings/wasm/test.sh), so `commissio` is the artefact users get.
const fs = require('node:fs');
const path = require('node:path');

const corpusDir = process.env.COMMISSIO_CORPUS || path.resolve(__dirname, '../../../tests/corpus');

/** Every case of the conformance corpus (tests/corpus/README.md), sorted by folder name. */
function cases() {
  return fs
    .readdirSync(corpusDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => ({
      name,
      plan: fs.readFileSync(path.join(corpusDir, name, 'plan.comp'), 'utf8'),
      spec: JSON.parse(fs.readFileSync(path.join(corpusDir, name, 'case.json'), 'utf8')),
    }));
}

// Canonical JSON (keys sorted) so that sets of objects compare regardless of key order.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const sorted = (items) => items.slice().sort((a, b) => (canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0));

// A case row as JavaScript hands it over: a host-number marker `{"$number": text}`
// (tests/corpus/README.md) is JavaScript's own number, `Number(text)` (the Rust runner checks
// that every marker is portable).
const isMarker = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.$number === 'string';
function hostRows(rows) {
  if (!Array.isArray(rows)) return rows;
  return rows.map((row) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return row;
    const out = {};
    for (const k of Object.keys(row)) out[k] = isMarker(row[k]) ? Number(row[k].$number) : row[k];
    return out;
  });
}

/**
 * What a case produced: `outcome` in the shape of its `expect` block (like tests/support.rs),
 * and `canonical`, the engine's canonical JSON of the results or of the error.
 */
function runCase(api, c) {
  let plan = null;
  try {
    plan = api.Plan.parse(c.plan);
    const inputs = { payees: hostRows(c.spec.payees), deals: hostRows(c.spec.deals) };
    if ('credits' in c.spec) inputs.credits = hostRows(c.spec.credits);
    if ('quotas' in c.spec) inputs.quotas = hostRows(c.spec.quotas);
    if ('managers' in c.spec) inputs.managers = hostRows(c.spec.managers);
    const r = plan.evaluate(inputs, c.spec.period);
    const outcome = {
      lines: sorted(r.lines.map((l) => ({ payee: l.payee, period: l.period, component: l.component, deal: l.deal, amount: l.amount }))),
      totals: sorted(r.totals.map((t) => ({ payee: t.payee, period: t.period, amount: t.amount }))),
    };
    const engineJson = r.canonicalJson();
    // Every line's trace replays to its amount, digit for digit (throws X0004 otherwise).
    const replayed = r.verifyTraces();
    if (replayed !== r.lines.length) throw new Error(`${replayed} of ${r.lines.length} lines replayed`);
    r.free();
    plan.free();
    return { outcome, canonical: engineJson };
  } catch (e) {
    if (plan !== null) plan.free();
    const engineJson = e instanceof api.CommissioError ? e.canonicalJson : null;
    if (e instanceof api.PlanError) {
      const d = e.diagnostics[0];
      return { outcome: { plan_error: { code: d.code, line: d.line, column: d.column } }, canonical: engineJson };
    }
    if (e instanceof api.DataError) {
      const d = e.errors[0];
      const o = { code: d.code, table: d.table, row: d.row };
      if (d.field !== null) o.field = d.field;
      return { outcome: { data_error: o }, canonical: engineJson };
    }
    if (e instanceof api.PeriodError) return { outcome: { period_error: e.message }, canonical: engineJson };
    if (e instanceof api.EvalError) return { outcome: { eval_error: { code: e.code } }, canonical: engineJson };
    throw e;
  }
}

/** What a case produced, in the shape of its `expect` block (like tests/support.rs). */
function run(api, c) {
  return runCase(api, c).outcome;
}

/**
 * Where a suite writes the canonical JSON of every case for the determinism check of
 * scripts/test.sh: `$COMMISSIO_DETERMINISM_DIR/<suite>`, else `target/determinism/<suite>`
 * in the repository (`programs/js` and `programs/js-cjs` for the program corpus). Emptied first.
 */
function determinismDir(suite) {
  const root =
    process.env.COMMISSIO_DETERMINISM_DIR ||
    path.join(process.env.COMMISSIO_ROOT || path.resolve(__dirname, '../../..'), 'target', 'determinism');
  const dir = path.join(root, suite);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The case's `expect` block with lines and totals sorted like `run`. */
function expected(c) {
  const e = JSON.parse(JSON.stringify(c.spec.expect));
  for (const key of ['lines', 'totals']) if (Array.isArray(e[key])) e[key] = sorted(e[key]);
  return e;
}

/**
 * Registers one test per corpus case with node:test; each writes the case's canonical JSON to
 * `determinismDir('js')` (ES module) or `determinismDir('js-cjs')` (CommonJS).
 */
function corpusTests(api, test, assert, label) {
  const all = cases();
  const out = determinismDir(label === 'esm' ? 'js' : `js-${label}`);
  test(`${label}: the corpus is all there`, () => {
    assert.ok(all.length >= 50, `expected the full corpus, found ${all.length} cases in ${corpusDir}`);
  });
  for (const c of all) {
    test(`${label}: ${c.name}`, () => {
      const { outcome: got, canonical: engineJson } = runCase(api, c);
      assert.equal(typeof engineJson, 'string', 'the engine gave no canonical JSON');
      fs.writeFileSync(path.join(out, `${c.name}.json`), engineJson);
      const want = expected(c);
      if (want.data_error && got.data_error && !('field' in want.data_error)) delete got.data_error.field;
      assert.deepStrictEqual(JSON.parse(canonical(got)), JSON.parse(canonical(want)));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Programs (tests/programs: several plans, an assignments table; like tests/program_support.rs)
// ---------------------------------------------------------------------------------------------

const programsDir = process.env.COMMISSIO_PROGRAMS || path.join(path.dirname(corpusDir), 'programs');

/** Every program case, sorted by folder name: its plan texts in program order and case.json. */
function programCases() {
  return fs
    .readdirSync(programsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const spec = JSON.parse(fs.readFileSync(path.join(programsDir, name, 'case.json'), 'utf8'));
      const plans = spec.plans.map((file) => ({ file, text: fs.readFileSync(path.join(programsDir, name, file), 'utf8') }));
      return { name, plans, spec };
    });
}

function errorOutcome(api, e) {
  if (e instanceof api.PlanError) {
    const d = e.diagnostics[0];
    return { plan_error: { code: d.code, line: d.line, column: d.column } };
  }
  if (e instanceof api.DataError) {
    const d = e.errors[0];
    const o = { code: d.code, table: d.table, row: d.row };
    if (d.field !== null) o.field = d.field;
    return { data_error: o };
  }
  if (e instanceof api.PeriodError) return { period_error: e.message };
  if (e instanceof api.EvalError) return { eval_error: { code: e.code } };
  return null;
}

/**
 * What a program case produced: `outcome` in the shape of its `expect` block (lines with their
 * plan and kind, the program's totals, or the error) and `canonical`, the engine's canonical
 * JSON of the program's results or of the error.
 */
function runProgramCase(api, c) {
  let program = null;
  try {
    program = api.Program.parse(c.plans.map((p) => p.text), { split: c.spec.split });
    const inputs = {
      payees: hostRows(c.spec.payees || []),
      deals: hostRows(c.spec.deals || []),
      assignments: hostRows(c.spec.assignments),
    };
    for (const t of ['credits', 'quotas', 'managers']) if (t in c.spec) inputs[t] = hostRows(c.spec[t]);
    const r = program.evaluate(inputs, c.spec.period);
    const lines = [];
    for (const p of r.plans) {
      for (const l of p.results.lines) {
        lines.push({ plan: p.name, payee: l.payee, period: l.period, component: l.component, deal: l.deal, kind: l.kind, amount: l.amount });
      }
      // Every line's trace replays to its amount, digit for digit (throws X0004 otherwise).
      const replayed = p.results.verifyTraces();
      if (replayed !== p.results.lines.length) throw new Error(`plan ${p.name}: ${replayed} of ${p.results.lines.length} lines replayed`);
    }
    const total = r.verifyTraces();
    if (total !== lines.length) throw new Error(`${total} of ${lines.length} lines replayed`);
    const outcome = {
      lines: sorted(lines),
      totals: sorted(r.totals.map((t) => ({ payee: t.payee, period: t.period, amount: t.amount }))),
    };
    const engineJson = r.canonicalJson();
    r.free();
    program.free();
    return { outcome, canonical: engineJson };
  } catch (e) {
    if (program !== null) program.free();
    const outcome = errorOutcome(api, e);
    if (outcome === null) throw e;
    return { outcome, canonical: e.canonicalJson };
  }
}

/**
 * Registers one test per program case; each writes the case's canonical JSON to
 * `determinismDir('programs/js')` (ES module) or `determinismDir('programs/js-cjs')`.
 */
function programTests(api, test, assert, label) {
  const all = programCases();
  const out = determinismDir(label === 'esm' ? 'programs/js' : `programs/js-${label}`);
  test(`${label}: the program corpus is all there`, () => {
    assert.ok(all.length >= 20, `expected the program corpus, found ${all.length} cases in ${programsDir}`);
  });
  for (const c of all) {
    test(`${label}: program ${c.name}`, () => {
      const { outcome: got, canonical: engineJson } = runProgramCase(api, c);
      assert.equal(typeof engineJson, 'string', 'the engine gave no canonical JSON');
      fs.writeFileSync(path.join(out, `${c.name}.json`), engineJson);
      const want = expected(c);
      if (want.data_error && got.data_error && !('field' in want.data_error)) delete got.data_error.field;
      assert.deepStrictEqual(JSON.parse(canonical(got)), JSON.parse(canonical(want)));
    });
  }
}

module.exports = {
  cases,
  run,
  runCase,
  expected,
  canonical,
  corpusTests,
  corpusDir,
  determinismDir,
  programCases,
  runProgramCase,
  programTests,
  programsDir,
};
