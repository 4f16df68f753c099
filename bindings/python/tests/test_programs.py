"""Programs (several plans, an assignments table) through the Python package: every case of
the shared program corpus (tests/programs, run and compared as the Rust runner
tests/program_support.rs runs them), and the API surface with exact values."""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import commissio
from conftest import ROOT

PROGRAMS = ROOT / "tests" / "programs"
CASES = sorted(p for p in PROGRAMS.iterdir() if p.is_dir() and (p / "case.json").is_file())

# The canonical JSON of every case (`ProgramResults.to_json()`, or the error's
# `canonical_json`), compared byte for byte with the Rust runner's by scripts/determinism.sh.
DETERMINISM = Path(os.environ.get("COMMISSIO_DETERMINISM_DIR") or ROOT / "target" / "determinism") / "programs" / "python"
shutil.rmtree(DETERMINISM, ignore_errors=True)
DETERMINISM.mkdir(parents=True)


def plain(d: Decimal) -> str:
    """Decimal text as the engine writes it: no exponent, scale kept."""
    return format(d, "f")


def key(v: Any) -> str:
    return json.dumps(v, sort_keys=True)


def run(case: Path, spec: dict) -> tuple[dict, str]:
    """The case's outcome in the shape of its `expect` block, and the canonical JSON of the
    results or of the error."""
    plans = []
    for file in spec["plans"]:
        try:
            plans.append(commissio.Plan.from_file(case / file))
        except commissio.PlanError as e:
            d = e.diagnostics[0]
            return {"plan_error": {"code": d.code, "line": d.line, "column": d.column}}, e.canonical_json
    try:
        program = commissio.Program(plans, split=spec["split"])
        r = program.evaluate(
            payees=spec.get("payees", []),
            deals=spec.get("deals", []),
            credits=spec.get("credits"),
            quotas=spec.get("quotas"),
            managers=spec.get("managers"),
            assignments=spec.get("assignments", []),
            period=spec.get("period", ""),
        )
    except commissio.DataError as e:
        x = e.errors[0]
        out: dict = {"code": x.code, "table": x.table, "row": x.row}
        if x.field is not None:
            out["field"] = x.field
        return {"data_error": out}, e.canonical_json
    except commissio.PeriodError as e:
        return {"period_error": str(e)}, e.canonical_json
    except commissio.EvalError as e:
        return {"eval_error": {"code": e.code}}, e.canonical_json
    lines = []
    for name, results in r.plans.items():
        # Every plan's traces replay to every one of its lines.
        assert results.verify_traces() == len(results.lines)
        lines += [
            {"plan": name, "payee": l.payee, "period": l.period, "component": l.component, "deal": l.deal, "kind": l.kind, "amount": plain(l.amount)}
            for l in results.lines
        ]
    assert r.verify_traces() == len(lines)
    totals = [{"payee": t.payee, "period": t.period, "amount": plain(t.amount)} for t in r.totals]
    return {"lines": sorted(lines, key=key), "totals": sorted(totals, key=key)}, r.to_json()


def expected(spec: dict) -> dict:
    e = dict(spec.get("expect", {}))
    for k in ("lines", "totals"):
        if k in e:
            e[k] = sorted(e[k], key=key)
    return e


def test_program_corpus_is_complete():
    assert len(CASES) >= 20, f"expected the program corpus, found {len(CASES)} cases in {PROGRAMS}"


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_program_case(case: Path):
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"), parse_float=Decimal)
    got, canonical = run(case, spec)
    (DETERMINISM / f"{case.name}.json").write_text(canonical, encoding="utf-8", newline="")
    want = expected(spec)
    if "data_error" in got and "data_error" in want and "field" not in want["data_error"]:
        got["data_error"].pop("field", None)
    assert got == want


# --- the API surface --------------------------------------------------------------------------

CASE_001 = PROGRAMS / "001-promotion-split-by-days"


def plan(name: str, rate: str, period: str = "month", body: str = "") -> commissio.Plan:
    return commissio.Plan.parse(
        f"""
plan "{name}" {{
  currency USD
  period {period}
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal {{ amount: money }}
  {body}
  component base {{ commission on credit.amount  rate {rate} }}
}}
"""
    )


PAYEES = [{"id": "R1"}]
# Case 001: D1 before the promotion on 16 April, D2 after.
DEALS = [
    {"id": "D1", "payee": "R1", "date": "2026-04-05", "amount": Decimal("1000.00")},
    {"id": "D2", "payee": "R1", "date": "2026-04-20", "amount": "3000.00"},
]
ASSIGNMENTS = [
    {"payee": "R1", "plan": "SDR", "from": "2026-01-01", "to": "2026-04-15"},
    {"payee": "R1", "plan": "AE", "from": "2026-04-16"},
]


