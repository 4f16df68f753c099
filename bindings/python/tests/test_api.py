"""The Python API: plans, diagnostics, formatting, evaluation, results, explanations, exports
and pay curves."""

from __future__ import annotations

import json
import sys
from decimal import Decimal

import pytest

import commissio
from conftest import AE_PLAN, DATA, EXAMPLES, FLAT_PLAN, ae_rows, hierarchy_rows


# --- plans ---------------------------------------------------------------------------------


def test_parse_and_metadata(ae_plan):
    assert ae_plan.name == "AE"
    assert ae_plan.currency == "USD"
    assert ae_plan.components == ["core", "spiff"]
    assert ae_plan.source == AE_PLAN
    assert not hasattr(ae_plan, "check")  # a compiled plan has no warnings to list
    assert "AE" in repr(ae_plan)
    assert commissio.Plan(AE_PLAN).name == "AE"


def test_from_file(tmp_path):
    plan = commissio.Plan.from_file(EXAMPLES / "ae_quota_tiers.comp")
    assert plan.name == "Account Executive FY2026"
    p = tmp_path / "bad.comp"
    p.write_text('plan "x" {\n  currency usd\n}\n', encoding="utf-8")
    with pytest.raises(commissio.PlanError) as e:
        commissio.Plan.from_file(str(p))
    assert str(p) in str(e.value)  # the file name is in the rendered diagnostics
    with pytest.raises(OSError):
        commissio.Plan.from_file(tmp_path / "missing.comp")


def test_parse_error_carries_every_diagnostic():
    text = 'plan "x" {\n  currency usd\n}\n'
    with pytest.raises(commissio.PlanError) as e:
        commissio.Plan.parse(text)
    err = e.value
    assert err.code == err.diagnostics[0].code
    assert len(err.diagnostics) >= 1
    d = err.diagnostics[0]
    assert (d.code, d.line, d.column) == ("E0001", 2, 12)
    assert d.severity == "error"
    assert "USD" in d.message
    assert d.end_line == 2 and d.end_column > d.column
    assert "error[E0001]" in str(err) and "^^^" in str(err)
    # The same diagnostics, without raising.
    assert commissio.check(text) == err.diagnostics
    assert commissio.check(AE_PLAN) == []


def test_diagnostics_are_frozen_values_with_hints():
    text = FLAT_PLAN.replace("rate 5%", 'rate graduated by amount {\n  [0, 50_000) 5%\n  [60_000, ..) 7%\n}')
    diags = commissio.check(text)
    assert len(diags) == 1
    d = diags[0]
    assert (d.code, d.severity, d.message, d.label, d.hint) == (
        "E0301",
        "error",
        "tiers leave a gap: 50000..60000",
        "",
        "start this band at 50000 or end the previous one at 60000",
    )
    assert (d.line, d.column, d.end_line, d.end_column, d.start, d.end) == (10, 3, 11, 1, 241, 257)
    assert len(d.related) == 1
    r = d.related[0]
    assert isinstance(r, commissio.Label)
    assert (r.message, r.line, r.column, r.end_line, r.end_column, r.start, r.end) == (
        "previous band ends here", 9, 3, 10, 3, 224, 241,
    )
    with pytest.raises(AttributeError):
        d.code = "X"  # type: ignore[misc]
    assert hash(d) == hash(commissio.check(text)[0])
    # The dict is the engine's diagnostic view: the same keys and values as every binding's.
    span = lambda x: {
        "start": x.start, "end": x.end, "start_utf16": x.start_utf16, "end_utf16": x.end_utf16,
        "line": x.line, "column": x.column, "column_utf16": x.column_utf16,
        "column_chars": x.column_chars, "end_line": x.end_line, "end_column": x.end_column,
        "end_column_utf16": x.end_column_utf16, "end_column_chars": x.end_column_chars,
    }
    assert d.to_dict() == {
        "code": "E0301", "severity": "error", "message": "tiers leave a gap: 50000..60000",
        **span(d), "label": "", "hint": "start this band at 50000 or end the previous one at 60000",
        "related": [{**span(r), "message": "previous band ends here"}],
    }
    with pytest.raises(commissio.PlanError) as e:
        commissio.Plan.parse(text)
    assert json.loads(e.value.canonical_json)["diagnostics"] == [d.to_dict()]
    assert str(d) == "error[E0301] line 10, column 3: tiers leave a gap: 50000..60000 (hint: start this band at 50000 or end the previous one at 60000)"


def test_utf16_columns():
    # A non-ASCII name before the error: UTF-8 and UTF-16 columns differ.
    text = 'plan "€€" { currency usd }'
    d = commissio.check(text)[0]
    assert d.column - d.column_utf16 == 4  # each € is 3 bytes, 1 UTF-16 unit


