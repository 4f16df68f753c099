'use strict';
// Bad inputs through the CommonJS entry point: every failure is a clean JS error with a code,
// naming the plan position or the table, row and field; nothing panics and no internals leak.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Plan, check, format, CommissioError, PlanError, DataError, __internal } = require('commissio');

const PLAN = `plan "Typed" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money, units: integer, won: bool, closed: date }
  input payee { quota: money }
  component base { commission on credit.amount  rate 5% }
}
`;
const goodDeal = { id: 'D1', payee: 'A', date: '2026-02-01', amount: '100.00', units: 3, won: true, closed: '2026-02-01' };
const goodPayee = { id: 'A', quota: '1000.00' };

// Text that must never reach a user: Rust panic output, wasm internals, source paths.
const LEAKS = /panicked|unreachable|RuntimeError|wasm-function|__wbg|\.rs:\d|src\/|rust_begin_unwind|stack backtrace/i;

function dataError(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e && e.stack}`);
    assert.ok(e instanceof CommissioError && e instanceof Error);
    assert.equal(e.name, 'DataError');
    assert.equal(e.code, e.errors[0].code);
    assert.doesNotMatch(e.message, LEAKS);
    return e;
  }
  assert.fail('no error');
}

const plan = Plan.parse(PLAN);
const evaluate = (inputs) => plan.evaluate(inputs, '2026-Q1');

test('a plan error is a PlanError carrying the diagnostics', () => {
  const text = 'plan "x" {\n  currency USD\n  period quarter\n  effective 2026-01-01 to 2026-12-31\n  rounding half_even 2 per line\n  input deal { amount: money }\n  component a { commission on credit.amount rate 5% }\n  component a { commission on deal.nope rate 5% }\n}\n';
  assert.throws(
    () => Plan.parse(text),
    (e) => {
      assert.ok(e instanceof PlanError);
      assert.ok(e.diagnostics.length >= 2, JSON.stringify(e.diagnostics));
      assert.ok(e.diagnostics.every((d) => d.line === 8));
      assert.deepEqual(check(text), e.diagnostics);
      assert.doesNotMatch(e.message, LEAKS);
      return true;
    },
  );
});

test('bad data names the table, row and field', () => {
  const e = dataError(() =>
    evaluate({
      payees: [goodPayee],
      deals: [
        goodDeal,
        { ...goodDeal, id: 'D2', amount: '12.345' },
        { ...goodDeal, id: 'D3', units: '2.5' },
        { ...goodDeal, id: 'D4', won: 'yes' },
        { ...goodDeal, id: 'D5', closed: '2026-02-30' },
        { ...goodDeal, id: 'D6', payee: 'ghost' },
      ],
    }),
  );
  const got = e.errors.map((x) => [x.code, x.table, x.row, x.id, x.field]);
  assert.deepEqual(got, [
    ['D0103', 'deals', 2, 'D2', 'amount'],
    ['D0102', 'deals', 3, 'D3', 'units'],
    ['D0102', 'deals', 4, 'D4', 'won'],
    ['D0102', 'deals', 5, 'D5', 'closed'],
    ['D0202', 'deals', 6, 'D6', 'payee'],
  ]);
  assert.match(e.message, /^\[D0103\] deals row 2 \(id "D2"\), field "amount": /);
  assert.equal(e.omitted, 0);
});

test('missing values and columns', () => {
  let e = dataError(() => evaluate({ payees: [goodPayee], deals: [{ ...goodDeal, amount: null }] }));
  assert.deepEqual([e.code, e.errors[0].row, e.errors[0].field], ['D0104', 1, 'amount']);
  e = dataError(() => evaluate({ payees: [goodPayee], deals: [{ ...goodDeal, amount: undefined }] }));
  assert.deepEqual([e.code, e.errors[0].field], ['D0101', 'amount']);
  e = dataError(() => evaluate({ payees: [{ id: 'A' }], deals: [goodDeal] }));
  assert.deepEqual([e.code, e.errors[0].table, e.errors[0].field], ['D0101', 'payees', 'quota']);
});

test('garbage tables and rows', () => {
  const cases = [
    [{ payees: 'A', deals: [] }, 'D0002', 'payees', null, null],
    [{ payees: [goodPayee], deals: { 0: goodDeal } }, 'D0002', 'deals', null, null],
    [{ payees: [goodPayee], deals: [goodDeal, null] }, 'D0002', 'deals', 2, null],
    [{ payees: [goodPayee], deals: [goodDeal, [1, 2]] }, 'D0002', 'deals', 2, null],
    [{ payees: [goodPayee], deals: ['D1'] }, 'D0002', 'deals', 1, null],
    [{ payees: [goodPayee], deals: [new Map()] }, 'D0002', 'deals', 1, null],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, amount: { value: '1' } }] }, 'D0002', 'deals', 1, 'amount'],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, amount: ['1'] }] }, 'D0002', 'deals', 1, 'amount'],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, closed: new Date(0) }] }, 'D0102', 'deals', 1, 'closed'],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, amount: () => 1 }] }, 'D0102', 'deals', 1, 'amount'],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, amount: Symbol('x') }] }, 'D0102', 'deals', 1, 'amount'],
    // A number that is not a safe integer is refused by the rule for host numbers (D0102).
    [{ payees: [goodPayee], deals: [{ ...goodDeal, amount: 1e300 }] }, 'D0102', 'deals', 1, 'amount'],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, amount: '1e3' }] }, 'D0102', 'deals', 1, 'amount'],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, amount: '9'.repeat(40) }] }, 'D0105', 'deals', 1, 'amount'],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, amount: 10n ** 40n }] }, 'D0105', 'deals', 1, 'amount'],
    [{ payees: [goodPayee], deals: [{ ...goodDeal, units: 2 ** 60 }] }, 'D0102', 'deals', 1, 'units'],
    [{ payees: [goodPayee], deals: [goodDeal], credits: 'all' }, 'D0002', 'credits', null, null],
    [{ deals: [goodDeal] }, 'D0002', 'payees', null, null],
  ];
  for (const [inputs, code, table, row, field] of cases) {
    const e = dataError(() => evaluate(inputs));
    const d = e.errors[0];
    assert.deepEqual([d.code, d.table, d.row, d.field], [code, table, row, field], JSON.stringify(d));
  }
});

test('a D0105 that the core finds keeps its code', () => {
  // The core refuses exponents and out-of-range decimals in text too.
  const e = dataError(() => evaluate({ payees: [goodPayee], deals: [{ ...goodDeal, amount: '123456789012345678901234567890' }] }));
  assert.ok(['D0105', 'D0102'].includes(e.code));
});

test('every problem is listed, up to 100, the rest counted', () => {
  const deals = Array.from({ length: 150 }, (_, i) => ({ ...goodDeal, id: `D${i}`, amount: 'x' }));
  const e = dataError(() => evaluate({ payees: [goodPayee], deals }));
  assert.equal(e.errors.length, 100);
  assert.equal(e.omitted, 50);
  assert.equal(
    e.message,
    '[D0102] deals row 1 (id "D0"), field "amount": expected money, got "x" (and 149 more errors)',
  );
  const js = Array.from({ length: 150 }, (_, i) => ({ ...goodDeal, id: `D${i}`, amount: NaN }));
  const f = dataError(() => evaluate({ payees: [goodPayee], deals: js }));
  assert.deepEqual([f.errors.length, f.omitted], [100, 50]);
});

test('wrong argument types are TypeErrors', () => {
  assert.throws(() => Plan.parse(42), TypeError);
  assert.throws(() => Plan.parse(), TypeError);
  assert.throws(() => check(null), TypeError);
  assert.throws(() => format({}), TypeError);
  assert.throws(() => plan.evaluate(null, '2026-Q1'), TypeError);
  assert.throws(() => plan.evaluate([], '2026-Q1'), TypeError);
  assert.throws(() => plan.evaluate({ payees: [], deals: [], credit: [] }, '2026-Q1'), /unknown table "credit"/);
  assert.throws(() => plan.evaluate({ payees: [], deals: [] }, 2026), TypeError);
  assert.throws(() => plan.explain({ lines: [] }, 'A'), TypeError);
  assert.throws(() => plan.explain(plan.evaluate({ payees: [goodPayee], deals: [] }, '2026-Q1'), 5), TypeError);
  assert.throws(() => plan.payCurve({ payees: [], deals: [] }, 'A', '2026-Q1', 'fast'), TypeError);
});

test('100,000-deep parentheses are a plan error (E0003), not a crash', () => {
  const deep = `plan "x" {\n  measure m = ${'('.repeat(100000)}1${')'.repeat(100000)}\n}\n`;
  assert.throws(
    () => Plan.parse(deep),
    (e) => e instanceof PlanError && e.code === 'E0003' && e.diagnostics[0].line === 2,
  );
  assert.equal(check(deep)[0].code, 'E0003');
  assert.throws(() => format(deep), (e) => e instanceof PlanError && e.code === 'E0003');
  const ifs = `plan "x" {\n  measure m = ${'if true then '.repeat(5000)}1${' else 0'.repeat(5000)}\n}\n`;
  assert.throws(() => Plan.parse(ifs), (e) => e instanceof PlanError && e.code === 'E0003');
});

test('oversized and odd plan text are plan errors', () => {
  const huge = `plan "x" {\n${'# padding padding padding padding padding padding\n'.repeat(30000)}}\n`;
  assert.ok(huge.length > 1024 * 1024);
  assert.throws(() => Plan.parse(huge), (e) => e instanceof PlanError && /^E\d{4}$/.test(e.code));
  for (const text of ['', '\u0000', '\uFEFFplan', '}'.repeat(1000), 'plan "\uD800" {}', '😀'.repeat(10000)]) {
    assert.throws(() => Plan.parse(text), PlanError);
    assert.ok(Array.isArray(check(text)));
  }
});

test('random bytes never crash the engine', () => {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const alphabet = 'plan "x" { } [ ] ( ) , .. % 0 1 5 _ a z measure component rate tiers if then else\n#€😀\u0000';
  for (let i = 0; i < 300; i++) {
    let text = '';
    const n = rnd() % 200;
    for (let j = 0; j < n; j++) text += alphabet[rnd() % alphabet.length];
    try {
      Plan.parse(text);
    } catch (e) {
      assert.ok(e instanceof PlanError, `${JSON.stringify(text)}: ${e && e.stack}`);
    }
  }
  // Still working afterwards.
  assert.equal(evaluate({ payees: [goodPayee], deals: [goodDeal] }).grandTotal, '5.00');
});

test('an engine trap is a clean internal error and the engine recovers', () => {
  const before = evaluate({ payees: [goodPayee], deals: [goodDeal] });
  assert.throws(
    () => __internal.trap(),
    (e) => {
      assert.ok(e instanceof CommissioError);
      assert.equal(e.code, 'X0001');
      assert.doesNotMatch(e.message, LEAKS);
      return true;
    },
  );
  // Plans made before keep working (they are rebuilt from their text); results made before
  // say they are stale.
  const after = evaluate({ payees: [goodPayee], deals: [goodDeal] });
  assert.equal(after.grandTotal, '5.00');
  assert.match(plan.explain(after, 'A'), /5\.00/);
  assert.throws(() => plan.explain(before, 'A'), (e) => e.code === 'X0003');
  assert.equal(Plan.parse(PLAN).name, 'Typed');
});

test('a lone surrogate is a data error at its cell, never a silent U+FFFD', () => {
  for (const payee of ['A\ud800', '\udc00A', 'A\ud800\ud800']) {
    const e = dataError(() => evaluate({ payees: [goodPayee], deals: [{ ...goodDeal, payee }] }));
    assert.deepEqual(
      e.errors.map((x) => [x.code, x.table, x.row, x.id, x.field, x.message]),
      [['D0102', 'deals', 1, 'D1', 'payee', 'text with a lone surrogate is not valid Unicode and cannot be read']],
    );
  }
  // A well-formed pair (an emoji) is text like any other: here an unknown payee.
  const e = dataError(() => evaluate({ payees: [goodPayee], deals: [{ ...goodDeal, payee: 'A\ud83d\ude00' }] }));
  assert.deepEqual([e.code, e.errors[0].field], ['D0202', 'payee']);
});

test('no payees means every owner is unknown (not an inconsistent dataset)', () => {
  const e = dataError(() => evaluate({ payees: [], deals: [goodDeal] }));
  assert.deepEqual(
    e.errors.map((x) => [x.code, x.table, x.row, x.field, x.message]),
    [['D0202', 'deals', 1, 'payee', 'unknown payee "A" (no payee has this id)']],
  );
});
