// The preview page: a plan editor with live diagnostics, a deal form built from the plan's
// inputs, the commission the deal would pay with its explanation, and the pay curve.
// Amounts are the engine's decimal strings, shown as they are (digits grouped, never through
// a float).
import { init, Plan, check, curveSvg, PlanError, CommissioError } from 'commissio';

const DEFAULT_PLAN = `# Account executive: quota tiers with accelerators, a new-logo kicker, a SPIFF and caps.
plan "Account Executive FY2026" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money, product: text, new_logo: bool }
  input payee { quota: money, target_incentive: money }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota

  component core {
    commission on credit.amount
    rate graduated by attainment {
      [0%,   50%)  2%
      [50%,  100%) 8%
      [100%, 150%) 12%  # accelerator
      [150%, ..)   16%
    }
    multiply by 1.2 when deal.new_logo
    gate attainment >= 25%
    cap per period at 50% of payee.target_incentive
  }

  component platform_spiff {
    pay 250 per deal when deal.product = "Platform" and deal.amount >= 100000
    during 2026-02-01 to 2026-03-31
  }

  component kicker {
    pay 2000 once when attainment >= 120%
  }

  cap total per period at payee.target_incentive
}
`;

// Starting values by field name, then by type.
const START = {
  quota: '400000.00',
  target_incentive: '80000.00',
  amount: '150000.00',
  product: 'Platform',
  new_logo: true,
};
const BY_TYPE = { money: '0.00', number: '0', percent: '0%', integer: '0', text: '', bool: false, date: '2026-02-15' };
const PAYEE = 'rep';
const DEAL = 'NEW';

const $ = (id) => document.getElementById(id);
const editor = $('plan');
let plan = null;
let schemaKey = '';
let updates = 0;

// ---- exact decimal text helpers (BigInt, no floats) ----------------------------------------

function splitDecimal(s) {
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  return { neg, int, frac };
}

