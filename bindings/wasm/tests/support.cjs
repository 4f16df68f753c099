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

/** What a case produced, in the shape of its `expect` block (like tests/support.rs). */
function run(api, c) {
  try {
    const plan = api.Plan.parse(c.plan);
    const inputs = { payees: c.spec.payees, deals: c.spec.deals };
    if ('credits' in c.spec) inputs.credits = c.spec.credits;
    if ('quotas' in c.spec) inputs.quotas = c.spec.quotas;
    if ('managers' in c.spec) inputs.managers = c.spec.managers;
    const r = plan.evaluate(inputs, c.spec.period);
    const out = {
      lines: sorted(r.lines.map((l) => ({ payee: l.payee, period: l.period, component: l.component, deal: l.deal, amount: l.amount }))),
      totals: sorted(r.totals.map((t) => ({ payee: t.payee, period: t.period, amount: t.amount }))),
    };
    r.free();
    plan.free();
    return out;
  } catch (e) {
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
    throw e;
  }
}

/** The case's `expect` block with lines and totals sorted like `run`. */
function expected(c) {
  const e = JSON.parse(JSON.stringify(c.spec.expect));
  for (const key of ['lines', 'totals']) if (Array.isArray(e[key])) e[key] = sorted(e[key]);
  return e;
}

/** Registers one test per corpus case with node:test. */
function corpusTests(api, test, assert, label) {
  const all = cases();
  test(`${label}: the corpus is all there`, () => {
    assert.ok(all.length >= 50, `expected the full corpus, found ${all.length} cases in ${corpusDir}`);
  });
  for (const c of all) {
    test(`${label}: ${c.name}`, () => {
      const got = run(api, c);
      const want = expected(c);
      if (want.data_error && got.data_error && !('field' in want.data_error)) delete got.data_error.field;
      assert.deepStrictEqual(JSON.parse(canonical(got)), JSON.parse(canonical(want)));
    });
  }
}

module.exports = { cases, run, expected, canonical, corpusTests, corpusDir };
