// Types of the `commissio` npm package (hand-written; the package test checks that no `any`
// appears and type-checks a strict program against them, as ESM and as CommonJS).

/** An exact decimal as text, e.g. `"1250.00"`. Money and rates always cross as these. */
export type Decimal = string;

/**
 * A value in an input row. Strings are read as the column's declared type (decimals are
 * exact as text: `"1005.50"`); booleans as bools; `null`/`undefined` are empty. A `bigint` is
 * an exact whole number. A `number` is a binary float, so by the rule every binding shares it
 * is accepted only as a safe integer (`Number.isSafeInteger`: `1000`, `-7`), which is that
 * whole number; any other number (`0.1`, `1005.5`, beyond ±(2^53 − 1), NaN, ±Infinity) is
 * refused with D0102 where the plan reads it. Pass decimals as strings.
 */
export type CellInput = string | number | bigint | boolean | null | undefined;

/** One input row: column name → value (flat; nested values are refused with D0002). */
export type Row = { readonly [column: string]: CellInput };

/** The input tables of an evaluation (see tests/corpus/README.md for the columns). */
export interface Inputs {
  /** Payees: `id`, optional `manager`, `start`, `end`, then the plan's payee fields. */
  readonly payees: readonly Row[];
  /** Deals: `id`, `payee` (owner), `date`, then the plan's deal fields. */
  readonly deals: readonly Row[];
  /** Credit splits: `deal`, `payee`, `share`, optional `role`; default: 100% to the owner. */
  readonly credits?: readonly Row[] | null;
  /** Quotas: `payee`, `period`, `amount`. */
  readonly quotas?: readonly Row[] | null;
  /**
   * Manager assignments with effective dates: `payee`, `manager`, `from`, optional `to`
   * (dates, both included; empty `to` = no end). When given, they are the reporting
   * hierarchy and the payees' `manager` column must be empty.
   */
  readonly managers?: readonly Row[] | null;
}

/** A place in plan text: byte offsets, UTF-16 offsets (string indices), 1-based lines and columns. */
export interface Span {
  /** First byte (UTF-8). */
  readonly start: number;
  /** One past the last byte (UTF-8). */
  readonly end: number;
  /** `start` as a JavaScript string index (UTF-16 code units). */
  readonly startUtf16: number;
  /** `end` as a JavaScript string index. */
  readonly endUtf16: number;
  /** 1-based line of the start. */
  readonly line: number;
  /** 1-based column of the start, in UTF-8 bytes. */
  readonly column: number;
  /** 1-based column of the start, in UTF-16 code units (what editors count). */
  readonly columnUtf16: number;
  /** 1-based column of the start, in characters (Unicode scalar values), for people. */
  readonly columnChars: number;
  /** 1-based line of the end. */
  readonly endLine: number;
  /** 1-based column of the end, in UTF-8 bytes. */
  readonly endColumn: number;
  /** 1-based column of the end, in UTF-16 code units. */
  readonly endColumnUtf16: number;
  /** 1-based column of the end, in characters. */
  readonly endColumnChars: number;
}

/** A place related to a diagnostic (the earlier definition of a duplicate, ...). */
export interface RelatedSpan extends Span {
  readonly message: string;
}

/** One problem in plan text. */
export interface Diagnostic extends Span {
  /** Stable code, e.g. `E0301` (docs/language.md lists them). */
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Note on the primary span (may be empty). */
  readonly label: string;
  /** How to fix it, when there is something useful to say. */
  readonly hint: string | null;
  readonly related: readonly RelatedSpan[];
}

export type TableName = 'payees' | 'deals' | 'credits' | 'quotas' | 'managers' | 'assignments';

/** One problem in the input rows. */
export interface DataErrorItem {
  /** Stable code, e.g. `D0202`. */
  readonly code: string;
  readonly table: TableName | null;
  /** 1-based row (the first row is 1); null for a whole-table problem. */
  readonly row: number | null;
  /** The record's id, when known. */
  readonly id: string | null;
  /** The column concerned. */
  readonly field: string | null;
  /** What was expected, when a type was. */
  readonly expected: string | null;
  readonly message: string;
}

