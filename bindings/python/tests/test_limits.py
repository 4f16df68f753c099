"""The documented limits (docs/language.md §14) through the installed package, at and one
beyond each, with the exact code, message and place: plan size (E0002), nesting depth and
operators per statement (E0003), rows per tier table (E0008), components per plan (E0009),
rows per input table (D0108, lowered with `max_rows`). The plans at and beyond the plan
limits are the conformance cases tests/corpus/09x-limit-*; the Rust, CLI and JavaScript suites
test the same values."""

from __future__ import annotations

from decimal import Decimal

import pytest

import commissio
from conftest import CORPUS, FLAT_PLAN

PLAN_LIMITS = [
    # (at the limit, one beyond, code, message, line, column)
    ("090-limit-depth-64", "091-limit-depth-65", "E0003", "nesting is deeper than the limit of 64 levels", 13, 1077),
    ("092-limit-operators-256", "093-limit-operators-257", "E0003", "this statement has more than 256 operators", 12, 4129),
    ("094-limit-tier-rows-1000", "095-limit-tier-rows-1001", "E0008", "the tier table has more than 1000 rows", 1013, 7),
    ("096-limit-components-256", "097-limit-components-257", "E0009", "the plan has more than 256 components", 266, 13),
]


@pytest.mark.parametrize("at,beyond,code,message,line,column", PLAN_LIMITS, ids=[c[2] + "-" + c[0][4:] for c in PLAN_LIMITS])
def test_plan_limits_at_and_beyond(at, beyond, code, message, line, column):
    text = (CORPUS / at / "plan.comp").read_text(encoding="utf-8")
    assert commissio.check(text) == []
    assert commissio.Plan.parse(text).name != ""
    text = (CORPUS / beyond / "plan.comp").read_text(encoding="utf-8")
    with pytest.raises(commissio.PlanError) as e:
        commissio.Plan.parse(text)
    assert e.value.code == code
    assert len(e.value.diagnostics) == 1
    d = e.value.diagnostics[0]
    assert (d.code, d.message, d.line, d.column) == (code, message, line, column)
    assert [x.code for x in commissio.check(text)] == [code]


def padded(size: int) -> tuple[str, int]:
    """FLAT_PLAN and a comment line, `size` bytes in all; also the comment's length."""
    pad = size - len(FLAT_PLAN) - len("# \n")
    text = FLAT_PLAN + "# " + "x" * pad + "\n"
    assert len(text.encode("utf-8")) == size
    return text, pad


def test_plan_size_at_and_beyond():
    text, _ = padded(1 << 20)
    assert commissio.Plan.parse(text).name == "Flat"
    text, pad = padded((1 << 20) + 1)
    with pytest.raises(commissio.PlanError) as e:
        commissio.Plan.parse(text)
    d = e.value.diagnostics[0]
    # The span starts at the first byte beyond the limit: the comment line's newline.
    assert (d.code, d.message, d.line, d.column) == (
        "E0002",
        "the plan is 1048577 bytes; the limit is 1048576 bytes",
        FLAT_PLAN.count("\n") + 1,
        pad + 3,
    )


PAYEES = [{"id": "A"}]


def deals(n: int) -> list[dict]:
    return [{"id": f"D{i}", "payee": "A", "date": "2026-02-01", "amount": "100.00"} for i in range(1, n + 1)]


def test_max_rows_at_and_beyond(flat_plan):
    r = flat_plan.evaluate(payees=PAYEES, deals=deals(3), period="2026-Q1", max_rows=3)
    assert r.total("A", "2026-Q1") == Decimal("15.00")
    # The default limit (50,000,000) is far away.
    r = flat_plan.evaluate(payees=PAYEES, deals=deals(4), period="2026-Q1")
    assert r.total("A", "2026-Q1") == Decimal("20.00")
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=PAYEES, deals=deals(4), period="2026-Q1", max_rows=3)
    err = e.value
    assert (err.code, err.table, err.row, err.id, err.field) == ("D0108", "deals", 4, None, None)
    assert str(err) == "[D0108] deals row 4: the table has 4 rows; the limit is 3 rows per table"
    assert err.canonical_json == (
        '{"kind":"data","code":"D0108","summary":"[D0108] deals row 4: the table has 4 rows; the limit is 3 rows per table",'
        '"errors":[{"code":"D0108","table":"deals","row":4,"id":null,"field":null,'
        '"expected":null,"message":"the table has 4 rows; the limit is 3 rows per table"}],"omitted":0}'
    )
    # Above the engine's limit, the engine's limit applies.
    r = flat_plan.evaluate(payees=PAYEES, deals=deals(2), period="2026-Q1", max_rows=10**12)
    assert r.total("A", "2026-Q1") == Decimal("10.00")
    with pytest.raises(OverflowError):
        flat_plan.evaluate(payees=PAYEES, deals=deals(1), period="2026-Q1", max_rows=-1)
    with pytest.raises(TypeError):
        flat_plan.evaluate(payees=PAYEES, deals=deals(1), period="2026-Q1", max_rows="3")


def test_every_error_has_the_canonical_json(flat_plan):
    with pytest.raises(commissio.PeriodError) as e:
        flat_plan.evaluate(payees=PAYEES, deals=deals(1), period="2026-Q5")
    assert e.value.canonical_json == (
        '{"kind":"period","code":"P0001","summary":"invalid period \\"2026-Q5\\": index 5 out of range 1..=4",'
        '"text":"2026-Q5","reason":"index 5 out of range 1..=4"}'
    )
    assert str(e.value) == 'invalid period "2026-Q5": index 5 out of range 1..=4'
    with pytest.raises(commissio.PlanError) as p:
        commissio.Plan.parse('plan "x" {}')
    assert p.value.canonical_json.startswith(
        '{"kind":"plan","code":"E0104","summary":"the plan has 4 errors; first: error[E0104] line 1, column 6: '
        'the plan has no currency","diagnostics":[{"code":"E0104","severity":"error","message":"the plan has no currency",'
    )
    assert str(p.value).startswith(
        "the plan has 4 errors; first: error[E0104] line 1, column 6: the plan has no currency\n\nerror[E0104]: "
    )
