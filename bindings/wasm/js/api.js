// The public JavaScript API of the `commissio` package, shared by every entry point.
//
// build.sh turns this file into dist/api.cjs (CommonJS) and dist/api.mjs (ES module) by
// appending the matching export line, so it must hold no import or export statement: it only
// defines `createApi`, which receives the wasm-bindgen glue and returns the API object.
//
// Money crosses as decimal strings both ways. The rule for a JS number in an input row or a
// pay-curve bound is the facade's rule for host numbers (README.md, `commissio::host` in
// Rust): a safe integer is that whole number, any other number is refused; a number is never
// returned for money.

function createApi(getGlue, resetGlue, init, initSync) {
  'use strict';

  // ---------------------------------------------------------------------------------------
  // Errors
  // ---------------------------------------------------------------------------------------

  /** Base class of every error the engine reports; `code` is stable (`E0301`, `D0202`, ...). */
  class CommissioError extends Error {
    constructor(code, message) {
      super(message);
      this.name = 'CommissioError';
      this.code = code;
      /**
       * The engine's canonical JSON of the error (`commissio::Error::to_json` in Rust,
       * `canonical_json` in Python): the same text for the same plan and data everywhere;
       * null for internal errors and for argument errors found here before the engine runs.
       */
      this.canonicalJson = null;
      /**
       * For an error of a program (`Program.parse`, `program.evaluate`): the index, in program
       * order, of the plan it arose in, and that plan's name (null when the plan did not
       * compile); both null when it arose in no one plan, or outside a program.
       */
      this.planIndex = null;
      this.plan = null;
    }
  }

  /** The plan text has errors; `diagnostics` lists all of them (UTF-16 columns for editors). */
  class PlanError extends CommissioError {
    constructor(message, diagnostics) {
      super(diagnostics.length > 0 ? diagnostics[0].code : 'E0000', message);
      this.name = 'PlanError';
      this.diagnostics = diagnostics;
    }
  }

  /** The input rows do not fit the plan; `errors` name the table, row and field. */
  class DataError extends CommissioError {
    constructor(message, errors, omitted) {
      super(errors.length > 0 ? errors[0].code : 'D0000', message);
      this.name = 'DataError';
      this.errors = errors;
      this.omitted = omitted;
    }
  }

  /** The period text could not be read with the plan's calendar (`P0001`). */
  class PeriodError extends CommissioError {
    constructor(message, text, reason) {
      super('P0001', message);
      this.name = 'PeriodError';
      this.text = text;
      this.reason = reason;
    }
  }

  /** Evaluation stopped (division by zero, overflow, ...): code, plan span and record. */
  class EvalError extends CommissioError {
    constructor(env) {
      super(env.code, env.summary);
      this.name = 'EvalError';
      this.reason = env.message;
      this.payee = env.payee === undefined ? null : env.payee;
      this.deal = env.deal === undefined ? null : env.deal;
      this.period = env.period === undefined ? null : env.period;
      this.source = env.span === undefined ? null : camelKeys(env.span);
    }
  }

  // The engine's error view (`commissio::ErrorView`) has snake_case keys, the same bytes in
  // every binding; JavaScript objects get the same keys in camelCase. Only keys change.
  function camelKeys(v) {
    if (Array.isArray(v)) return v.map(camelKeys);
    if (v === null || typeof v !== 'object') return v;
    const out = {};
    for (const key of Object.keys(v)) {
      out[key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())] = camelKeys(v[key]);
    }
    return out;
  }

  const INTERNAL =
    'internal error: the engine stopped unexpectedly and has been restarted; ' +
    'please report it with the plan and the data';

  // A wasm trap (a bug: nothing in the engine is meant to stop this way) leaves the instance
  // unusable; the glue builds a fresh one and every handle made before is dropped.
  let generation = 0;

  function translate(e) {
    if (typeof e === 'string') {
      let env;
      try {
        env = JSON.parse(e);
      } catch (_) {
        return new CommissioError('X0002', 'internal error: unreadable error from the engine');
      }
      let err;
      switch (env.kind) {
        case 'plan':
          err = new PlanError(env.summary, camelKeys(env.diagnostics));
          break;
        case 'data':
          err = new DataError(env.summary, env.errors, env.omitted);
          break;
        case 'period':
          err = new PeriodError(env.summary, env.text, env.reason);
          break;
        case 'eval':
          err = new EvalError(env);
          break;
        default:
          err = new CommissioError(env.code || 'A0001', env.summary || 'invalid argument');
      }
      // The envelope is the canonical error JSON itself.
      err.canonicalJson = e;
      return err;
    }
    if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
      generation += 1;
      try {
        resetGlue();
      } catch (_) {
        // The next call reports the same internal error again.
      }
      return new CommissioError('X0001', INTERNAL);
    }
    return e;
  }

  function call(f) {
    try {
      return f(getGlue());
    } catch (e) {
      throw translate(e);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Arguments and input rows
  // ---------------------------------------------------------------------------------------

  function requireString(name, v) {
    if (typeof v !== 'string') {
      throw new TypeError(`${name}: expected a string, got ${describeType(v)}`);
    }
    return v;
  }

  function describeType(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (v instanceof Date) return 'a Date';
    return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
  }

  function isPlainObject(v) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
  }

  // A JS number in a row follows the facade's one rule for host numbers (README.md, "Numbers,
  // bigints and money"; `commissio::host` in Rust): a safe integer is that whole number, any
  // other number (a fraction, beyond 2^53 - 1, NaN, ±Infinity) is refused with D0102 where the
  // plan reads it. The rule and its message are the facade's: a safe integer is written into
  // the table's JSON, which carries it exactly, and every other number is handed to the engine
  // beside the JSON, its place [table, row, column] and its value (a Float64Array: the binary
  // float itself), for the facade to decide.

  // A lone UTF-16 surrogate has no UTF-8 form (TextEncoder would silently write U+FFFD).
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const NOT_UNICODE = 'text with a lone surrogate is not valid Unicode and cannot be read';

  function cellProblem(v) {
    switch (typeof v) {
      case 'string':
        if (typeof v.isWellFormed === 'function' ? !v.isWellFormed() : LONE_SURROGATE.test(v)) {
          return ['D0102', NOT_UNICODE];
        }
        return null;
      case 'boolean':
      case 'undefined':
      case 'bigint':
      case 'number':
        return null;
      case 'object':
        if (v === null) return null;
        if (v instanceof Date) {
          return ['D0102', 'a Date object is not read (its day depends on the time zone); pass "YYYY-MM-DD"'];
        }
        return ['D0002', `a nested value (${describeType(v)}) is not allowed; rows are flat objects`];
      default:
        return ['D0102', `a ${typeof v} is not a value`];
    }
  }

  const TABLES = ['payees', 'deals', 'credits', 'quotas', 'managers'];
  // A program's tables: a plan's, and the required `assignments`.
  const PROGRAM_TABLES = [...TABLES, 'assignments'];
  const REQUIRED = ['payees', 'deals', 'assignments'];
  // Tables cross as UTF-8 JSON bytes: one copy into wasm memory.
  const utf8 = new TextEncoder();
  const EMPTY = utf8.encode('[]');
  const MAX_ERRORS = 100;

  // UTF-8 JSON of every table, or a DataError naming each bad table, row and field.
  function encodeInputs(inputs, tables = TABLES) {
    if (!isPlainObject(inputs)) {
      const shape = tables.map((t) => (REQUIRED.includes(t) ? t : `${t}?`)).join(', ');
      throw new TypeError(`inputs: expected an object {${shape}}, got ${describeType(inputs)}`);
    }
    for (const key of Object.keys(inputs)) {
      if (!tables.includes(key)) {
        throw new TypeError(`inputs: unknown table ${JSON.stringify(key)} (expected ${tables.join(', ')})`);
      }
    }
    const errors = [];
    let omitted = 0;
    const push = (code, table, row, id, field, message) => {
      if (errors.length < MAX_ERRORS) {
        errors.push({ code, table, row, id, field, expected: null, message });
      } else {
        omitted += 1;
      }
    };
    const out = { payees: EMPTY, deals: EMPTY, credits: undefined, quotas: undefined, managers: undefined, assignments: EMPTY, numberPlaces: undefined, numberValues: undefined };
    // Numbers JSON does not carry exactly: [table, row (0-based), column], and the values.
    const numbers = [];
    const values = [];
    for (const table of tables) {
      const rows = inputs[table];
      const optional = !REQUIRED.includes(table);
      if (rows === undefined || rows === null) {
        if (!optional) {
          push('D0002', table, null, null, null, `the ${table} table is required (an array of row objects)`);
        }
        continue;
      }
      if (!Array.isArray(rows)) {
        push('D0002', table, null, null, null, `expected an array of row objects, got ${describeType(rows)}`);
        continue;
      }
      let copy = null;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (!isPlainObject(row)) {
          push('D0002', table, i + 1, null, null, `a row must be a plain object, got ${describeType(row)}`);
          continue;
        }
        const id = typeof row.id === 'string' ? row.id : null;
        let rewrite = false;
        for (const key of Object.keys(row)) {
          const v = row[key];
          if (typeof v === 'bigint' || (typeof v === 'number' && !Number.isSafeInteger(v))) rewrite = true;
          const p = cellProblem(v);
          if (p !== null) push(p[0], table, i + 1, id, key, p[1]);
        }
        if (rewrite) {
          if (copy === null) copy = rows.slice(0, i);
          const r = {};
          for (const key of Object.keys(row)) {
            const v = row[key];
            if (typeof v === 'bigint') {
              r[key] = v.toString();
            } else if (typeof v === 'number' && !Number.isSafeInteger(v)) {
              numbers.push([table, i, key]);
              values.push(v);
              r[key] = null;
            } else {
              r[key] = v;
            }
          }
          copy.push(r);
        } else if (copy !== null) {
          copy.push(row);
        }
      }
      if (errors.length === 0) out[table] = utf8.encode(JSON.stringify(copy === null ? rows : copy));
    }
    if (errors.length > 0 || omitted > 0) {
      // The engine makes the error (its summary and canonical JSON), as for any data error.
      throw translate(call((g) => g.host_value_errors(JSON.stringify({ errors, omitted }))));
    }
    if (numbers.length > 0) {
      out.numberPlaces = JSON.stringify(numbers);
      out.numberValues = Float64Array.from(values);
    }
    return out;
  }

  // The row limit per table (`D0108`) of `evaluate`'s options: a whole number >= 0; above the
  // engine's limit (50,000,000) it is the engine's limit.
  function maxRowsOption(options) {
    if (options === undefined) return undefined;
    if (!isPlainObject(options)) throw new TypeError(`options: expected an object, got ${describeType(options)}`);
    for (const key of Object.keys(options)) {
      if (key !== 'maxRows') throw new TypeError(`options: unknown option ${JSON.stringify(key)} (expected maxRows)`);
    }
    const n = options.maxRows;
    if (n === undefined) return undefined;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new TypeError(`options.maxRows: expected a whole number >= 0, got ${typeof n === 'number' ? String(n) : describeType(n)}`);
    }
    return Math.min(n, 4294967295);
  }

  // A decimal argument (pay-curve bounds): a decimal string, or a number under the facade's
  // rule for host numbers (a safe integer; anything else is an A0001 in the facade's words).
  function decimalArg(name, v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return call((g) => g.number_argument(name, v));
    throw new TypeError(`${name}: expected a decimal string such as "1.5", got ${describeType(v)}`);
  }

  // ---------------------------------------------------------------------------------------
  // Results
  // ---------------------------------------------------------------------------------------

  const TOKEN = Symbol('commissio.internal');
  // Results → { handle, generation, traces }: the engine-side results, kept for `explain`,
  // `statement` and the traces, which are fetched in one piece on first use.
  const resultState = new WeakMap();

  function tracesOf(results) {
    const st = resultState.get(results);
    if (st === undefined) throw new TypeError('the traces of freed results are gone; read them before free()');
    if (st.traces === null) {
      if (st.generation !== generation) {
        throw new CommissioError('X0003', 'these results were made before the engine restarted; evaluate again');
      }
      st.traces = JSON.parse(call(() => st.handle.traces()));
    }
    return st.traces;
  }

  /**
   * One payout line. Its `trace` is read from the engine on first access (for all lines at
   * once); `toJSON()` includes it.
   */
  class Line {
    #results;
    #index;

    constructor(results, index, payee, period, component, deal, kind, share, amount) {
      this.#results = results;
      this.#index = index;
      this.payee = payee;
      this.period = period;
      this.component = component;
      this.deal = deal;
      this.kind = kind;
      this.share = share;
      this.amount = amount;
    }

    /** Why the line pays what it pays. */
    get trace() {
      return tracesOf(this.#results)[this.#index];
    }

    toJSON() {
      return {
        payee: this.payee,
        period: this.period,
        component: this.component,
        deal: this.deal,
        kind: this.kind,
        share: this.share,
        amount: this.amount,
        trace: this.trace,
      };
    }
  }

  /** What an evaluation produced: lines with traces, totals, component totals. */
  class Results {
    constructor(token, data, handle) {
      if (token !== TOKEN) throw new TypeError('Results are made by Plan.evaluate');
      resultState.set(this, { handle, generation, traces: null });
      // Lines arrive column by column, names once (see `LineColumns` in src/api.rs).
      const c = data.lines;
      const n = c.amount.length;
      const lines = new Array(n);
      for (let i = 0; i < n; i++) {
        lines[i] = new Line(
          this,
          i,
          c.payees[c.payee[i]],
          c.periods[c.period[i]],
          c.components[c.component[i]],
          c.deal[i],
          c.kinds[c.kind[i]],
          c.share[i],
          c.amount[i],
        );
      }
      this.lines = lines;
      this.totals = data.totals;
      this.componentTotals = data.componentTotals;
      this.periods = data.periods;
      this.grandTotal = data.grandTotal;
    }

    /** The total of a payee and period (`"2026-Q1"`), or null when it has no lines. */
    total(payee, period) {
      for (const t of this.totals) {
        if (t.payee === payee && t.period === period) return t.amount;
      }
      return null;
    }

    /**
     * The engine's canonical JSON of these results (`Results::to_json` in Rust, `to_json()` in
     * Python): lines with traces, totals and component totals, byte for byte the same text as
     * the other bindings give for the same plan and data.
     */
    canonicalJson() {
      return call(() => handleOf(this).canonical_json());
    }

    /**
     * Recomputes every traced line's amount from its trace alone and checks it digit for
     * digit; returns the number of lines checked. Throws a CommissioError (`X0004`) naming
     * the first line whose trace does not replay (a bug in the engine).
     */
    verifyTraces() {
      return call(() => handleOf(this).verify_traces());
    }

    /** Releases the engine-side copy (used by `explain`, `statement` and unread traces). */
    free() {
      const st = resultState.get(this);
      if (st !== undefined) {
        resultState.delete(this);
        if (st.generation === generation) st.handle.free();
      }
    }

    toJSON() {
      return {
        lines: this.lines.map((l) => l.toJSON()),
        totals: this.totals,
        componentTotals: this.componentTotals,
        periods: this.periods,
        grandTotal: this.grandTotal,
      };
    }
  }

  function handleOf(results) {
    const h = results instanceof Results ? resultState.get(results) : undefined;
    if (h === undefined) {
      throw new TypeError('results: expected the live Results of Plan.evaluate (not freed, not a copy)');
    }
    if (h.generation !== generation) {
      throw new CommissioError('X0003', 'these results were made before the engine restarted; evaluate again');
    }
    return h.handle;
  }

  // ---------------------------------------------------------------------------------------
  // Plans
  // ---------------------------------------------------------------------------------------

  /** A checked plan. Make one with `Plan.parse(text)`. */
  class Plan {
    #source;
    #handle;
    #generation;
    #info = null;

    constructor(token, source, handle) {
      if (token !== TOKEN) throw new TypeError('use Plan.parse(text) to make a Plan');
      this.#source = source;
      this.#handle = handle;
      this.#generation = generation;
    }

    /** Parses and checks plan text; throws a PlanError with every diagnostic. */
    static parse(text) {
      requireString('text', text);
      return new Plan(TOKEN, text, call((g) => g.WasmPlan.compile(text)));
    }

    #live() {
      if (this.#handle === null) throw new TypeError('this Plan was freed');
      if (this.#generation !== generation) {
        const source = this.#source;
        this.#handle = call((g) => g.WasmPlan.compile(source));
        this.#generation = generation;
      }
      return this.#handle;
    }

    /** The plan text this plan was parsed from. */
    get source() {
      return this.#source;
    }

    /** Versions with name, currency, calendar, components and input fields. */
    get info() {
      if (this.#info === null) this.#info = JSON.parse(call(() => this.#live().info()));
      return this.#info;
    }

    /** The name of the plan's first version. */
    get name() {
      return this.info.versions[0].name;
    }

    /** The plan currency (ISO code). */
    get currency() {
      return this.info.versions[0].currency;
    }

    /**
     * Validates the rows and evaluates over a period or range (`2026-Q1`, `2026-01..2026-06`).
     * `options.maxRows` lowers the row limit per table (default and maximum 50,000,000; a
     * longer table is a DataError `D0108`).
     */
    evaluate(inputs, period, options) {
      requireString('period', period);
      const maxRows = maxRowsOption(options);
      const t = encodeInputs(inputs);
      const handle = call(() => this.#live().evaluate(t.payees, t.deals, t.credits, t.quotas, t.managers, t.numberPlaces, t.numberValues, period, maxRows));
      let data;
      try {
        data = JSON.parse(call(() => handle.json()));
      } catch (e) {
        handle.free();
        throw e;
      }
      return new Results(TOKEN, data, handle);
    }

    /** The plain-text explanation of a payee's lines, or of one deal's; null when none. */
    explain(results, payee, deal) {
      requireString('payee', payee);
      if (deal !== undefined && deal !== null) requireString('deal', deal);
      const h = handleOf(results);
      const out = call(() => this.#live().explain(h, payee, deal === null ? undefined : deal));
      return out === undefined ? null : out;
    }

    /** A payee's statement in Markdown; null when the payee has no lines. */
    statement(results, payee) {
      requireString('payee', payee);
      const h = handleOf(results);
      const out = call(() => this.#live().statement(h, payee));
      return out === undefined ? null : out;
    }

    /**
     * What `payee` would earn in one `period` at each attainment from `from` to `to` in steps
     * of `step` (1 = 100%; defaults 0, 2, 0.05), using the payee's attributes and quotas.
     */
    payCurve(inputs, payee, period, options) {
      requireString('payee', payee);
      requireString('period', period);
      const o = options === undefined ? {} : options;
      if (!isPlainObject(o)) throw new TypeError(`options: expected an object, got ${describeType(o)}`);
      const from = decimalArg('from', o.from === undefined ? '0' : o.from);
      const to = decimalArg('to', o.to === undefined ? '2' : o.to);
      const step = decimalArg('step', o.step === undefined ? '0.05' : o.step);
      const t = encodeInputs(inputs);
      return JSON.parse(
        call(() => this.#live().pay_curve(t.payees, t.deals, t.credits, t.quotas, t.managers, t.numberPlaces, t.numberValues, payee, period, from, to, step)),
      );
    }

    /** The plan text in canonical layout. */
    format() {
      return call(() => this.#live().format());
    }

    /** Releases the engine-side plan now rather than at garbage collection (optional). */
    free() {
      if (this.#handle !== null && this.#generation === generation) this.#handle.free();
      this.#handle = null;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Programs
  // ---------------------------------------------------------------------------------------

  // Makes the engine-side program: the split rule (an unknown name is the engine's A0001),
  // then each plan (a PlanError says which by `planIndex`), then the program (R0003 when the
  // plans differ in grain, fiscal year or currency, or share a name).
  function buildProgram(sources, split) {
    const handle = call((g) => g.WasmProgram.new(split));
    const at = generation;
    try {
      sources.forEach((text, i) => {
        try {
          call(() => handle.add_plan(text));
        } catch (e) {
          if (e instanceof PlanError) e.planIndex = i;
          throw e;
        }
      });
      call(() => handle.finish());
    } catch (e) {
      if (at === generation) handle.free();
      throw e;
    }
    return handle;
  }

  // The split rule of `Program.parse`'s options: required, a string (the engine checks the name).
  function splitOption(options) {
    if (!isPlainObject(options)) {
      throw new TypeError(`options: expected an object {split: "days" | "credit_dates"}, got ${describeType(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (key !== 'split') throw new TypeError(`options: unknown option ${JSON.stringify(key)} (expected split)`);
    }
    if (typeof options.split !== 'string') {
      throw new TypeError(`options.split: required, "days" or "credit_dates"; got ${describeType(options.split)}`);
    }
    return options.split;
  }

  // ProgramResults → { handle, generation }: the engine-side results, kept for `explain`,
  // `statement` and the canonical JSON.
  const programState = new WeakMap();

  function programHandleOf(results) {
    const h = results instanceof ProgramResults ? programState.get(results) : undefined;
    if (h === undefined) {
      throw new TypeError('results: expected the live ProgramResults of Program.evaluate (not freed, not a copy)');
    }
    if (h.generation !== generation) {
      throw new CommissioError('X0003', 'these results were made before the engine restarted; evaluate again');
    }
    return h.handle;
  }

  /**
   * What a program's evaluation produced: each plan's `Results` (`plans`, in program order)
   * and the program's totals per payee and period (the plans' totals added exactly).
   */
  class ProgramResults {
    constructor(token, handle) {
      if (token !== TOKEN) throw new TypeError('ProgramResults are made by Program.evaluate');
      const plans = [];
      try {
        const data = JSON.parse(call(() => handle.json()));
        const n = call(() => handle.plan_count());
        for (let i = 0; i < n; i++) {
          const name = call(() => handle.plan_name(i));
          const h = call(() => handle.plan(i));
          let results;
          try {
            results = new Results(TOKEN, JSON.parse(call(() => h.json())), h);
          } catch (e) {
            h.free();
            throw e;
          }
          plans.push(Object.freeze({ name, results }));
        }
        this.plans = plans;
        this.totals = data.totals;
        this.grandTotal = data.grandTotal;
      } catch (e) {
        for (const p of plans) p.results.free();
        handle.free();
        throw e;
      }
      programState.set(this, { handle, generation });
    }

    /** The program's total of a payee and period (`"2026-04"`), or null when no plan paid them. */
    total(payee, period) {
      for (const t of this.totals) {
        if (t.payee === payee && t.period === period) return t.amount;
      }
      return null;
    }

    /** The results of the plan named `name`, or null. */
    plan(name) {
      const p = this.plans.find((x) => x.name === name);
      return p === undefined ? null : p.results;
    }

    /**
     * The engine's canonical JSON of the program's results (`ProgramResults::to_json` in
     * Rust): `{"plans": [{"plan", "lines", "totals", "component_totals"}], "totals": [...]}`,
     * byte for byte the same text as the other bindings give.
     */
    canonicalJson() {
      return call(() => programHandleOf(this).canonical_json());
    }

    /**
     * Recomputes every traced line of every plan from its trace alone (`Results.verifyTraces`
     * of each plan); returns the number of lines checked. Throws a CommissioError (`X0004`)
     * naming the first line that does not replay.
     */
    verifyTraces() {
      let n = 0;
      for (const p of this.plans) n += p.results.verifyTraces();
      return n;
    }

    /** Releases the engine-side copy (every plan's results with it). */
    free() {
      const st = programState.get(this);
      for (const p of this.plans) p.results.free();
      if (st !== undefined) {
        programState.delete(this);
        if (st.generation === generation) st.handle.free();
      }
    }

    toJSON() {
      return {
        plans: this.plans.map((p) => ({ name: p.name, results: p.results.toJSON() })),
        totals: this.totals,
        grandTotal: this.grandTotal,
      };
    }
  }

  /**
   * Several plans evaluated together over one set of tables and an `assignments` table that
   * says which plan pays which payee on which days. Make one with
   * `Program.parse([planText, ...], { split })`.
   */
  class Program {
    #sources;
    #split;
    #handle;
    #generation;
    #names = null;

    constructor(token, sources, split, handle) {
      if (token !== TOKEN) throw new TypeError('use Program.parse(texts, { split }) to make a Program');
      this.#sources = sources;
      this.#split = split;
      this.#handle = handle;
      this.#generation = generation;
    }

    /**
     * Parses and checks each plan text and makes the program. `options.split` is required:
     * `"days"` or `"credit_dates"`. Throws a PlanError (with `planIndex`) for a plan that does
     * not compile, an EvalError `R0003` when the plans do not make one program.
     */
    static parse(texts, options) {
      if (!Array.isArray(texts)) throw new TypeError(`texts: expected an array of plan texts, got ${describeType(texts)}`);
      const sources = texts.map((t, i) => requireString(`texts[${i}]`, t));
      const split = splitOption(options);
      return new Program(TOKEN, Object.freeze(sources), split, buildProgram(sources, split));
    }

    #live() {
      if (this.#handle === null) throw new TypeError('this Program was freed');
      if (this.#generation !== generation) {
        this.#handle = buildProgram(this.#sources, this.#split);
        this.#generation = generation;
      }
      return this.#handle;
    }

    /** The plan texts, in program order. */
    get sources() {
      return this.#sources;
    }

    /** The split rule: `"days"` or `"credit_dates"`. */
    get split() {
      return this.#split;
    }

    /** The plans' names, in program order (the names the `assignments` table uses). */
    get names() {
      if (this.#names === null) this.#names = Object.freeze(JSON.parse(call(() => this.#live().names())));
      return this.#names;
    }

    /**
     * Validates the tables (`payees`, `deals`, `assignments`, optional `credits`, `quotas`,
     * `managers`) for every plan and evaluates the program over a period or range. Errors are
     * those of `Plan.evaluate`, their message led by the plan they arose in (`plan "AE": `),
     * with `plan` and `planIndex` set.
     */
    evaluate(inputs, period, options) {
      requireString('period', period);
      const maxRows = maxRowsOption(options);
      const t = encodeInputs(inputs, PROGRAM_TABLES);
      const live = this.#live();
      let handle;
      try {
        handle = call(() => live.evaluate(t.payees, t.deals, t.credits, t.quotas, t.managers, t.assignments, t.numberPlaces, t.numberValues, period, maxRows));
      } catch (e) {
        if (e instanceof CommissioError && this.#generation === generation) {
          const plan = live.failed_plan();
          if (plan !== undefined) {
            e.plan = plan;
            e.planIndex = this.names.indexOf(plan);
          }
        }
        throw e;
      }
      return new ProgramResults(TOKEN, handle);
    }

    /**
     * The plain-text story of a payee's payouts under every plan that paid them (or of one
     * deal's lines), each plan's part led by its name; null when none.
     */
    explain(results, payee, deal) {
      requireString('payee', payee);
      if (deal !== undefined && deal !== null) requireString('deal', deal);
      const h = programHandleOf(results);
      const out = call(() => this.#live().explain(h, payee, deal === null ? undefined : deal));
      return out === undefined ? null : out;
    }

    /** A payee's statement in Markdown (one section per plan, then the program's totals); null when none. */
    statement(results, payee) {
      requireString('payee', payee);
      const h = programHandleOf(results);
      const out = call(() => this.#live().statement(h, payee));
      return out === undefined ? null : out;
    }

    /** Releases the engine-side program now rather than at garbage collection (optional). */
    free() {
      if (this.#handle !== null && this.#generation === generation) this.#handle.free();
      this.#handle = null;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Functions
  // ---------------------------------------------------------------------------------------

  /** Every diagnostic of plan text (empty when the plan is fine); never throws for bad text. */
  function check(text) {
    requireString('text', text);
    return camelKeys(JSON.parse(call((g) => g.check(text))));
  }

  /** Plan text in canonical layout; throws a PlanError when it does not parse. */
  function format(text) {
    requireString('text', text);
    return call((g) => g.format(text));
  }

  /** An SVG line chart of pay-curve points. */
  function curveSvg(points, title) {
    if (!Array.isArray(points)) throw new TypeError(`points: expected an array, got ${describeType(points)}`);
    const t = title === undefined ? 'Pay curve' : requireString('title', title);
    return call((g) => g.curve_svg(JSON.stringify(points), t));
  }

  function version() {
    return call((g) => g.version());
  }

  const internal = Object.freeze({
    // Test hook: makes the engine stop the way a bug would, to test recovery.
    trap() {
      call((g) => g.__trap());
    },
  });

  const api = {
    init,
    initSync,
    Plan,
    Results,
    Program,
    ProgramResults,
    check,
    format,
    curveSvg,
    version,
    CommissioError,
    PlanError,
    DataError,
    PeriodError,
    EvalError,
    __internal: internal,
  };
  // `default` too, so `import api from 'commissio'` and `require('commissio').default` agree.
  api.default = api;
  return Object.freeze(api);
}