/** Base class of the errors the engine reports. */
export class CommissioError extends Error {
  protected constructor();
  /** Stable code: `E....` plan, `D....` data, `P0001` period, `R....` evaluation, `A....` argument, `X....` internal. */
  readonly code: string;
  /**
   * The engine's canonical JSON of the error (Rust `Error::to_json`, Python
   * `canonical_json`): the same text for the same plan and data in every binding. Null for
   * internal errors (`X....`) and for argument errors found in JavaScript before the engine runs.
   */
  readonly canonicalJson: string | null;
  /**
   * For an error of a program (`Program.parse`, `Program.evaluate`): the index, in program
   * order, of the plan it arose in. Null when it arose in no one plan (the assignments, the
   * program as a whole) and for errors outside a program.
   */
  readonly planIndex: number | null;
  /** The name of that plan; null as `planIndex` is, and for a plan that did not compile. */
  readonly plan: string | null;
}

/** The plan text was refused; every diagnostic is listed. */
export class PlanError extends CommissioError {
  private constructor();
  readonly diagnostics: readonly Diagnostic[];
}

/** The input rows were refused; every problem names its table, row and field. */
export class DataError extends CommissioError {
  private constructor();
  readonly errors: readonly DataErrorItem[];
  /** Further errors found but not listed. */
  readonly omitted: number;
}

/** The period text could not be read with the plan's calendar (code `P0001`). */
export class PeriodError extends CommissioError {
  private constructor();
  readonly text: string;
  /** Why the text was refused. */
  readonly reason: string;
}

/** Evaluation stopped: division by zero, overflow, ... */
export class EvalError extends CommissioError {
  private constructor();
  /** The message without location. */
  readonly reason: string;
  readonly payee: string | null;
  readonly deal: string | null;
  readonly period: string | null;
  /** The plan text that caused it; null when the engine names no place. */
  readonly source: Span | null;
}

export type LineKind = 'deal' | 'period' | 'true_up' | 'floor_top_up' | 'rounding' | 'assignment';
export type RoundingMode = 'half_even' | 'half_up' | 'half_down' | 'down' | 'up' | 'floor' | 'ceiling';
export type RoundingStage = 'line' | 'component' | 'payout';
export type LimitLevel = 'line' | 'period' | 'total_period' | 'total_plan';

/** Byte range of plan text. */
export interface SourceRef {
  readonly start: number;
  readonly end: number;
}

/** The part of a line's basis that fell into one tier band. */
export interface TierSlice {
  readonly band: number;
  readonly lo: Decimal;
  readonly hi: Decimal;
  readonly rate: Decimal;
  readonly flat: boolean;
  readonly amount: Decimal;
}

export interface MultiplierStep {
  readonly factor: Decimal;
  readonly source: SourceRef;
}

export interface GateStep {
  readonly gate: number;
  readonly pass: boolean;
  readonly source: SourceRef;
}

export interface LimitStep {
  readonly kind: 'cap' | 'floor';
  readonly level: LimitLevel;
  readonly component: string;
  readonly value: Decimal;
  readonly before: Decimal;
  readonly after: Decimal;
  readonly source: SourceRef;
  /** Where a cap or floor over a sequence stood before this line (total accrued, paid so far); present only on steps that record it. */
  readonly accrued?: { readonly total: Decimal; readonly paid: Decimal };
}

/** One report's part of a team commission. */
export interface TeamReport {
  readonly payee: string;
  readonly amount: Decimal;
}

/** A team commission (`team commission(...)`) the line's component read. */
export interface TeamInput {
  /** The sum of the reports' amounts. */
  readonly value: Decimal;
  /** The reports whose counted components paid something in the period (in payee id order). */
  readonly reports: readonly TeamReport[];
  readonly source: SourceRef;
}

/** One row of a program's `assignments` table, as an assignment line's trace names it. */
export interface AssignmentInfo {
  /** 1-based row in the `assignments` table. */
  readonly row: number;
  /** First day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last day (included); null = no end. */
  readonly to: string | null;
  /** Null = the whole payee. */
  readonly weight: Decimal | null;
}