def test_multiple_errors_at_once():
    text = FLAT_PLAN.replace("currency USD", "currency usd").replace("rate 5%", "rate 5% + deal.nope")
    diags = commissio.check(text)
    assert len(diags) >= 1
    with pytest.raises(commissio.PlanError) as e:
        commissio.Plan.parse(text)
    assert e.value.diagnostics == diags


def test_format_is_canonical_and_idempotent(ae_plan):
    messy = 'plan "F" {\ncurrency USD\n period quarter\neffective 2026-01-01 to 2026-12-31\n rounding half_even 2 per line\ninput deal { amount: money }\ncomponent c { commission on credit.amount rate 5% }\n}\n'
    out = commissio.format(messy)
    assert out != messy
    assert commissio.format(out) == out
    assert commissio.Plan.parse(messy).format() == out
    assert commissio.Plan.parse(out).format() == out
    assert ae_plan.format() == commissio.format(AE_PLAN)
    with pytest.raises(commissio.PlanError):
        commissio.format("plan {")


# --- evaluation and results ------------------------------------------------------------------


def test_evaluate_lists_of_dicts(ae_plan):
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    assert isinstance(r, commissio.Results)
    assert r.periods == ["2026-Q1"]
    assert r.payees == ["A", "B"]
    by = {(l.payee, l.deal, l.component): l.amount for l in r.lines}
    assert by[("A", "D1", "core")] == Decimal("3000.00")
    assert by[("A", "D2", "core")] == Decimal("7500.00")
    assert by[("A", "D2", "spiff")] == Decimal("100.00")
    assert by[("B", "D3", "core")] == Decimal("60.00")
    assert r.total("A", "2026-Q1") == Decimal("10600.00")
    assert r.total("B", "2026-Q1") == Decimal("160.00")
    assert r.total("Z", "2026-Q1") is None
    assert r.grand_total == Decimal("10760.00")
    assert len(r) == len(r.lines) == 5
    assert {(t.payee, t.period, t.amount) for t in r.totals} == {
        ("A", "2026-Q1", Decimal("10600.00")),
        ("B", "2026-Q1", Decimal("160.00")),
    }
    ct = {(c.payee, c.component): c.amount for c in r.component_totals}
    assert ct[("A", "core")] == Decimal("10500.00") and ct[("A", "spiff")] == Decimal("100.00")
    assert "10760.00" in repr(r)


def test_money_is_decimal_with_scale(ae_plan):
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    for l in r.lines:
        assert type(l.amount) is Decimal and type(l.share) is Decimal
        assert l.amount.as_tuple().exponent == -2
    for t in r.totals:
        assert type(t.amount) is Decimal and str(t.amount).endswith(".00")


def test_line_fields_and_trace(ae_plan):
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    line = next(l for l in r.lines if l.deal == "D2" and l.component == "core")
    assert (line.payee, line.period, line.kind, line.share) == ("A", "2026-Q1", "deal", Decimal("1"))
    t = line.trace
    assert t["rule"] == "core"
    assert t["basis"] == Decimal("70000.00")
    assert [s["rate"] for s in t["slices"]] == [Decimal("0.05"), Decimal("0.10")]
    assert sum(s["amount"] for s in t["slices"]) == Decimal("5000.00")
    assert t["multipliers"][0]["factor"] == Decimal("1.5")
    assert t["unrounded"] == Decimal("7500.00")
    assert t["rounding"] == {"mode": "half_even", "scale": 2, "stage": "line"}
    d = line.to_dict()
    assert d["amount"] == Decimal("7500.00") and d["deal"] == "D2" and d["trace"] == t
    assert "7500.00" in line.explain()
    assert "D2" in repr(line)
    with pytest.raises(AttributeError):
        line.amount = Decimal(0)  # type: ignore[misc]


def test_team_commission_and_managers_table():
    """A dated hierarchy (`managers=`) and an override on the reports' commission, traced."""
    plan, payees, deals, managers = hierarchy_rows()
    r = plan.evaluate(payees=payees, deals=deals, managers=managers, period="2026-Q1")
    assert {p: r.total(p, "2026-Q1") for p in ["VP", "M1", "M2"]} == {
        "VP": Decimal("1200.00"),
        "M1": Decimal("1300.00"),
        "M2": Decimal("1400.00"),
    }
    line = next(l for l in r.lines if l.payee == "M2" and l.component == "pay_override")
    assert line.trace["team"][0]["value"] == Decimal("8000.00")
    assert line.trace["team"][0]["reports"] == [{"payee": "R1", "amount": Decimal("8000.00")}]
    assert "team" not in next(l for l in r.lines if l.component == "rep").trace
    # Bad assignments are data errors naming the managers table.
    with pytest.raises(commissio.DataError) as e:
        plan.evaluate(
            payees=payees,
            deals=deals,
            managers=[{"payee": "R1", "manager": "R1", "from": "2026-01-01"}],
            period="2026-Q1",
        )
    x = e.value.errors[0]
    assert (x.code, x.table, x.row, x.field) == ("D0208", "managers", 1, "manager")