function addDecimals(values) {
  const scale = Math.max(0, ...values.map((v) => splitDecimal(v).frac.length));
  let sum = 0n;
  for (const v of values) {
    const { neg, int, frac } = splitDecimal(v);
    const n = BigInt(int + frac.padEnd(scale, '0'));
    sum += neg ? -n : n;
  }
  const neg = sum < 0n;
  const digits = (neg ? -sum : sum).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${neg ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
}

// Digits grouped, and exactly `minor` decimals when that loses nothing (trailing zeros only).
function display(value, minor) {
  const { neg, int, frac } = splitDecimal(value);
  let f = frac;
  while (f.length > minor && f.endsWith('0')) f = f.slice(0, -1);
  f = f.padEnd(minor, '0');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${f ? `.${f}` : ''}`;
}

function percent(attainment) {
  const { neg, int, frac } = splitDecimal(attainment);
  const digits = (int + frac.padEnd(2, '0')).replace(/^0+(?=\d)/, '');
  const whole = digits.slice(0, digits.length - Math.max(0, frac.length - 2)) || '0';
  const rest = frac.length > 2 ? frac.slice(2) : '';
  return `${neg ? '-' : ''}${whole}${rest ? `.${rest}` : ''}%`;
}

// ---- the form ------------------------------------------------------------------------------

function inputFor(prefix, field, old) {
  const label = document.createElement('label');
  label.textContent = field.name;
  const input = document.createElement('input');
  input.name = `${prefix}.${field.column}`;
  input.dataset.type = field.type;
  const previous = old.get(input.name);
  const start = field.name in START ? START[field.name] : BY_TYPE[field.type];
  if (field.type === 'bool') {
    input.type = 'checkbox';
    input.checked = previous !== undefined ? previous : Boolean(start);
  } else {
    input.type = field.type === 'date' ? 'date' : 'text';
    if (field.type !== 'text' && field.type !== 'date') input.inputMode = 'decimal';
    input.value = previous !== undefined ? previous : String(start);
  }
  label.append(input);
  return label;
}

function rebuildForm(info) {
  const v = info.versions[0];
  const key = JSON.stringify([v.inputs.payee, v.inputs.deal, v.inputs.dealColumns]);
  if (key === schemaKey) return;
  schemaKey = key;
  const old = new Map();
  for (const el of document.querySelectorAll('#inputs fieldset input')) {
    old.set(el.name, el.type === 'checkbox' ? el.checked : el.value);
  }
  const payee = $('payee-fields');
  const deal = $('deal-fields');
  payee.replaceChildren(Object.assign(document.createElement('legend'), { textContent: 'Payee' }));
  deal.replaceChildren(Object.assign(document.createElement('legend'), { textContent: 'Deal' }));
  for (const f of v.inputs.payee) payee.append(inputFor('payee', f, old));
  deal.append(inputFor('deal', { name: 'date', column: v.inputs.dealColumns.date, type: 'date' }, old));
  for (const f of v.inputs.deal) deal.append(inputFor('deal', f, old));
}

function rows(info) {
  const v = info.versions[0];
  const payee = { [v.inputs.payeeColumns.id]: PAYEE };
  const deal = { [v.inputs.dealColumns.id]: DEAL, [v.inputs.dealColumns.payee]: PAYEE };
  for (const el of document.querySelectorAll('#inputs fieldset input')) {
    const [table, column] = [el.name.slice(0, el.name.indexOf('.')), el.name.slice(el.name.indexOf('.') + 1)];
    const value = el.type === 'checkbox' ? el.checked : el.value;
    (table === 'payee' ? payee : deal)[column] = value;
  }
  return { payee, deal };
}

// ---- rendering -----------------------------------------------------------------------------

function showDiagnostics(diags) {
  const list = $('diagnostics');
  list.replaceChildren();
  for (const d of diags) {
    const li = document.createElement('li');
    li.dataset.code = d.code;
    const where = Object.assign(document.createElement('span'), {
      className: 'where',
      textContent: `line ${d.line}, column ${d.columnUtf16} `,
    });
    const code = Object.assign(document.createElement('span'), { className: 'code', textContent: `${d.code} ` });
    li.append(where, code, document.createTextNode(d.message));
    if (d.hint) li.append(Object.assign(document.createElement('span'), { className: 'hint', textContent: d.hint }));
    // UTF-16 offsets are JavaScript string indices: select the span in the editor.
    li.addEventListener('click', () => {
      editor.focus();
      editor.setSelectionRange(d.startUtf16, Math.max(d.endUtf16, d.startUtf16 + 1));
    });
    list.append(li);
  }
  const status = $('plan-status');
  const errors = diags.filter((d) => d.severity === 'error').length;
  status.classList.toggle('bad', errors > 0);
  status.textContent =
    errors > 0 ? `${errors} problem${errors === 1 ? '' : 's'} in the plan` : plan ? `Plan “${plan.name}” is valid` : '';
}

function setCurrency(code) {
  for (const el of document.querySelectorAll('.currency')) el.textContent = code;
}

function showResult() {
  const result = $('result');
  const error = $('result-error');
  const body = document.querySelector('#lines tbody');
  if (plan === null) {
    result.classList.add('stale');
    return;
  }
  const info = plan.info;
  const minor = info.versions[0].minorUnits;
  const period = $('period').value.trim();
  const { payee, deal } = rows(info);
  setCurrency(plan.currency);
  $('result-period').textContent = period;
  try {
    const r = plan.evaluate({ payees: [payee], deals: [deal] }, period);
    const mine = r.lines.filter((l) => l.deal === DEAL);
    $('deal-commission').textContent = display(addDecimals(mine.map((l) => l.amount).concat('0')), minor);
    const totals = r.totals.filter((t) => t.payee === PAYEE).map((t) => t.amount);
    $('period-total').textContent = display(addDecimals(totals.concat('0')), minor);
    body.replaceChildren(
      ...r.lines.map((l) => {
        const tr = document.createElement('tr');
        for (const [text, cls] of [[l.component], [l.deal ?? '(period)'], [display(l.amount, minor), 'num']]) {
          const td = document.createElement('td');
          td.textContent = text;
          if (cls) td.className = cls;
          tr.append(td);
        }
        return tr;
      }),
    );
    $('explanation').textContent = plan.explain(r, PAYEE) ?? 'This deal pays nothing under the plan.';
    r.free();
    error.hidden = true;
    result.classList.remove('stale');
  } catch (e) {
    if (!(e instanceof CommissioError)) throw e;
    error.textContent = e.message;
    error.hidden = false;
    result.classList.add('stale');
  }
  showCurve(payee, period, minor);
}

function showCurve(payee, period, minor) {
  const error = $('curve-error');
  const body = document.querySelector('#curve-points tbody');
  try {
    const points = plan.payCurve({ payees: [payee], deals: [] }, PAYEE, period, { from: '0', to: '2', step: '0.05' });
    $('curve').innerHTML = curveSvg(points, `${plan.name}: ${period}`);
    body.replaceChildren(
      ...points.map((p) => {
        const tr = document.createElement('tr');
        tr.dataset.attainment = p.attainment;
        for (const text of [percent(p.attainment), display(p.credited, minor), display(p.payout, minor)]) {
          const td = Object.assign(document.createElement('td'), { className: 'num', textContent: text });
          tr.append(td);
        }
        return tr;
      }),
    );
    error.hidden = true;
  } catch (e) {
    if (!(e instanceof CommissioError)) throw e;
    $('curve').replaceChildren();
    body.replaceChildren();
    error.textContent = `No pay curve: ${e.message}`;
    error.hidden = false;
  }
}

function onPlanChange() {
  const text = editor.value;
  const diags = check(text);
  if (diags.some((d) => d.severity === 'error')) {
    if (plan) plan.free();
    plan = null;
    showDiagnostics(diags);
    $('result').classList.add('stale');
    return;
  }
  try {
    const next = Plan.parse(text);
    if (plan) plan.free();
    plan = next;
    rebuildForm(plan.info);
    showDiagnostics(diags);
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    plan = null;
    showDiagnostics(e.diagnostics);
  }
  showResult();
}

// Coalesce bursts of typing into one update per frame.
let pending = null;
function schedule(what) {
  if (pending === 'plan') return;
  pending = what;
  requestAnimationFrame(() => {
    const w = pending;
    pending = null;
    if (w === 'plan') onPlanChange();
    else showResult();
    updates += 1;
    document.body.dataset.updates = String(updates);
    document.body.dataset.state = plan ? 'ready' : 'plan-error';
  });
}

await init();
editor.value = DEFAULT_PLAN;
editor.addEventListener('input', () => schedule('plan'));
$('inputs').addEventListener('input', () => schedule('inputs'));
$('inputs').addEventListener('change', () => schedule('inputs'));
schedule('plan');