/** The share of a period a program's plan pays a payee who is on it for part of the period. */
export interface AssignmentShare {
  /** What the plan's other lines pay the payee in the period (its pay for the whole period). */
  readonly full: Decimal;
  /** The days on the plan in the period, each at its assignment's weight. */
  readonly assigned_days: Decimal;
  /** The days the share is taken of (the period's days under `days`, the assigned days under `credit_dates`). */
  readonly of_days: number;
  /** `assigned_days / of_days`. */
  readonly fraction: Decimal;
  /** The assignments in force in the period. */
  readonly assignments: readonly AssignmentInfo[];
}

/** Why a line pays what it pays. */
export interface Trace {
  /** The component (rule) that produced the line. */
  readonly rule: string;
  readonly basis: Decimal | null;
  readonly rate: Decimal | null;
  /** Rate-table row (-1 = the default row). */
  readonly row: number | null;
  /** Retroactive tier band. */
  readonly band: number | null;
  readonly slices: readonly TierSlice[];
  readonly multipliers: readonly MultiplierStep[];
  readonly gates: readonly GateStep[];
  readonly unrounded: Decimal;
  readonly rounded: Decimal;
  readonly rounding: { readonly mode: RoundingMode; readonly scale: number; readonly stage: RoundingStage } | null;
  readonly limits: readonly LimitStep[];
  /** Present only on lines of components that read team commission. */
  readonly team?: readonly TeamInput[];
  /** Present only on a program's `assignment` lines. */
  readonly assignment?: AssignmentShare;
  /** Present only on `true_up` lines: `(year_to_date − earlier) − this_period` is the line. */
  readonly true_up?: { readonly year_to_date: Decimal; readonly earlier: Decimal; readonly this_period: Decimal };
  /** Present only on lines priced by an interpolated table: where it was read. */
  readonly interpolation?: {
    readonly key: Decimal;
    readonly lower: { readonly at: Decimal; readonly value: Decimal };
    readonly upper: { readonly at: Decimal; readonly value: Decimal };
  };
}

export interface Line {
  readonly payee: string;
  readonly period: string;
  /** Component name; `(plan)` for plan-level lines. */
  readonly component: string;
  /** Null for period-level lines (bonuses, true-ups, ...). */
  readonly deal: string | null;
  readonly kind: LineKind;
  readonly share: Decimal;
  readonly amount: Decimal;
  readonly trace: Trace;
}

export interface Total {
  readonly payee: string;
  readonly period: string;
  readonly amount: Decimal;
}

export interface ComponentTotal extends Total {
  readonly component: string;
}

/** What an evaluation produced. */
export class Results {
  private constructor();
  readonly lines: readonly Line[];
  readonly totals: readonly Total[];
  readonly componentTotals: readonly ComponentTotal[];
  /** Reported period labels, in order. */
  readonly periods: readonly string[];
  /** Sum of every total. */
  readonly grandTotal: Decimal;
  /** The total of a payee and period, or null when it has no lines. */
  total(payee: string, period: string): Decimal | null;
  /** Releases the engine-side copy kept for `explain`/`statement` (optional; GC does it too). */
  free(): void;
  /**
   * The engine's canonical JSON of these results (Rust `Results::to_json`, Python
   * `Results.to_json()`): the same text for the same plan and data in every binding. Snake-case
   * keys, unlike `toJSON`.
   */
  canonicalJson(): string;
  /**
   * Recomputes every traced line's amount from its trace alone, digit for digit; the number of
   * lines checked. Throws `CommissioError` (`X0004`) naming the first line that does not replay.
   */
  verifyTraces(): number;
  /** Plain data, traces included (what `JSON.stringify` writes). */
  toJSON(): ResultsData;
}

/** The data of `Results`, as `JSON.stringify` writes it. */
export interface ResultsData {
  readonly lines: readonly Line[];
  readonly totals: readonly Total[];
  readonly componentTotals: readonly ComponentTotal[];
  readonly periods: readonly string[];
  readonly grandTotal: Decimal;
}

export interface InputField {
  /** Name in the plan (`deal.amount` → `amount`). */
  readonly name: string;
  /** Column in the data. */
  readonly column: string;
  readonly type: 'money' | 'number' | 'percent' | 'integer' | 'date' | 'text' | 'bool';
}

