// The public API, through the installed package (ES module entry point).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import commissio, {
  Plan,
  Results,
  Program,
  ProgramResults,
  check,
  format,
  curveSvg,
  version,
  init,
  CommissioError,
  PlanError,
  DataError,
  PeriodError,
  EvalError,
} from 'commissio';

const require = createRequire(import.meta.url);
const root = process.env.COMMISSIO_ROOT || new URL('../../../..', import.meta.url).pathname;

const FLAT = `plan "Flat" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  component base { commission on credit.amount  rate 5% }
}
`;

const AE = readFileSync(join(root, 'examples/ae_quota_tiers.comp'), 'utf8');
const payees = [{ id: 'rep', quota: '400000.00', target_incentive: '80000.00' }];
const deal = (amount, extra = {}) => ({
  id: 'NEW',
  payee: 'rep',
  date: '2026-02-15',
  amount,
  product: 'Platform',
  new_logo: true,
  ...extra,
});

test('Plan.parse, name, currency, info', () => {
  const plan = Plan.parse(AE);
  assert.equal(plan.name, 'Account Executive FY2026');
  assert.equal(plan.currency, 'USD');
  assert.equal(plan.source, AE);
  const v = plan.info.versions[0];
  assert.equal(v.period, 'quarter');
  assert.equal(v.minorUnits, 2);
  assert.deepEqual(v.effective, { start: '2026-01-01', end: '2026-12-31' });
  assert.deepEqual(v.components, ['core', 'platform_spiff', 'kicker']);
  assert.deepEqual(
    v.inputs.deal.map((f) => [f.name, f.type]),
    [
      ['amount', 'money'],
      ['product', 'text'],
      ['new_logo', 'bool'],
    ],
  );
  assert.deepEqual(v.inputs.dealColumns, { id: 'id', payee: 'payee', date: 'date' });
  assert.throws(() => new Plan(), TypeError);
});

test('evaluate: lines, totals, component totals, periods, grand total as decimal strings', () => {
  const plan = Plan.parse(AE);
  // 150,000 of 400,000 = 37.5% attainment: 150,000 x 2% = 3,000 x 1.2 (new logo) = 3,600.00,
  // plus the 250.00 Platform SPIFF.
  const r = plan.evaluate({ payees, deals: [deal('150000.00')] }, '2026-Q1');
  assert.ok(r instanceof Results);
  assert.deepEqual(
    r.lines.map((l) => [l.payee, l.period, l.component, l.deal, l.kind, l.share, l.amount]),
    [
      ['rep', '2026-Q1', 'core', 'NEW', 'deal', '1', '3600.00'],
      ['rep', '2026-Q1', 'platform_spiff', 'NEW', 'deal', '1', '250.00'],
    ],
  );
  assert.deepEqual(r.totals, [{ payee: 'rep', period: '2026-Q1', amount: '3850.00' }]);
  assert.deepEqual(r.componentTotals, [
    { payee: 'rep', period: '2026-Q1', component: 'core', amount: '3600.00' },
    { payee: 'rep', period: '2026-Q1', component: 'platform_spiff', amount: '250.00' },
  ]);
  assert.deepEqual(r.periods, ['2026-Q1']);
  assert.equal(r.grandTotal, '3850.00');
  assert.equal(r.total('rep', '2026-Q1'), '3850.00');
  assert.equal(r.total('rep', '2026-Q2'), null);
  for (const l of r.lines) {
    for (const k of ['share', 'amount']) assert.equal(typeof l[k], 'string');
  }
});

test('evaluate: traces are complete and carry decimals as strings', () => {
  const plan = Plan.parse(AE);
  const r = plan.evaluate({ payees, deals: [deal('300000.00')] }, '2026-Q1');
  const core = r.lines.find((l) => l.component === 'core');
  assert.equal(core.amount, '14400.00');
  const t = core.trace;
  assert.equal(t.rule, 'core');
  assert.equal(t.basis, '300000.00');
  assert.deepEqual(
    t.slices.map((s) => [s.band, Number(s.lo), Number(s.hi), s.rate]),
    [
      [0, 0, 200000, '0.02'],
      [1, 200000, 300000, '0.08'],
    ],
  );
  assert.equal(Number(t.slices[0].amount), 4000);
  assert.equal(Number(t.slices[1].amount), 8000);
  assert.deepEqual(
    t.multipliers.map((m) => m.factor),
    ['1.2'],
  );
  assert.equal(t.gates.length, 1);
  assert.equal(t.gates[0].pass, true);
  assert.deepEqual(t.rounding, { mode: 'half_even', scale: 2, stage: 'line' });
  assert.equal(t.rounded, '14400.00');
  // Both caps were checked and neither bound: 50% of the 80,000.00 target incentive for the
  // component, the whole target incentive for the plan.
  assert.deepEqual(
    t.limits.map((l) => [l.kind, l.level, l.component, Number(l.value), l.before, l.after]),
    [
      ['cap', 'period', 'core', 40000, '14400.00', '14400.00'],
      ['cap', 'total_period', '(plan)', 80000, '14400.00', '14400.00'],
    ],
  );
  // The trace's plan span points at the multiplier's text.
  const m = t.multipliers[0].source;
  assert.match(Buffer.from(AE).subarray(m.start, m.end).toString(), /multiply (by )?1\.2/);
  // toJSON carries the traces; a JSON round trip keeps every decimal string.
  const json = JSON.parse(JSON.stringify(r));
  assert.deepEqual(json.lines[0].trace, t);
  assert.deepEqual(Object.keys(json), ['lines', 'totals', 'componentTotals', 'periods', 'grandTotal']);
});