def test_explain_and_statement(ae_plan):
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    story = r.explain("A")
    assert story is not None and "D1" in story and "D2" in story and "10,600.00" in story
    only = r.explain("A", deal="D2")
    assert only is not None and "D1" not in only and "D2" in only
    assert r.explain("nobody") is None
    st = r.statement("A")
    assert st is not None and st.startswith("# Commission statement: A") and "| core |" in st
    assert r.statement("nobody") is None


def test_to_json(ae_plan):
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    j = json.loads(r.to_json())
    assert set(j) == {"lines", "totals", "component_totals"}
    assert {t["amount"] for t in j["totals"]} == {"10600.00", "160.00"}


def test_period_ranges(ae_plan):
    payees, deals = ae_rows()
    deals = deals + [{"id": "D9", "payee": "B", "date": "2026-05-01", "amount": "10.00", "product": "Core", "new_logo": False, "closed": "2026-05-01"}]
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026")
    assert r.periods == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert r.total("B", "2026-Q2") == Decimal("0.50")
    r2 = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1..2026-Q2")
    assert r2.periods == ["2026-Q1", "2026-Q2"]


# --- exports ---------------------------------------------------------------------------------


def test_to_arrow(ae_plan):
    pa = pytest.importorskip("pyarrow")
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    t = r.to_arrow()
    assert t.num_rows == 5
    assert t.column_names == ["payee", "period", "component", "deal", "kind", "share", "amount"]
    assert pa.types.is_decimal(t.schema.field("amount").type)
    assert sum(t.column("amount").to_pylist()) == Decimal("10760.00")
    totals = r.to_arrow("totals")
    assert totals.column_names == ["payee", "period", "amount"]
    assert r.to_arrow("component_totals").num_rows == 4  # A core, A spiff, B core, B spiff
    # Results itself speaks the Arrow PyCapsule interface.
    assert pa.table(r).equals(t)
    with pytest.raises(ValueError):
        r.to_arrow("nope")  # type: ignore[arg-type]


def test_mixed_scales_export_exactly():
    pa = pytest.importorskip("pyarrow")
    plan = commissio.Plan.parse(FLAT_PLAN.replace("rounding half_even 2 per line", "rounding half_even 2 per component"))
    r = plan.evaluate(payees=[{"id": "A"}], deals=[{"id": "D1", "payee": "A", "date": "2026-01-05", "amount": "10.01"}], period="2026-Q1")
    amounts = [l.amount for l in r.lines]
    exported = r.to_arrow().column("amount").to_pylist()
    assert [Decimal(x) for x in exported] == amounts  # equal values, common scale


def test_to_pandas(ae_plan):
    pytest.importorskip("pandas")
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    df = r.to_pandas()
    assert list(df.columns) == ["payee", "period", "component", "deal", "kind", "share", "amount"]
    assert all(type(x) is Decimal for x in df["amount"])
    assert df["amount"].sum() == Decimal("10760.00")
    assert df.groupby("payee")["amount"].sum().to_dict() == {"A": Decimal("10600.00"), "B": Decimal("160.00")}
    t = r.to_pandas("totals")
    assert len(t) == 2


def test_to_polars(ae_plan):
    pl = pytest.importorskip("polars")
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    df = r.to_polars()
    assert df.height == 5
    assert isinstance(df.schema["amount"], pl.Decimal)
    assert df["amount"].sum() == Decimal("10760.00")
    assert pl.DataFrame(r).equals(df)