@pytest.fixture
def promotion() -> commissio.Program:
    return commissio.Program([plan("SDR", "2%"), plan("AE", "10%")], split="days")


def test_promotion_split_by_days(promotion):
    r = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=ASSIGNMENTS, period="2026-04")
    assert promotion.names == ["SDR", "AE"]
    assert promotion.split == "days"
    assert [p.name for p in promotion.plans] == ["SDR", "AE"]
    assert list(r.plans) == ["SDR", "AE"]
    # 15 of April's 30 days on each plan. SDR: 2% of 1000.00 + 3000.00 = 80.00, x 1/2 = 40.00
    # (an assignment line of -40.00); AE: 10% = 400.00, x 1/2 = 200.00 (-200.00).
    sdr = r.plan("SDR")
    assert sdr is not None
    assert [(l.deal, l.kind, l.component, l.amount) for l in sdr.lines] == [
        ("D1", "deal", "base", Decimal("20.00")),
        ("D2", "deal", "base", Decimal("60.00")),
        (None, "assignment", "(plan)", Decimal("-40.00")),
    ]
    ae = r.plans["AE"]
    assert [str(l.amount) for l in ae.lines] == ["100.00", "300.00", "-200.00"]
    assert sdr.total("R1", "2026-04") == Decimal("40.00")
    assert ae.total("R1", "2026-04") == Decimal("200.00")
    assert r.plan("Nobody") is None
    # The program's total: 40.00 + 200.00.
    assert [(t.payee, t.period, str(t.amount)) for t in r.totals] == [("R1", "2026-04", "240.00")]
    assert str(r.total("R1", "2026-04")) == "240.00"
    assert r.total("R1", "2026-05") is None
    assert r.total("R2", "2026-04") is None
    assert str(r.grand_total) == "240.00"
    assert r.verify_traces() == 6
    assert repr(r) == "ProgramResults(plans=['SDR', 'AE'], totals=1, grand_total=Decimal('240.00'))"
    assert repr(promotion) == "Program(['SDR', 'AE'], split='days')"
    doc = json.loads(r.to_json())
    assert [p["plan"] for p in doc["plans"]] == ["SDR", "AE"]
    assert doc["totals"] == [{"payee": "R1", "period": "2026-04", "amount": "240.00"}]
    assert [l["kind"] for l in doc["plans"][0]["lines"]] == ["deal", "deal", "assignment"]


def test_the_assignment_lines_trace_holds_decimals(promotion):
    r = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=ASSIGNMENTS, period="2026-04")
    line = r.plans["AE"].lines[2]
    assert line.trace["assignment"] == {
        "full": Decimal("400.00"),
        "assigned_days": Decimal("15"),
        "of_days": 30,
        "fraction": Decimal("0.50"),
        "assignments": [{"row": 2, "from": "2026-04-16", "to": None, "weight": None}],
    }
    assert line.trace["rounded"] == Decimal("200.00")


def test_program_results_json_equals_the_corpus_case(promotion):
    """The same program given as the corpus case 001 (rows from case.json, plans from its
    files) gives the same canonical JSON as built here from Python values."""
    spec = json.loads((CASE_001 / "case.json").read_text(encoding="utf-8"))
    files = commissio.Program([commissio.Plan.from_file(CASE_001 / f) for f in spec["plans"]], split=spec["split"])
    a = files.evaluate(payees=spec["payees"], deals=spec["deals"], assignments=spec["assignments"], period=spec["period"])
    b = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=ASSIGNMENTS, period="2026-04")
    assert a.to_json() == b.to_json()


def test_each_plan_results_is_an_ordinary_results(promotion):
    pl = pytest.importorskip("polars")
    r = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=ASSIGNMENTS, period="2026-04")
    ae = r.plans["AE"]
    assert isinstance(ae, commissio.Results)
    df = ae.to_polars()
    assert df["kind"].to_list() == ["deal", "deal", "assignment"]
    assert [str(x) for x in df["amount"].to_list()] == ["100.00", "300.00", "-200.00"]
    assert ae.lines[2].to_dict()["kind"] == "assignment"
    assert "assignment" in ae.lines[2].trace
    # The Results outlives the ProgramResults it came from.
    del r
    assert str(ae.grand_total) == "200.00"


def test_split_is_required():
    with pytest.raises(TypeError, match="split"):
        commissio.Program([plan("SDR", "2%")])  # type: ignore[call-arg]