test('evaluate over a range and a year', () => {
  const plan = Plan.parse(FLAT);
  const deals = [
    { id: 'D1', payee: 'A', date: '2026-02-01', amount: '1000.30' },
    { id: 'D2', payee: 'A', date: '2026-05-01', amount: '2000.00' },
  ];
  const r = plan.evaluate({ payees: [{ id: 'A' }], deals }, '2026');
  assert.deepEqual(r.periods, ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  // 1000.30 x 5% = 50.015 → half-even → 50.02; 2000.00 x 5% = 100.00.
  assert.deepEqual(
    r.totals.map((t) => [t.period, t.amount]),
    [
      ['2026-Q1', '50.02'],
      ['2026-Q2', '100.00'],
    ],
  );
  assert.equal(r.grandTotal, '150.02');
  const h1 = plan.evaluate({ payees: [{ id: 'A' }], deals }, '2026-Q1..2026-Q2');
  assert.deepEqual(h1.periods, ['2026-Q1', '2026-Q2']);
});

test('empty tables: no deals is an empty result, credits and quotas may be empty or absent', () => {
  const plan = Plan.parse(FLAT);
  const r = plan.evaluate({ payees: [{ id: 'A' }], deals: [], credits: [], quotas: null }, '2026-Q1');
  assert.deepEqual(r.lines, []);
  assert.deepEqual(r.totals, []);
  assert.equal(r.grandTotal, '0');
});

test('credits split a deal', () => {
  const plan = Plan.parse(FLAT);
  const r = plan.evaluate(
    {
      payees: [{ id: 'A' }, { id: 'B' }],
      deals: [{ id: 'D1', payee: 'A', date: '2026-02-01', amount: '1000.00' }],
      credits: [
        { deal: 'D1', payee: 'A', share: '0.6' },
        { deal: 'D1', payee: 'B', share: '40%' },
      ],
    },
    '2026-Q1',
  );
  assert.deepEqual(
    r.lines.map((l) => [l.payee, l.share, l.amount]),
    [
      ['A', '0.6', '30.00'],
      ['B', '0.40', '20.00'],
    ],
  );
});

test('JS numbers in rows: a safe integer is that whole number', () => {
  const plan = Plan.parse(FLAT);
  const run = (amount) =>
    plan.evaluate({ payees: [{ id: 'A' }], deals: [{ id: 'D1', payee: 'A', date: '2026-02-01', amount }] }, '2026-Q1');
  assert.equal(run(1000).grandTotal, '50.00');
  assert.equal(run(-0).grandTotal, '0.00');
  // 2^53 - 1 x 5% = 450359962737049.55.
  assert.equal(run(Number.MAX_SAFE_INTEGER).grandTotal, '450359962737049.55');
  // A bigint is an exact whole number; a decimal string is exact.
  assert.equal(run(123456789012345678901234n).grandTotal, '6172839450617283945061.70');
  assert.equal(run('1000.30').grandTotal, '50.02');
  // Ids may be numbers too (their text).
  const r = plan.evaluate({ payees: [{ id: 7 }], deals: [{ id: 1, payee: 7, date: '2026-02-01', amount: '10' }] }, '2026-Q1');
  assert.deepEqual([r.lines[0].payee, r.lines[0].deal, r.lines[0].amount], ['7', '1', '0.50']);
  // A refused number in a column the plan does not read is never looked at.
  const extra = plan.evaluate({ payees: [{ id: 'A' }], deals: [{ id: 'D1', payee: 'A', date: '2026-02-01', amount: '10', probability: 0.5 }] }, '2026-Q1');
  assert.equal(extra.grandTotal, '0.50');
});

// The facade's message for a refused binary float, the same words in every binding.
const floatRefused = (text, example) =>
  `binary floating-point number ${text} refused: binary floating point cannot hold most decimals exactly ` +
  `(0.1 is not one tenth), so it is never read as money, a rate or an id; pass the decimal as a string such as "${example}"`;

test('JS numbers in rows: any other number is refused with the facade\'s words, naming row and field', () => {
  const plan = Plan.parse(FLAT);
  const bad = (amount, id = 'D1') => {
    try {
      plan.evaluate({ payees: [{ id: 'A' }], deals: [{ id: 'D0', payee: 'A', date: '2026-02-01', amount: '1' }, { id, payee: 'A', date: '2026-02-01', amount }] }, '2026-Q1');
    } catch (e) {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.errors.length, 1);
      const d = e.errors[0];
      // The engine places the error, so the id is the record's id whatever its JS type.
      assert.deepEqual([d.code, d.table, d.row, d.id, d.field, d.expected], ['D0102', 'deals', 2, String(id), 'amount', 'money']);
      assert.equal(e.message, `[D0102] deals row 2 (id "${String(id)}"), field "amount": ${d.message}`);
      assert.equal(JSON.parse(e.canonicalJson).errors[0].message, d.message);
      return d.message;
    }
    assert.fail(`accepted ${String(amount)}`);
  };
  assert.equal(bad(0.1), floatRefused('0.1', '0.1'));
  assert.equal(bad(1000.3), floatRefused('1000.3', '1000.3'));
  assert.equal(bad(0.1 + 0.2), floatRefused('0.30000000000000004', '0.30000000000000004'));
  assert.equal(bad(NaN), floatRefused('NaN', '1250.00'));
  assert.equal(bad(Infinity), floatRefused('Infinity', '1250.00'));
  assert.equal(bad(-Infinity), floatRefused('-Infinity', '1250.00'));
  assert.equal(bad(2 ** 53), floatRefused('9007199254740992.0', '9007199254740992.0'));
  assert.equal(bad(1e21), floatRefused('1e+21', '1250.00'));
  assert.equal(bad(1e-7), floatRefused('1e-7', '1250.00'));
  // A refused number in a row with a bigint is found too (the row is rewritten for both).
  assert.equal(bad(0.5, 12n), floatRefused('0.5', '0.5'));
});

