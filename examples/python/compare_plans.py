#!/usr/bin/env python3
"""Compare two versions of a commission plan on last year's data, team by team.

    pip install commissio polars pyarrow
    python examples/python/compare_plans.py [--out DIR]

What it does, the way a data team would:

1. reads the bundled dataset (examples/data/*.csv) with polars, money columns as exact
   decimals (``pl.Decimal``), never floats;
2. evaluates the current plan (examples/ae_quota_tiers.comp) and a proposed variant (a
   steeper accelerator above 100% of quota, a lower kicker) over all of 2026;
3. compares what each would have cost, per team (the payees' manager) and in total;
4. explains one rep's biggest line, and saves both plans' pay curves for that rep as SVG
   charts (attainment on x, quarterly payout on y).

Every amount stays a ``decimal.Decimal`` / ``pl.Decimal`` from the CSV to the report.
"""

from __future__ import annotations

import argparse
import re
from decimal import Decimal
from pathlib import Path

import polars as pl

import commissio

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent
DATA = EXAMPLES / "data"
MONEY = pl.Decimal(18, 2)


def read_data() -> dict[str, pl.DataFrame]:
    """The bundled CSV files, with exact types: money as Decimal, dates as Date."""
    payees = pl.read_csv(
        DATA / "payees.csv",
        schema_overrides={"quota": MONEY, "target_incentive": MONEY, "start": pl.Date, "end": pl.Date},
    )
    deals = pl.read_csv(DATA / "deals.csv", schema_overrides={"amount": MONEY, "date": pl.Date})
    credits = pl.read_csv(DATA / "credits.csv", schema_overrides={"share": pl.Decimal(5, 2)})
    quotas = pl.read_csv(DATA / "quotas.csv", schema_overrides={"amount": MONEY})
    return {"payees": payees, "deals": deals, "credits": credits, "quotas": quotas}


def proposed_variant(current: str) -> str:
    """The proposal: 15% instead of 12% between 100% and 150% of quota, 18% instead of 16%
    above it, and a 1,000 kicker instead of 2,000. (Patterns allow any spacing, so the
    edit survives reformatting of the plan file.)"""
    changes = [
        (r"(\[100%,\s*150%\)\s*)12%", r"\g<1>15%"),
        (r"(\[150%,\s*\.\.\)\s*)16%", r"\g<1>18%"),
        (r"pay\s+2000\s+once", "pay 1000 once"),
        (r'plan\s+"Account Executive FY2026"', 'plan "Account Executive FY2026 (proposed)"'),
    ]
    text = current
    for pattern, replacement in changes:
        text, n = re.subn(pattern, replacement, text)
        if n != 1:
            raise SystemExit(f"the plan no longer matches {pattern!r}; update the proposal")
    return text


def cost_per_team(results: commissio.Results, payees: pl.DataFrame) -> pl.DataFrame:
    """Total paid per team (the payee's manager) over the evaluated periods."""
    teams = payees.select(pl.col("id").alias("payee"), pl.col("manager").fill_null("(none)").alias("team"))
    return (
        results.to_polars("totals")
        .join(teams, on="payee", how="left")
        .group_by("team")
        .agg(pl.col("amount").sum())
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="commissio-example-output", help="folder for the charts (created)")
    ap.add_argument("--rep", default="ae01", help="rep whose pay curve and explanation are shown")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    data = read_data()
    current = commissio.Plan.from_file(EXAMPLES / "ae_quota_tiers.comp")
    proposed = commissio.Plan.parse(proposed_variant(current.source))

    runs = {name: plan.evaluate(period="2026", **data) for name, plan in (("current", current), ("proposed", proposed))}

    a = cost_per_team(runs["current"], data["payees"]).rename({"amount": "current"})
    b = cost_per_team(runs["proposed"], data["payees"]).rename({"amount": "proposed"})
    table = (
        a.join(b, on="team", how="full", coalesce=True)
        .with_columns(pl.col("current", "proposed").fill_null(Decimal("0.00")))
        .with_columns((pl.col("proposed") - pl.col("current")).alias("change"))
        .sort("team")
    )
    with pl.Config(tbl_rows=50, tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print("Cost per team, 2026 (USD):")
        print(table)
    total_a, total_b = runs["current"].grand_total, runs["proposed"].grand_total
    change = total_b - total_a
    print(f"\nTotal: current {total_a:,.2f}, proposed {total_b:,.2f}, change {change:+,.2f} ({change / total_a:+.2%})")

    lines = runs["proposed"].to_polars().filter(pl.col("payee") == args.rep).sort("amount", descending=True)
    if lines.height:
        top = lines.row(0, named=True)
        print(f"\nWhy {args.rep}'s biggest line under the proposal pays {top['amount']:,.2f}:")
        print(runs["proposed"].explain(args.rep, deal=top["deal"]) if top["deal"] else runs["proposed"].explain(args.rep))

    for name, plan in (("current", current), ("proposed", proposed)):
        points = plan.pay_curve(
            payees=data["payees"], deals=data["deals"], quotas=data["quotas"], credits=data["credits"],
            payee=args.rep, period="2026-Q1", start="0%", stop="200%", step="5%",
        )
        path = out / f"pay_curve_{name}.svg"
        path.write_text(commissio.curve_svg(points, f"{plan.name}: {args.rep}, 2026-Q1"), encoding="utf-8")
        at_150 = next(p.payout for p in points if p.attainment == Decimal("1.50"))
        print(f"{name}: {args.rep} would earn {at_150:,.2f} in 2026-Q1 at 150% of quota; chart: {path}")


if __name__ == "__main__":
    main()