def test_unknown_split_is_an_argument_error():
    with pytest.raises(ValueError) as e:
        commissio.Program([plan("SDR", "2%")], split="weeks")  # type: ignore[arg-type]
    assert not isinstance(e.value, commissio.CommissioError)
    assert str(e.value) == 'split: "weeks" is not a split rule; use "days" or "credit_dates"'
    assert e.value.code == "A0001"  # type: ignore[attr-defined]
    assert json.loads(e.value.canonical_json)["code"] == "A0001"  # type: ignore[attr-defined]


def test_credit_dates_split():
    program = commissio.Program([plan("SDR", "2%"), plan("AE", "10%")], split="credit_dates")
    assert program.split == "credit_dates"
    r = program.evaluate(payees=PAYEES, deals=DEALS, assignments=ASSIGNMENTS, period="2026-04")
    # Each plan sees only the deals dated on its days, at weight 1: SDR 2% of D1 = 20.00,
    # AE 10% of D2 = 300.00; no assignment lines.
    assert [(l.deal, str(l.amount)) for l in r.plans["SDR"].lines] == [("D1", "20.00")]
    assert [(l.deal, str(l.amount)) for l in r.plans["AE"].lines] == [("D2", "300.00")]
    assert str(r.grand_total) == "320.00"


def test_plans_that_do_not_make_a_program():
    with pytest.raises(commissio.EvalError) as e:
        commissio.Program([plan("AE", "2%"), plan("AE", "10%")], split="days")
    assert e.value.code == "R0003"
    assert json.loads(e.value.canonical_json)["code"] == "R0003"
    with pytest.raises(commissio.EvalError) as e:
        commissio.Program([plan("SDR", "2%"), plan("AE", "10%", period="quarter")], split="days")
    assert e.value.code == "R0003"


def test_an_error_in_one_plan_names_it(promotion):
    """An evaluation error of the AE plan: its message is led by the plan's name and its
    place is in the AE plan's text (line 8, where `payee.quota` divides)."""
    sdr = plan("SDR", "2%")
    ae = commissio.Plan.parse(
        'plan "AE" {\n'
        "  currency USD\n"
        "  period month\n"
        "  effective 2026-01-01 to 2026-12-31\n"
        "  rounding half_even 2 per line\n"
        "  input deal { amount: money }\n"
        "  input payee { quota: money }\n"
        "  measure attainment = sum(credit.amount) / payee.quota\n"
        "  component base { commission on credit.amount  rate 10%  gate attainment >= 50% }\n"
        "}\n"
    )
    program = commissio.Program([sdr, ae], split="days")
    with pytest.raises(commissio.EvalError) as e:
        program.evaluate(payees=[{"id": "R1", "quota": "0.00"}], deals=DEALS, assignments=ASSIGNMENTS, period="2026-04")
    err = e.value
    assert err.code == "R0101"
    assert str(err).startswith('plan "AE": ')
    assert (err.payee, err.period, err.line) == ("R1", "2026-04", 8)
    view = json.loads(err.canonical_json)
    assert view["summary"] == str(err)
    assert view["code"] == "R0101"


def test_a_data_error_of_one_plan_names_it(promotion):
    """Corpus case 020: the AE plan reads deal field new_logo, which the deals lack."""
    sdr = plan("SDR", "2%")
    ae = commissio.Plan.parse(
        'plan "AE" {\n  currency USD\n  period month\n  effective 2026-01-01 to 2026-12-31\n'
        "  rounding half_even 2 per line\n"
        "  input deal { amount: money, new_logo: bool }\n"
        "  component base { commission on credit.amount  rate 10% }\n}\n"
    )
    with pytest.raises(commissio.DataError) as e:
        commissio.Program([sdr, ae], split="days").evaluate(payees=PAYEES, deals=DEALS, assignments=ASSIGNMENTS, period="2026-04")
    assert (e.value.code, e.value.table, e.value.row, e.value.field) == ("D0101", "deals", None, "new_logo")
    assert str(e.value).startswith('plan "AE": ')
    assert json.loads(e.value.canonical_json)["summary"] == str(e.value)


def test_an_assignments_error(promotion):
    rows = ASSIGNMENTS + [{"payee": "R1", "plan": "VP", "from": "2026-06-01"}]
    with pytest.raises(commissio.DataError) as e:
        promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=rows, period="2026-04")
    assert (e.value.code, e.value.table, e.value.row, e.value.field) == ("D0401", "assignments", 3, "plan")
    assert not str(e.value).startswith("plan ")