test('explain and statement', () => {
  const plan = Plan.parse(AE);
  const r = plan.evaluate({ payees, deals: [deal('300000.00')] }, '2026-Q1');
  const text = plan.explain(r, 'rep', 'NEW');
  assert.match(text, /core · deal NEW: 14,400\.00/);
  assert.match(text, /200,000\.00 × 2% = 4,000\.00/);
  assert.match(text, /100,000\.00 × 8% = 8,000\.00/);
  assert.match(text, /multiplied by 1\.2/);
  assert.match(plan.explain(r, 'rep'), /total rep 2026-Q1: 14,650\.00/);
  assert.equal(plan.explain(r, 'nobody'), null);
  assert.equal(plan.explain(r, 'rep', 'NO-SUCH-DEAL'), null);
  const md = plan.statement(r, 'rep');
  assert.match(md, /^# Commission statement: rep/m);
  assert.match(md, /Total 2026-Q1: 14,650\.00 USD/);
  assert.equal(plan.statement(r, 'nobody'), null);
  r.free();
  assert.throws(() => plan.explain(r, 'rep'), TypeError);
  r.free(); // twice is fine
});

test('pay curve and its SVG', () => {
  const plan = Plan.parse(AE);
  const inputs = { payees: [{ id: 'rep', quota: '100000.00', target_incentive: '20000.00' }], deals: [] };
  const points = plan.payCurve(inputs, 'rep', '2026-Q1', { from: '0', to: '2', step: '0.2' });
  assert.equal(points.length, 11);
  const at = (a) => points.find((p) => p.attainment === a);
  // 100%: 50,000 x 2% + 50,000 x 8% = 5,000. 120%: + 20,000 x 12% + the 2,000 kicker = 9,400.
  // 20%: the gate (>= 25%) fails. 200%: core capped at 50% of 20,000, + kicker = 12,000.
  assert.deepEqual(at('1.0'), { attainment: '1.0', credited: '100000.000', payout: '5000.00' });
  assert.equal(at('1.2').payout, '9400.00');
  assert.equal(at('0.2').payout, '0.00');
  assert.equal(Number(at('2.0').payout), 12000);
  for (const p of points) for (const k of ['attainment', 'credited', 'payout']) assert.equal(typeof p[k], 'string');
  // Defaults: 0 to 2 by 0.05; numbers for the bounds under the rule for host numbers: a safe
  // integer is that whole number, any other number is an A0001 in the facade's words.
  assert.equal(plan.payCurve(inputs, 'rep', '2026-Q1').length, 41);
  assert.equal(plan.payCurve(inputs, 'rep', '2026-Q1', { from: 0, to: 2, step: '0.25' }).length, 9);
  for (const [step, text, example] of [[0.25, '0.25', '0.25'], [NaN, 'NaN', '1250.00']]) {
    assert.throws(
      () => plan.payCurve(inputs, 'rep', '2026-Q1', { step }),
      (e) => e instanceof CommissioError && e.code === 'A0001' && e.message === `step: ${floatRefused(text, example)}` && JSON.parse(e.canonicalJson).code === 'A0001',
    );
  }
  assert.throws(() => plan.payCurve(inputs, 'rep', '2026-Q1', { step: '1e-1' }), (e) => e.code === 'A0001');
  assert.throws(() => plan.payCurve(inputs, 'rep', '2026-Q1', { step: '0' }), (e) => e instanceof EvalError && e.code === 'R0301');
  assert.throws(() => plan.payCurve(inputs, 'rep', '2026', {}), PeriodError);
  assert.throws(() => plan.payCurve(inputs, 'ghost', '2026-Q1'), (e) => e instanceof EvalError);
  const svg = curveSvg(points, 'AE <pay> curve');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /AE &lt;pay&gt; curve/);
  assert.match(svg, /<\/svg>\s*$/);
  assert.equal(curveSvg([], 'empty').startsWith('<svg'), true);
  assert.throws(() => curveSvg([{ attainment: 1, credited: '1', payout: '1' }]), (e) => e.code === 'A0001');
  assert.throws(() => curveSvg('nope'), TypeError);
});