export interface PlanVersionInfo {
  readonly name: string;
  readonly currency: string;
  /** Decimals allowed in money inputs. */
  readonly minorUnits: number;
  readonly period: 'month' | 'quarter' | 'half' | 'year';
  readonly fiscalYearStartMonth: number;
  /** Inclusive `YYYY-MM-DD` dates. */
  readonly effective: { readonly start: string; readonly end: string };
  readonly components: readonly string[];
  readonly inputs: {
    readonly deal: readonly InputField[];
    readonly payee: readonly InputField[];
    readonly dealColumns: { readonly id: string; readonly payee: string; readonly date: string };
    readonly payeeColumns: { readonly id: string; readonly manager: string; readonly start: string; readonly end: string };
  };
}

export interface PlanInfo {
  readonly versions: readonly PlanVersionInfo[];
}

/** One point of a pay curve. */
export interface CurvePoint {
  /** Attainment, 1 = 100%. */
  readonly attainment: Decimal;
  /** Credited amount that attainment stands for. */
  readonly credited: Decimal;
  /** What the plan pays for the period at that amount. */
  readonly payout: Decimal;
}

/** Pay-curve range: decimal strings (or whole numbers: a number follows the `CellInput` rule, anything but a safe integer is refused with A0001); 1 = 100%. */
export interface CurveOptions {
  /** Default `"0"`. */
  readonly from?: Decimal | number;
  /** Default `"2"`. */
  readonly to?: Decimal | number;
  /** Default `"0.05"`. */
  readonly step?: Decimal | number;
}

/** Options of `Plan.evaluate`. */
export interface EvaluateOptions {
  /**
   * Most rows per input table: a whole number >= 0, default and maximum 50,000,000 (the
   * engine's limit). A longer table is refused with a `DataError` `D0108` whose row is the
   * first row beyond the limit.
   */
  readonly maxRows?: number;
}

/** A checked plan. */
export class Plan {
  private constructor();
  /** Parses and checks plan text; throws `PlanError` listing every diagnostic. */
  static parse(text: string): Plan;
  /** The text it was parsed from. */
  readonly source: string;
  /** Name of the first version. */
  readonly name: string;
  /** ISO currency code. */
  readonly currency: string;
  readonly info: PlanInfo;
  /**
   * Validates the rows and evaluates over a period or range (`"2026-Q1"`,
   * `"2026-01..2026-06"`, `"2026"`). Throws `DataError`, `PeriodError` or `EvalError`.
   */
  evaluate(inputs: Inputs, period: string, options?: EvaluateOptions): Results;
  /** Plain-text explanation of a payee's lines (or one deal's); null when there are none. */
  explain(results: Results, payee: string, deal?: string | null): string | null;
  /** A payee's statement in Markdown; null when the payee has no lines. */
  statement(results: Results, payee: string): string | null;
  /** What `payee` would earn in one period at each attainment (at most 1000 points). */
  payCurve(inputs: Inputs, payee: string, period: string, options?: CurveOptions): CurvePoint[];
  /** The plan text in canonical layout. */
  format(): string;
  /** Releases the engine-side plan now (optional; GC does it too). */
  free(): void;
}

/** Every diagnostic of plan text; empty when the plan is fine. Never throws for bad text. */
export function check(text: string): Diagnostic[];
/** Plan text in canonical layout; throws `PlanError` when it does not parse. */
export function format(text: string): string;
/** An SVG line chart of pay-curve points. */
export function curveSvg(points: readonly CurvePoint[], title?: string): string;
/** The engine version. */
export function version(): string;

/** How a program pays a payee who is on several of its plans in one period. */
export type SplitRule = 'days' | 'credit_dates';

/** Options of `Program.parse`: the split rule is required. */
export interface ProgramOptions {
  /**
   * `"days"`: each plan pays its whole-period amount times the payee's days on it over the
   * period's days; `"credit_dates"`: each plan sees only the credit lines dated on the payee's
   * days on it. Any other text is a `CommissioError` `A0001`.
   */
  readonly split: SplitRule;
}

/** The input tables of a program's evaluation: a plan's tables and the `assignments` table. */
export interface ProgramInputs extends Inputs {
  /**
   * Which plan pays which payee on which days: `payee`, `plan` (a plan's name as written in
   * `plan "…"`), `from`, optional `to` (dates, both included; empty = no end), optional
   * `weight` (a share in (0, 1], `"0.3"` or `"30%"`; empty = the whole payee).
   */
  readonly assignments: readonly Row[];
}