def test_explain_and_statement(promotion):
    r = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=ASSIGNMENTS, period="2026-04")
    text = promotion.explain(r, "R1")
    assert text is not None
    assert text.startswith('plan "SDR"\n')
    assert '\nplan "AE"\n' in text
    # The assignment lines: 15 of April's 30 days on each plan, the month's lines times 1/2.
    assert (
        "R1 · 2026-04 · (plan) · share of the period on this plan: -40.00\n"
        "  on this plan 15 of 30 days by assignments row 1 (2026-01-01 to 2026-04-15): share 0.5\n"
        "  the period's lines 80.00 × 0.5 = 40.00, less the lines = -40.00\n"
    ) in text
    assert (
        "  on this plan 15 of 30 days by assignments row 2 (2026-04-16 to no end): share 0.5\n"
        "  the period's lines 400.00 × 0.5 = 200.00, less the lines = -200.00\n"
    ) in text
    one = promotion.explain(r, "R1", "D2")
    assert one is not None and "D2" in one and "D1" not in one
    assert promotion.explain(r, "R9") is None
    md = promotion.statement(r, "R1")
    assert md is not None
    assert md.startswith("# Commission statement: R1\n\nPlan: SDR · Currency: USD\n")
    assert "\n# Commission statement: R1\n\nPlan: AE · Currency: USD\n" in md
    assert "| (plan) | (assignment) |  |  |  | -40.00 |  |\n" in md
    assert "| (plan) | (assignment) |  |  |  | -200.00 |  |\n" in md
    assert md.endswith("## Program total, R1\n\n| Period | Total |\n|---|---:|\n| 2026-04 | 240.00 |\n")
    assert promotion.statement(r, "R9") is None
    other = commissio.Program([plan("AE", "10%")], split="days")
    with pytest.raises(ValueError, match="other plans"):
        other.explain(r, "R1")


def test_assignments_from_a_csv_file(promotion, tmp_path):
    path = tmp_path / "assignments.csv"
    path.write_text("payee,plan,from,to\nR1,SDR,2026-01-01,2026-04-15\nR1,AE,2026-04-16,\n", encoding="utf-8")
    r = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=path, period="2026-04")
    assert str(r.total("R1", "2026-04")) == "240.00"
    r = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=str(path), period="2026-04")
    assert str(r.grand_total) == "240.00"
    bad = tmp_path / "bad.csv"
    bad.write_text("payee,plan,from\nR1,SDR,2026-13-01\n", encoding="utf-8")
    with pytest.raises(commissio.DataError) as e:
        promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=bad, period="2026-04")
    assert (e.value.table, e.value.row, e.value.field) == ("assignments", 1, "from")


def test_assignments_as_columns_and_arrow(promotion):
    pa = pytest.importorskip("pyarrow")
    columns = {
        "payee": ["R1", "R1"],
        "plan": ["SDR", "AE"],
        "from": ["2026-01-01", "2026-04-16"],
        "to": ["2026-04-15", None],
    }
    for table in (columns, pa.table(columns)):
        r = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=table, period="2026-04")
        assert str(r.grand_total) == "240.00"


def test_weights_and_a_float_weight(promotion):
    # Half on each plan for the whole month: SDR 80.00 x 1/2 + AE 400.00 x 1/2 = 240.00.
    rows = [
        {"payee": "R1", "plan": "SDR", "from": "2026-04-01", "weight": Decimal("0.5")},
        {"payee": "R1", "plan": "AE", "from": "2026-04-01", "weight": "0.5"},
    ]
    r = promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=rows, period="2026-04")
    assert str(r.grand_total) == "240.00"
    rows[0]["weight"] = 0.5
    with pytest.raises(commissio.DataError) as e:
        promotion.evaluate(payees=PAYEES, deals=DEALS, assignments=rows, period="2026-04")
    assert (e.value.code, e.value.table, e.value.row, e.value.field) == ("D0102", "assignments", 1, "weight")


def test_input_schema(promotion):
    schema = promotion.input_schema()
    tables = [t["table"] for t in schema]
    assert tables[-1] == "assignments"
    assignments = schema[-1]
    assert assignments["required"] is True
    assert [(c["name"], c["required"]) for c in assignments["columns"]] == [
        ("payee", True),
        ("plan", True),
        ("from", True),
        ("to", False),
        ("weight", False),
    ]
    deals = next(t for t in schema if t["table"] == "deals")
    assert [c["name"] for c in deals["columns"]][:4] == ["id", "payee", "date", "amount"]
    # A plan's schema has the same shape, without the assignments table.
    plan_schema = plan("SDR", "2%").input_schema()
    assert [t["table"] for t in plan_schema] == tables[:-1]


def test_readme_programs_example():
    """The README's "Programs" example runs as written (its asserts hold)."""
    readme = (ROOT / "bindings" / "python" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Programs", 1)[1].split("\n## ", 1)[0]
    code = re.findall(r"```python\n(.*?)```", section, re.S)
    assert code, "no python example in the README's Programs section"
    exec(compile("\n".join(code), "README.md", "exec"), {})
