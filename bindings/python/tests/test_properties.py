"""Property tests (hypothesis): invariants that must hold for any data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import commissio

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

# Rounding at 6 places keeps every line exact: a 2-decimal amount x a 2-decimal share x a
# 2-decimal rate has at most 6 decimals. So splitting cannot lose or gain a cent by rounding.
EXACT_FLAT = """
plan "Exact flat" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 6 per line
  input deal { amount: money }
  component base { commission on credit.amount  rate 7% }
  component bonus { pay 100 per deal when deal.amount >= 5000 }
}
"""

GRADUATED = """
plan "Graduated" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per payout
  input deal { amount: money }
  component core {
    commission on credit.amount
    rate graduated by amount {
      [0, 10_000)      2%
      [10_000, 50_000) 5%
      [50_000, ..)     9%
    }
  }
}
"""

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c).scaleb(-2))
dates = st.integers(min_value=1, max_value=90).map(lambda d: f"2026-{1 + (d - 1) // 30:02d}-{1 + (d - 1) % 28:02d}")


def money_text(d: Decimal) -> str:
    return format(d, "f")


@st.composite
def deals_and_splits(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    amounts = draw(st.lists(cents, min_size=n, max_size=n))
    days = draw(st.lists(dates, min_size=n, max_size=n))
    deals = [{"id": f"D{i}", "payee": "P0", "date": days[i], "amount": money_text(a)} for i, a in enumerate(amounts)]
    payees = [{"id": f"P{k}"} for k in range(4)]
    credits = []
    for i in range(n):
        k = draw(st.integers(min_value=1, max_value=4))
        # k shares in hundredths summing to exactly 100
        cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=99), min_size=k - 1, max_size=k - 1, unique=True)))
        parts = [b - a for a, b in zip([0] + cuts, cuts + [100])]
        for j, p in enumerate(parts):
            credits.append({"deal": f"D{i}", "payee": f"P{j}", "share": money_text(Decimal(p).scaleb(-2))})
    return payees, deals, credits


@SETTINGS
@given(deals_and_splits())
def test_splitting_a_deal_never_changes_the_total_paid(data):
    """Under a 100% split, the split lines add up to exactly what the unsplit deal pays."""
    plan = commissio.Plan.parse(EXACT_FLAT)
    payees, deals, credits = data
    whole = plan.evaluate(payees=payees, deals=deals, period="2026-Q1")
    split = plan.evaluate(payees=payees, deals=deals, credits=credits, period="2026-Q1")
    assert split.grand_total == whole.grand_total
    base = lambda r: sum((l.amount for l in r.lines if l.component == "base"), Decimal(0))
    assert base(split) == base(whole) == sum((Decimal(d["amount"]) for d in deals), Decimal(0)) * Decimal("0.07")
    # Every credited payee got exactly its share of the deal.
    shares = {(c["deal"], c["payee"]): Decimal(c["share"]) for c in credits}
    for l in split.lines:
        if l.component == "base":
            amount = next(Decimal(d["amount"]) for d in deals if d["id"] == l.deal)
            assert l.amount == amount * shares[(l.deal, l.payee)] * Decimal("0.07")


@SETTINGS
@given(st.lists(cents, min_size=1, max_size=12), st.data())
def test_cutting_a_deal_in_two_never_changes_the_graduated_payout(amounts, data):
    """Graduated (running) tiers pay by slice, so cutting one deal into two deals of the same
    total, for the same payee and date, never changes the period payout."""
    plan = commissio.Plan.parse(GRADUATED)
    deals = [{"id": f"D{i:02d}", "payee": "A", "date": "2026-02-01", "amount": money_text(a)} for i, a in enumerate(amounts)]
    i = data.draw(st.integers(min_value=0, max_value=len(deals) - 1))
    cut_cents = data.draw(st.integers(min_value=0, max_value=int(amounts[i] * 100)))
    first = Decimal(cut_cents).scaleb(-2)
    second = amounts[i] - first
    cut = deals[:i] + [
        {**deals[i], "id": f"D{i:02d}a", "amount": money_text(first)},
        {**deals[i], "id": f"D{i:02d}b", "amount": money_text(second)},
    ] + deals[i + 1 :]
    a = plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    b = plan.evaluate(payees=[{"id": "A"}], deals=cut, period="2026-Q1")
    assert a.total("A", "2026-Q1") == b.total("A", "2026-Q1")


@SETTINGS
@given(deals_and_splits())
def test_every_input_path_gives_the_same_result(data):
    """Lists of dicts, pyarrow tables (decimal128, date32) and polars DataFrames agree exactly."""
    import datetime as dt

    plan = commissio.Plan.parse(EXACT_FLAT)
    payees, deals, credits = data
    ref = plan.evaluate(payees=payees, deals=deals, credits=credits, period="2026-Q1")
    arrow_deals = pa.table(
        {
            "id": [d["id"] for d in deals],
            "payee": [d["payee"] for d in deals],
            "date": pa.array([dt.date.fromisoformat(d["date"]) for d in deals], pa.date32()),
            "amount": pa.array([Decimal(d["amount"]) for d in deals], pa.decimal128(20, 2)),
        }
    )
    arrow_credits = pa.table(
        {
            "deal": [c["deal"] for c in credits],
            "payee": [c["payee"] for c in credits],
            "share": pa.array([Decimal(c["share"]) for c in credits], pa.decimal128(5, 2)),
        }
    )
    via_arrow = plan.evaluate(payees=pa.Table.from_pylist(payees), deals=arrow_deals, credits=arrow_credits, period="2026-Q1")
    via_polars = plan.evaluate(payees=pl.from_arrow(pa.Table.from_pylist(payees)), deals=pl.from_arrow(arrow_deals), credits=pl.from_arrow(arrow_credits), period="2026-Q1")
    canon = lambda r: [(l.payee, l.deal, l.component, format(l.amount, "f")) for l in r.lines]
    assert canon(via_arrow) == canon(ref) == canon(via_polars)
    assert ref.to_json() == via_arrow.to_json() == via_polars.to_json()


@SETTINGS
@given(cents)
def test_money_round_trips_exactly(amount):
    """A 100% rate pays the amount back exactly, scale included, as decimal.Decimal."""
    plan = commissio.Plan.parse(EXACT_FLAT.replace("rate 7%", "rate 100%").replace("pay 100 per deal when deal.amount >= 5000", "pay 0 per deal"))
    r = plan.evaluate(payees=[{"id": "A"}], deals=[{"id": "D", "payee": "A", "date": "2026-01-05", "amount": amount}], period="2026-Q1")
    base = [l for l in r.lines if l.component == "base"]
    assert len(base) == 1 and base[0].amount == amount and type(base[0].amount) is Decimal


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_plan_text_is_a_plan_or_a_plan_error(text):
    """No input makes the checker panic: a Plan, or a PlanError whose diagnostics check() lists."""
    diags = commissio.check(text)
    try:
        commissio.Plan.parse(text)
        assert diags == []
    except commissio.PlanError as e:
        assert e.diagnostics == diags and diags
        for d in diags:
            assert d.line >= 1 and d.column >= 1 and d.code


MUTATIONS = st.sampled_from(
    [
        'plan "x" {', "}", "currency USD", "period quarter", "rounding half_even 2 per line",
        "input deal { amount: money }", "component c {", "commission on credit.amount", "rate 5%",
        "rate graduated by amount {", "[0, 10) 1%", "[10, ..) 2%", "cap per period at 10", "gate 1 >= 2",
        "effective 2026-01-01 to 2026-12-31", "multiply 1.5 when deal.x", "\n", "#", "€",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(MUTATIONS, max_size=30))
def test_plan_shaped_text_never_panics(parts):
    text = "\n".join(parts)
    try:
        commissio.Plan.parse(text).format()
    except commissio.PlanError:
        pass


cell_values = st.one_of(
    st.none(), st.text(max_size=12), st.integers(), st.booleans(), st.floats(),
    st.decimals(allow_nan=True, allow_infinity=True), st.dates().map(str),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"id": cell_values, "payee": cell_values, "date": cell_values, "amount": cell_values}), max_size=6))
def test_any_row_values_give_results_or_a_data_error(rows):
    """Arbitrary cell values never panic and never pass silently through a float."""
    plan = commissio.Plan.parse(EXACT_FLAT)
    try:
        r = plan.evaluate(payees=[{"id": "A"}], deals=rows, period="2026-Q1")
    except commissio.DataError as e:
        assert e.errors and all(x.code.startswith("D") for x in e.errors)
        return
    assert not any(isinstance(row["amount"], float) for row in rows)
    for l in r.lines:
        assert type(l.amount) is Decimal