test('check and format', () => {
  assert.deepEqual(check(FLAT), []);
  const messy = 'plan "Flat" {\ncurrency USD\n   period quarter\neffective 2026-01-01 to 2026-12-31\nrounding half_even 2 per line\ninput deal { amount: money }\ncomponent base { commission on credit.amount  rate 5% }\n}\n';
  const pretty = format(messy);
  assert.equal(format(pretty), pretty);
  assert.match(pretty, /^ {2}currency USD$/m);
  assert.equal(Plan.parse(messy).format(), pretty);
  assert.throws(() => format('plan {'), PlanError);
});

test('diagnostics carry UTF-8 and UTF-16 columns and string offsets', () => {
  // "€" is 3 UTF-8 bytes and 1 UTF-16 unit, "😀" 4 bytes and 2 units: an error after them on
  // the same line has a UTF-8 column larger than its UTF-16 column.
  const texts = ['plan "€😀" { currency usd }\n', 'plan "a" {\n  currency USD\n}\nplan "€😀" { currency usd period fortnight }\n'];
  for (const t of texts) {
    const diags = check(t);
    assert.ok(diags.length >= 1, t);
    for (const d of diags) {
      assert.equal(typeof d.code, 'string');
      assert.ok(['error', 'warning'].includes(d.severity));
      assert.equal(d.startUtf16, utf16Index(t, d.start));
      assert.equal(d.endUtf16, utf16Index(t, d.end));
      // The UTF-16 column is the JS string index within the line, plus one.
      const lineStart = t.lastIndexOf('\n', d.startUtf16 - 1) + 1;
      assert.equal(d.columnUtf16, d.startUtf16 - lineStart + 1);
      assert.equal(d.line, t.slice(0, d.startUtf16).split('\n').length);
      assert.ok(d.columnUtf16 <= d.column);
    }
  }
  const t = texts[0];
  const d = check(t).find((x) => t.slice(x.startUtf16, x.endUtf16) === 'usd');
  assert.ok(d, JSON.stringify(check(t)));
  assert.deepEqual([d.line, d.column, d.columnUtf16], [1, 27, 23]);
});

function utf16Index(text, byteOffset) {
  return Buffer.from(text).subarray(0, byteOffset).toString().length;
}

test('PlanError lists every diagnostic with positions', () => {
  const bad = 'plan "x" {\n  currency USD\n  period fortnight\n  component a { commission on credit.amount rate 5% }\n}\n';
  assert.throws(
    () => Plan.parse(bad),
    (e) => {
      assert.ok(e instanceof PlanError && e instanceof CommissioError && e instanceof Error);
      assert.equal(e.name, 'PlanError');
      assert.equal(e.code, e.diagnostics[0].code);
      assert.ok(e.diagnostics.length >= 1);
      const first = e.diagnostics[0];
      const n = e.diagnostics.length;
      assert.equal(
        e.message,
        `the plan has ${n === 1 ? '1 error:' : `${n} errors; first:`} error[${first.code}] line ${first.line}, column ${first.column}: ${first.message}`,
      );
      for (const d of e.diagnostics) {
        for (const k of ['line', 'column', 'columnUtf16', 'columnChars', 'endLine', 'endColumn', 'endColumnUtf16', 'endColumnChars', 'start', 'end', 'startUtf16', 'endUtf16']) {
          assert.equal(typeof d[k], 'number', k);
        }
        assert.ok(d.hint === null || typeof d.hint === 'string');
        assert.ok(Array.isArray(d.related));
      }
      return true;
    },
  );
});