/** One plan's results within a program. */
export interface PlanResults {
  /** The plan's name. */
  readonly name: string;
  /** Its results, an ordinary `Results` (lines with traces, totals, `verifyTraces`, ...). */
  readonly results: Results;
}

/** What a program's evaluation produced. */
export class ProgramResults {
  private constructor();
  /** Each plan's results, in program order. */
  readonly plans: readonly PlanResults[];
  /** One total per payee and period that some plan paid: the plans' totals added exactly. */
  readonly totals: readonly Total[];
  /** Sum of every total. */
  readonly grandTotal: Decimal;
  /** The program's total of a payee and period, or null when no plan paid them. */
  total(payee: string, period: string): Decimal | null;
  /** The results of the plan named `name`, or null. */
  plan(name: string): Results | null;
  /**
   * The engine's canonical JSON of the program's results (Rust `ProgramResults::to_json`):
   * `{"plans": [{"plan", "lines", "totals", "component_totals"}], "totals": [...]}`.
   */
  canonicalJson(): string;
  /** `verifyTraces()` of every plan's results: the number of lines checked. */
  verifyTraces(): number;
  /** Releases the engine-side copy, every plan's results with it (optional; GC does it too). */
  free(): void;
  /** Plain data, traces included. */
  toJSON(): ProgramResultsData;
}

/** The data of `ProgramResults`, as `JSON.stringify` writes it. */
export interface ProgramResultsData {
  readonly plans: readonly { readonly name: string; readonly results: ResultsData }[];
  readonly totals: readonly Total[];
  readonly grandTotal: Decimal;
}

/** Several plans evaluated together over one set of tables and an `assignments` table. */
export class Program {
  private constructor();
  /**
   * Parses and checks each plan text and makes the program. Throws `PlanError` for a plan
   * that does not compile (its `planIndex` says which), `EvalError` `R0003` when the plans
   * share a name or differ in period, fiscal year start or currency, `CommissioError`
   * `A0001` for an unknown split rule.
   */
  static parse(texts: readonly string[], options: ProgramOptions): Program;
  /** The plan texts, in program order. */
  readonly sources: readonly string[];
  readonly split: SplitRule;
  /** The plans' names, in program order (the names the `assignments` table uses). */
  readonly names: readonly string[];
  /**
   * Validates the tables for every plan and the assignments, and evaluates over a period or
   * range. Throws `DataError`, `PeriodError` or `EvalError` as `Plan.evaluate` does, the
   * message led by the plan the error arose in (`plan "AE": …`; `plan`, `planIndex`).
   */
  evaluate(inputs: ProgramInputs, period: string, options?: EvaluateOptions): ProgramResults;
  /** Plain-text explanation of a payee's payouts under every plan (or one deal's); null when none. */
  explain(results: ProgramResults, payee: string, deal?: string | null): string | null;
  /** A payee's statement in Markdown: one section per plan, then the program's totals; null when none. */
  statement(results: ProgramResults, payee: string): string | null;
  /** Releases the engine-side program now (optional; GC does it too). */
  free(): void;
}

/** What `init` and `initSync` can load the engine from in a browser. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the engine. Required once before anything else in browsers (it fetches
 * `commissio_wasm_bg.wasm` next to the module unless given another source); a no-op in Node.
 */
export function init(input?: InitInput | Promise<InitInput>): Promise<void>;
/** Loads the engine synchronously from bytes or a compiled module; a no-op in Node. */
export function initSync(input: BufferSource | WebAssembly.Module): void;

declare const api: {
  readonly init: typeof init;
  readonly initSync: typeof initSync;
  readonly Plan: typeof Plan;
  readonly Results: typeof Results;
  readonly Program: typeof Program;
  readonly ProgramResults: typeof ProgramResults;
  readonly check: typeof check;
  readonly format: typeof format;
  readonly curveSvg: typeof curveSvg;
  readonly version: typeof version;
  readonly CommissioError: typeof CommissioError;
  readonly PlanError: typeof PlanError;
  readonly DataError: typeof DataError;
  readonly PeriodError: typeof PeriodError;
  readonly EvalError: typeof EvalError;
};
export default api;
