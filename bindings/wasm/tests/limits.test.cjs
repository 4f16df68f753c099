'use strict';
// The documented limits (docs/language.md §14) through the installed package, at and one
// beyond each, with the exact code, message and place: plan size (E0002), nesting depth and
// operators per statement (E0003), rows per tier table (E0008), components per plan (E0009),
// rows per input table (D0108, lowered with `maxRows`). The values are those of every other
// platform: the wasm32 module links an 8 MiB stack (bindings/wasm/build.rs) so that depth 64
// and 256 operators evaluate here too. The plans are the conformance cases 09x-limit-*; the
// Rust, CLI and Python suites test the same values.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Plan, check, format, DataError, PlanError } = require('commissio');
const { corpusDir } = require('./support.cjs');

const text = (name) => fs.readFileSync(path.join(corpusDir, name, 'plan.comp'), 'utf8');
const spec = (name) => JSON.parse(fs.readFileSync(path.join(corpusDir, name, 'case.json'), 'utf8'));

const PLAN_LIMITS = [
  // [at the limit, one beyond, code, message, line, column]
  ['090-limit-depth-64', '091-limit-depth-65', 'E0003', 'nesting is deeper than the limit of 64 levels', 13, 1077],
  ['092-limit-operators-256', '093-limit-operators-257', 'E0003', 'this statement has more than 256 operators', 12, 4129],
  ['094-limit-tier-rows-1000', '095-limit-tier-rows-1001', 'E0008', 'the tier table has more than 1000 rows', 1013, 7],
  ['096-limit-components-256', '097-limit-components-257', 'E0009', 'the plan has more than 256 components', 266, 13],
];

for (const [at, beyond, code, message, line, column] of PLAN_LIMITS) {
  test(`${code}: ${at} is accepted, ${beyond} is refused at line ${line}, column ${column}`, () => {
    assert.deepEqual(check(text(at)), []);
    Plan.parse(text(at)).free();
    assert.throws(
      () => Plan.parse(text(beyond)),
      (e) => {
        assert.ok(e instanceof PlanError);
        assert.equal(e.code, code);
        assert.equal(e.diagnostics.length, 1);
        const d = e.diagnostics[0];
        assert.deepEqual([d.code, d.message, d.line, d.column], [code, message, line, column]);
        return true;
      },
    );
    assert.deepEqual(check(text(beyond)).map((d) => d.code), [code]);
  });
}

test('depth 64 and 256 operators evaluate, format and check on wasm32, in every shape', () => {
  for (const [name, total] of [
    ['090-limit-depth-64', '362.00'],
    ['092-limit-operators-256', '133.45'],
    ['098-limit-depth-and-operators', '133.45'],
    ['099-limit-deep-shapes', '110.00'],
  ]) {
    const s = spec(name);
    const plan = Plan.parse(text(name));
    assert.equal(format(text(name)), plan.format(), name);
    const r = plan.evaluate({ payees: s.payees, deals: s.deals }, s.period);
    assert.equal(r.grandTotal, total, name);
    // The traces of the deepest expressions serialise too.
    assert.equal(JSON.parse(r.canonicalJson()).lines.length, s.expect.lines.length, name);
    r.free();
    plan.free();
  }
});

const FLAT = `plan "Flat" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  component base { commission on credit.amount  rate 5% }
}
`;

// FLAT and a comment line, `size` bytes in all, and the comment's length.
function padded(size) {
  const pad = size - FLAT.length - '# \n'.length;
  const t = `${FLAT}# ${'x'.repeat(pad)}\n`;
  assert.equal(Buffer.byteLength(t, 'utf8'), size);
  return [t, pad];
}

test('E0002: a plan of exactly 1 MiB is accepted, one byte more is refused', () => {
  Plan.parse(padded(1 << 20)[0]).free();
  const [t, pad] = padded((1 << 20) + 1);
  assert.throws(
    () => Plan.parse(t),
    (e) => {
      assert.ok(e instanceof PlanError);
      const d = e.diagnostics[0];
      // The span starts at the first byte beyond the limit: the comment line's newline.
      assert.deepEqual(
        [d.code, d.message, d.line, d.column],
        ['E0002', 'the plan is 1048577 bytes; the limit is 1048576 bytes', FLAT.split('\n').length, pad + 3],
      );
      return true;
    },
  );
});

const payees = [{ id: 'A' }];
const deals = (n) =>
  Array.from({ length: n }, (_, i) => ({ id: `D${i + 1}`, payee: 'A', date: '2026-02-01', amount: '100.00' }));

test('D0108: maxRows at and one beyond, with the canonical JSON of the error', () => {
  const plan = Plan.parse(FLAT);
  assert.equal(plan.evaluate({ payees, deals: deals(3) }, '2026-Q1', { maxRows: 3 }).grandTotal, '15.00');
  // The default limit (50,000,000) is far away.
  assert.equal(plan.evaluate({ payees, deals: deals(4) }, '2026-Q1').grandTotal, '20.00');
  assert.throws(
    () => plan.evaluate({ payees, deals: deals(4) }, '2026-Q1', { maxRows: 3 }),
    (e) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.code, 'D0108');
      assert.deepEqual(e.errors, [
        {
          code: 'D0108',
          table: 'deals',
          row: 4,
          id: null,
          field: null,
          expected: null,
          message: 'the table has 4 rows; the limit is 3 rows per table',
        },
      ]);
      assert.equal(e.message, '[D0108] deals row 4: the table has 4 rows; the limit is 3 rows per table');
      assert.equal(
        e.canonicalJson,
        '{"kind":"data","code":"D0108","summary":"[D0108] deals row 4: the table has 4 rows; the limit is 3 rows per table",' +
          '"errors":[{"code":"D0108","table":"deals","row":4,"id":null,"field":null,' +
          '"expected":null,"message":"the table has 4 rows; the limit is 3 rows per table"}],"omitted":0}',
      );
      return true;
    },
  );
  // Above the engine's limit, the engine's limit applies.
  assert.equal(plan.evaluate({ payees, deals: deals(2) }, '2026-Q1', { maxRows: 1e12 }).grandTotal, '10.00');
  for (const bad of [-1, 1.5, '3', null, Number.NaN]) {
    assert.throws(() => plan.evaluate({ payees, deals: deals(1) }, '2026-Q1', { maxRows: bad }), TypeError);
  }
  assert.throws(() => plan.evaluate({ payees, deals: deals(1) }, '2026-Q1', { maxrows: 3 }), TypeError);
  assert.throws(() => plan.evaluate({ payees, deals: deals(1) }, '2026-Q1', 3), TypeError);
  plan.free();
});

test('refused JS numbers carry the canonical JSON shape too', () => {
  const plan = Plan.parse(FLAT);
  assert.throws(
    () => plan.evaluate({ payees, deals: [{ id: 'D1', payee: 'A', date: '2026-02-01', amount: Number.NaN }] }, '2026-Q1'),
    (e) => {
      assert.ok(e instanceof DataError);
      const summary =
        '[D0102] deals row 1 (id "D1"), field "amount": binary floating-point number NaN refused: binary floating point cannot hold ' +
        'most decimals exactly (0.1 is not one tenth), so it is never read as money, a rate or an id; pass the decimal as a string such as "1250.00"';
      assert.equal(e.message, summary);
      assert.deepEqual(JSON.parse(e.canonicalJson), { kind: 'data', code: 'D0102', summary, errors: e.errors, omitted: 0 });
      return true;
    },
  );
  plan.free();
});