test('ESM and CommonJS share one engine and one set of classes', () => {
  const cjs = require('commissio');
  assert.equal(cjs.Plan, Plan);
  assert.equal(cjs.PlanError, PlanError);
  assert.equal(commissio.Plan, Plan);
  assert.equal(cjs.default, cjs);
  assert.equal(version(), JSON.parse(readFileSync(require.resolve('commissio/package.json'), 'utf8')).version);
  const plan = cjs.Plan.parse(FLAT);
  assert.ok(plan instanceof Plan);
});

test('init is a no-op in Node and the API needs no await', async () => {
  await init();
  assert.equal(Plan.parse(FLAT).name, 'Flat');
});

test('free releases plans; a freed plan says so', () => {
  const plan = Plan.parse(FLAT);
  plan.free();
  assert.throws(() => plan.evaluate({ payees: [], deals: [] }, '2026-Q1'), TypeError);
  plan.free();
});

test('many evaluations do not grow memory without bound', () => {
  const plan = Plan.parse(FLAT);
  const deals = Array.from({ length: 2000 }, (_, i) => ({ id: `D${i}`, payee: 'A', date: '2026-02-01', amount: '10.00' }));
  for (let i = 0; i < 50; i++) plan.evaluate({ payees: [{ id: 'A' }], deals }, '2026-Q1').free();
  const r = plan.evaluate({ payees: [{ id: 'A' }], deals }, '2026-Q1');
  assert.equal(r.grandTotal, '1000.00');
});