@pytest.mark.parametrize(
    "method,module",
    [("to_arrow", "pyarrow"), ("to_pandas", "pandas"), ("to_pandas", "pyarrow"), ("to_polars", "polars")],
)
def test_missing_optional_dependency_is_a_clear_error(ae_plan, monkeypatch, method, module):
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` raise ImportError
    with pytest.raises(ImportError) as e:
        getattr(r, method)()
    assert module in str(e.value) and "pip install" in str(e.value)
    # The dependency-free export still works.
    assert len(r.arrow()) == 5 and r.arrow("totals").columns == ["payee", "period", "amount"]


# --- pay curves ------------------------------------------------------------------------------


def test_pay_curve(ae_plan):
    payees, deals = ae_rows()
    pts = ae_plan.pay_curve(payees=payees, deals=deals, payee="A", period="2026-Q1")
    assert len(pts) == 21  # 0% to 200% by 10%
    assert pts[0].attainment == Decimal("0") and pts[-1].attainment == Decimal("2.00")
    a, credited, payout = pts[10]
    assert a == Decimal("1.00") and credited == Decimal("100000.00")
    assert payout == Decimal("5000.00")
    # 150%: 100,000 x 5% + 50,000 x 10%
    assert pts[15].payout == Decimal("10000.00")
    payouts = [p.payout for p in pts]
    assert payouts == sorted(payouts)
    assert all(type(x) is Decimal for p in pts for x in p)
    assert tuple(pts[10]) == (pts[10][0], pts[10][1], pts[10][2]) == (pts[10][-3], pts[10][-2], pts[10][-1])
    fine = ae_plan.pay_curve(payees=payees, deals=deals, payee="A", period="2026-Q1", start="50%", stop=Decimal("1.5"), step="0.25")
    assert [p.attainment for p in fine] == [Decimal("0.50"), Decimal("0.75"), Decimal("1.00"), Decimal("1.25"), Decimal("1.50")]
    # A float argument is refused by the facade's rule for host numbers, in its words.
    with pytest.raises(TypeError, match=r"^step: binary floating-point number 0\.1 refused: .* such as \"0\.1\"$"):
        ae_plan.pay_curve(payees=payees, deals=deals, payee="A", period="2026-Q1", step=0.1)
    with pytest.raises(commissio.PeriodError):
        ae_plan.pay_curve(payees=payees, deals=deals, payee="A", period="2026")
    with pytest.raises(commissio.EvalError):
        ae_plan.pay_curve(payees=payees, deals=deals, payee="nobody", period="2026-Q1")


def test_curve_svg(ae_plan):
    payees, deals = ae_rows()
    pts = ae_plan.pay_curve(payees=payees, deals=deals, payee="A", period="2026-Q1")
    svg = commissio.curve_svg(pts, "AE <pay> curve")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "AE &lt;pay&gt; curve" in svg and "polyline" in svg
    same = commissio.curve_svg([(p.attainment, p.credited, p.payout) for p in pts], "AE <pay> curve")
    assert same == svg
    assert commissio.curve_svg([commissio.CurvePoint("0%", 0, "0"), commissio.CurvePoint("1", "10", "5")])
    with pytest.raises(TypeError):
        commissio.curve_svg([(0.5, 1, 1)])
    with pytest.raises(TypeError):
        commissio.curve_svg([1, 2])


# --- the bundled dataset ---------------------------------------------------------------------


def test_bundled_dataset_from_csv_paths():
    plan = commissio.Plan.from_file(EXAMPLES / "ae_quota_tiers.comp")
    r = plan.evaluate(
        payees=DATA / "payees.csv",
        deals=str(DATA / "deals.csv"),
        credits=DATA / "credits.csv",
        quotas=DATA / "quotas.csv",
        period="2026",
    )
    assert len(r.lines) > 1000
    assert r.grand_total == sum((t.amount for t in r.totals), Decimal(0))


def test_reprs_are_python_style(ae_plan):
    payees, deals = ae_rows()
    r = ae_plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    t = r.totals[0]
    assert repr(t) == f"Total(payee={t.payee!r}, period={t.period!r}, amount={t.amount!r})"
    line = r.lines[0]
    assert repr(line) == (
        f"Line(payee={line.payee!r}, period={line.period!r}, component={line.component!r}, "
        f"deal={line.deal!r}, kind={line.kind!r}, amount={line.amount!r})"
    )
    assert repr(ae_plan) == "Plan('AE', currency='USD')"
    assert repr(r) == "Results(lines=5, totals=2, periods=['2026-Q1'], grand_total=Decimal('10760.00'))"
    d = commissio.check("plan 'x' {")[0]
    assert repr(d) == f"Diagnostic(code={d.code!r}, line={d.line}, column={d.column}, message={d.message!r})"
    p = commissio.CurvePoint("50%", "10", "0.5")
    assert repr(p) == "CurvePoint(attainment=Decimal('0.50'), credited=Decimal('10'), payout=Decimal('0.5'))"
    assert p == commissio.CurvePoint(Decimal("0.50"), 10, "0.5") and hash(p) == hash(commissio.CurvePoint("0.50", 10, "0.5"))