test('EvalError, PeriodError', () => {
  const plan = Plan.parse(readFileSync(join(root, 'tests/corpus/056-error-division-by-zero/plan.comp'), 'utf8'));
  const inputs = {
    payees: [{ id: 'A', quota: '0.00' }],
    deals: [{ id: 'D1', payee: 'A', date: '2026-01-10', amount: '1000.00' }],
  };
  assert.throws(
    () => plan.evaluate(inputs, '2026-Q1'),
    (e) => {
      assert.ok(e instanceof EvalError && e instanceof CommissioError);
      assert.equal(e.name, 'EvalError');
      assert.equal(e.code, 'R0101');
      assert.equal(typeof e.reason, 'string');
      assert.equal(e.payee, 'A');
      assert.equal(typeof e.source.line, 'number');
      assert.match(plan.source.slice(e.source.startUtf16, e.source.endUtf16), /\//);
      return true;
    },
  );
  assert.throws(
    () => plan.evaluate(inputs, '2026-Q9'),
    (e) => e instanceof PeriodError && e.code === 'P0001' && e.text === '2026-Q9',
  );
});

test('managers: a dated hierarchy, and team commission in the trace', () => {
  const plan = Plan.parse(readFileSync(join(root, 'tests/corpus/060-hierarchy-change-mid-period/plan.comp'), 'utf8'));
  const inputs = {
    payees: ['VP', 'M1', 'M2', 'R1', 'R2'].map((id) => ({ id })),
    deals: [
      { id: 'D1', payee: 'R1', date: '2026-01-20', amount: '50000.00' },
      { id: 'D2', payee: 'R1', date: '2026-03-10', amount: '30000.00' },
      { id: 'D3', payee: 'R2', date: '2026-02-20', amount: '10000.00' },
    ],
    managers: [
      { payee: 'R1', manager: 'M1', from: '2026-01-01', to: '2026-02-14' },
      { payee: 'R1', manager: 'M2', from: '2026-02-15' },
      { payee: 'R2', manager: 'M1', from: '2026-01-01' },
      { payee: 'M1', manager: 'VP', from: '2026-01-01', to: null },
      { payee: 'M2', manager: 'VP', from: '2026-03-15' },
    ],
  };
  const r = plan.evaluate(inputs, '2026-Q1');
  assert.equal(r.total('VP', '2026-Q1'), '1200.00');
  assert.equal(r.total('M2', '2026-Q1'), '1400.00');
  const line = r.lines.find((l) => l.payee === 'M2' && l.component === 'pay_override');
  assert.equal(line.trace.team[0].value, '8000.00');
  assert.deepEqual(line.trace.team[0].reports, [{ payee: 'R1', amount: '8000.00' }]);
  assert.equal(r.lines.find((l) => l.component === 'rep').trace.team, undefined);
  assert.throws(
    () => plan.evaluate({ ...inputs, managers: [{ payee: 'R1', manager: 'R9', from: '2026-01-01' }] }, '2026-Q1'),
    (e) => e instanceof DataError && e.errors[0].code === 'D0207' && e.errors[0].table === 'managers' && e.errors[0].field === 'manager',
  );
  r.free();
});

// ---------------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------------

// The README's example ("Programs"), as written there: tests/programs/001.
const monthly = (name, rate) => `plan "${name}" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  component base { commission on credit.amount  rate ${rate} }
}`;
const PROMOTION = {
  payees: [{ id: 'R1' }],
  deals: [
    { id: 'D1', payee: 'R1', date: '2026-04-05', amount: '1000.00' },
    { id: 'D2', payee: 'R1', date: '2026-04-20', amount: '3000.00' },
  ],
  // R1 moves from the SDR plan to the AE plan on 16 April.
  assignments: [
    { payee: 'R1', plan: 'SDR', from: '2026-01-01', to: '2026-04-15' },
    { payee: 'R1', plan: 'AE', from: '2026-04-16' },
  ],
};

test('programs: the README example (tests/programs/001), exact amounts', () => {
  const program = Program.parse([monthly('SDR', '2%'), monthly('AE', '10%')], { split: 'days' });
  assert.deepEqual(program.names, ['SDR', 'AE']);
  assert.equal(program.split, 'days');
  const results = program.evaluate(PROMOTION, '2026-04');
  assert.ok(results instanceof ProgramResults);
  // April has 30 days; R1 is on each plan 15 of them. SDR: 2% of 1,000.00 + 3,000.00 = 80.00,
  // x 15/30 = 40.00; AE: 10% = 400.00, x 15/30 = 200.00. Total 240.00.
  assert.equal(results.total('R1', '2026-04'), '240.00');
  assert.equal(results.total('R1', '2026-05'), null);
  assert.deepEqual(results.totals, [{ payee: 'R1', period: '2026-04', amount: '240.00' }]);
  assert.equal(results.grandTotal, '240.00');
  assert.deepEqual(results.plans.map((p) => [p.name, p.results.total('R1', '2026-04')]), [['SDR', '40.00'], ['AE', '200.00']]);
  // Each plan's results are ordinary Results: lines, traces, canonical JSON, replay.
  const sdr = results.plan('SDR');
  assert.ok(sdr instanceof Results);
  assert.equal(results.plan('nope'), null);
  assert.deepEqual(
    sdr.lines.map((l) => [l.component, l.deal, l.kind, l.amount]),
    [['base', 'D1', 'deal', '20.00'], ['base', 'D2', 'deal', '60.00'], ['(plan)', null, 'assignment', '-40.00']],
  );
  const a = sdr.lines[2].trace.assignment;
  assert.deepEqual([a.full, Number(a.assigned_days), a.of_days, Number(a.fraction)], ['80.00', 15, 30, 0.5]);
  assert.deepEqual(a.assignments, [{ row: 1, from: '2026-01-01', to: '2026-04-15', weight: null }]);
  assert.equal(sdr.lines[0].trace.assignment, undefined);
  assert.equal(JSON.parse(sdr.canonicalJson()).totals[0].amount, '40.00');
  assert.equal(sdr.verifyTraces(), 3);
  assert.equal(results.verifyTraces(), 6);
  // The canonical JSON: each plan as Results.canonicalJson writes it, led by its name, then
  // the program's totals.
  const canon = JSON.parse(results.canonicalJson());
  assert.deepEqual(Object.keys(canon), ['plans', 'totals']);
  assert.deepEqual(canon.plans.map((p) => p.plan), ['SDR', 'AE']);
  assert.deepEqual(canon.plans[1].lines, JSON.parse(results.plan('AE').canonicalJson()).lines);
  assert.deepEqual(canon.totals, [{ payee: 'R1', period: '2026-04', amount: '240.00' }]);
  // A plan's own explain works on its part of the program's results.
  assert.match(Plan.parse(monthly('SDR', '2%')).explain(sdr, 'R1'), /share of the period on this plan/);
  // JSON.stringify: plain data.
  const data = JSON.parse(JSON.stringify(results));
  assert.deepEqual(data.plans.map((p) => [p.name, p.results.grandTotal]), [['SDR', '40.00'], ['AE', '200.00']]);
  results.free();
  assert.throws(() => results.canonicalJson(), TypeError);
  assert.throws(() => sdr.canonicalJson(), TypeError);
  results.free(); // twice is fine
  program.free();
  assert.throws(() => program.evaluate(PROMOTION, '2026-04'), TypeError);
});

test('programs: explain and statement mention the assignment line', () => {
  const program = Program.parse([monthly('SDR', '2%'), monthly('AE', '10%')], { split: 'days' });
  const r = program.evaluate(PROMOTION, '2026-04');
  const text = program.explain(r, 'R1');
  assert.match(text, /^plan "SDR"$/m);
  assert.match(text, /^plan "AE"$/m);
  // 15 of April's 30 days, share 15/30 = 0.5: 80.00 x 0.5 = 40.00, less the 80.00 of lines.
  assert.match(text, /on this plan 15 of 30 days by assignments row 1 \(2026-01-01 to 2026-04-15\): share 0\.5/);
  assert.match(text, /on this plan 15 of 30 days by assignments row 2 \(2026-04-16 to no end\): share 0\.5/);
  assert.match(text, /less the lines = -40\.00/);
  assert.match(text, /less the lines = -200\.00/);
  assert.ok(text.indexOf('plan "SDR"') < text.indexOf('plan "AE"'));
  const deal = program.explain(r, 'R1', 'D2');
  assert.match(deal, /deal D2/);
  assert.doesNotMatch(deal, /deal D1/);
  assert.equal(program.explain(r, 'nobody'), null);
  const md = program.statement(r, 'R1');
  assert.match(md, /\(assignment\)/);
  assert.match(md, /^## Program total, R1$/m);
  assert.match(md, /^\| 2026-04 \| 240\.00 \|$/m);
  assert.equal(program.statement(r, 'nobody'), null);
  assert.throws(() => program.explain(r.plans[0].results, 'R1'), TypeError);
});

test('programs: the split rule is required and must be known', () => {
  const texts = [monthly('SDR', '2%')];
  for (const options of [undefined, {}, { split: null }, { split: 1 }]) {
    assert.throws(() => Program.parse(texts, options), TypeError, JSON.stringify(options));
  }
  assert.throws(() => Program.parse(texts, { split: 'days', weight: 1 }), TypeError);
  assert.throws(() => Program.parse(monthly('SDR', '2%'), { split: 'days' }), TypeError);
  assert.throws(
    () => Program.parse(texts, { split: 'weeks' }),
    (e) => {
      assert.ok(e instanceof CommissioError && !(e instanceof PlanError));
      assert.equal(e.code, 'A0001');
      assert.equal(e.message, 'split: unknown split rule "weeks" (expected "days" or "credit_dates")');
      assert.deepEqual(JSON.parse(e.canonicalJson), { kind: 'argument', code: 'A0001', summary: e.message });
      return true;
    },
  );
  assert.equal(Program.parse(texts, { split: 'credit_dates' }).split, 'credit_dates');
});

test('programs: a plan that does not compile is the plan error of Plan.parse, with its index', () => {
  const bad = 'plan "x" {\n  currency usd\n}\n';
  let single;
  try {
    Plan.parse(bad);
  } catch (e) {
    single = e;
  }
  assert.ok(single instanceof PlanError);
  assert.equal(single.planIndex, null);
  assert.throws(
    () => Program.parse([monthly('SDR', '2%'), bad], { split: 'days' }),
    (e) => {
      assert.ok(e instanceof PlanError);
      assert.equal(e.planIndex, 1);
      assert.equal(e.plan, null);
      assert.equal(e.message, single.message);
      assert.equal(e.canonicalJson, single.canonicalJson);
      assert.deepEqual(e.diagnostics, single.diagnostics);
      return true;
    },
  );
  // Two plans of one name: R0003 for the program, no plan named.
  assert.throws(
    () => Program.parse([monthly('SDR', '2%'), monthly('SDR', '3%')], { split: 'days' }),
    (e) => e instanceof EvalError && e.code === 'R0003' && e.planIndex === null && JSON.parse(e.canonicalJson).code === 'R0003',
  );
});

test('programs: errors name the plan they arose in', () => {
  const ae = monthly('AE', '10%').replace('input deal { amount: money }', 'input deal { amount: money, new_logo: bool }');
  const program = Program.parse([monthly('SDR', '2%'), ae], { split: 'days' });
  // tests/programs/020: the AE plan reads a column the deals lack.
  assert.throws(
    () => program.evaluate(PROMOTION, '2026-04'),
    (e) => {
      assert.ok(e instanceof DataError);
      assert.deepEqual([e.code, e.errors[0].table, e.errors[0].field], ['D0101', 'deals', 'new_logo']);
      assert.equal(e.plan, 'AE');
      assert.equal(e.planIndex, 1);
      assert.ok(e.message.startsWith('plan "AE": '), e.message);
      // The message is the plan's own error, led by its name.
      assert.throws(() => Plan.parse(ae).evaluate({ payees: PROMOTION.payees, deals: PROMOTION.deals }, '2026-04'), (single) => {
        assert.equal(e.message, `plan "AE": ${single.message}`);
        return true;
      });
      assert.equal(JSON.parse(e.canonicalJson).summary, e.message);
      return true;
    },
  );
  // The assignments table's own errors name no plan (tests/programs/010: an unknown plan).
  const wrong = { ...PROMOTION, assignments: [PROMOTION.assignments[0], { payee: 'R1', plan: 'VP', from: '2026-04-16' }] };
  const two = Program.parse([monthly('SDR', '2%'), monthly('AE', '10%')], { split: 'days' });
  assert.throws(
    () => two.evaluate(wrong, '2026-04'),
    (e) => {
      assert.ok(e instanceof DataError);
      const d = e.errors[0];
      assert.deepEqual([d.code, d.table, d.row, d.field], ['D0401', 'assignments', 2, 'plan']);
      assert.equal(e.plan, null);
      assert.equal(e.planIndex, null);
      assert.ok(!e.message.startsWith('plan '), e.message);
      assert.equal(JSON.parse(e.canonicalJson).summary, e.message);
      return true;
    },
  );
  // The assignments table is required; its rows are checked like any other table's.
  assert.throws(() => two.evaluate({ payees: PROMOTION.payees, deals: PROMOTION.deals }, '2026-04'), (e) => e instanceof DataError && e.errors[0].table === 'assignments');
  assert.throws(() => two.evaluate({ ...PROMOTION, bonuses: [] }, '2026-04'), TypeError);
  assert.throws(() => two.evaluate(PROMOTION, '2026-13'), PeriodError);
  // No assignments: nobody is on a plan, nothing is paid.
  const none = two.evaluate({ ...PROMOTION, assignments: [] }, '2026-04');
  assert.deepEqual(none.totals, []);
  assert.deepEqual(none.plans.map((p) => p.results.lines.length), [0, 0]);
});

test('programs: an evaluation error carries the span in its plan\'s text', () => {
  const ratio = `plan "Ratio" {
  currency USD
  period month
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  input payee { quota: money }
  measure attainment = sum(credit.amount) / payee.quota
  component base { commission on credit.amount  rate 5%  gate attainment >= 50% }
}`;
  const program = Program.parse([monthly('SDR', '2%'), ratio], { split: 'days' });
  const inputs = {
    payees: [{ id: 'R1', quota: '0.00' }],
    deals: PROMOTION.deals,
    assignments: [{ payee: 'R1', plan: 'Ratio', from: '2026-01-01' }],
  };
  assert.throws(
    () => program.evaluate(inputs, '2026-04'),
    (e) => {
      assert.ok(e instanceof EvalError, String(e));
      assert.equal(e.code, 'R0101');
      assert.deepEqual([e.plan, e.planIndex, e.payee], ['Ratio', 1, 'R1']);
      assert.ok(e.message.startsWith('plan "Ratio": '), e.message);
      assert.match(program.sources[e.planIndex].slice(e.source.startUtf16, e.source.endUtf16), /\//);
      return true;
    },
  );
});

test('programs: JS numbers in the assignments follow the rule for host numbers', () => {
  const program = Program.parse([monthly('SDR', '2%'), monthly('AE', '10%')], { split: 'days' });
  const split = (weight) => ({
    ...PROMOTION,
    assignments: [
      { payee: 'R1', plan: 'SDR', from: '2026-01-01', weight },
      { payee: 'R1', plan: 'AE', from: '2026-01-01', weight: '0.5' },
    ],
  });
  // A safe integer is that whole number: weight 1 plus 0.5 is more than the whole payee.
  assert.throws(() => program.evaluate(split(1), '2026-04'), (e) => e instanceof DataError && e.errors[0].code === 'D0404');
  // Any other number is refused where the program reads it, in the facade's words.
  assert.throws(
    () => program.evaluate(split(0.5), '2026-04'),
    (e) => {
      assert.ok(e instanceof DataError);
      const d = e.errors[0];
      assert.deepEqual([d.code, d.table, d.row, d.field], ['D0102', 'assignments', 1, 'weight']);
      assert.equal(d.message, floatRefused('0.5', '0.5'));
      return true;
    },
  );
  // 50% each of April: SDR 80.00 x 0.5 = 40.00, AE 400.00 x 0.5 = 200.00.
  assert.equal(program.evaluate(split('50%'), '2026-04').total('R1', '2026-04'), '240.00');
});
