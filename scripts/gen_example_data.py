#!/usr/bin/env python3
"""Writes the bundled example dataset under examples/data/ (deterministic, seed 2026).

About 50 payees in a manager hierarchy (a VP, 5 managers, 40 account executives, 4 channel
partners), 5,000 deals over 2026, about 10% of them split between two reps, and quarterly
quotas. Amounts are exact decimals written as text; nothing here goes through a float.

Usage: python3 scripts/gen_example_data.py [outdir]
"""
import csv
import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "examples" / "data")
rng = random.Random(2026)
PRODUCTS = ["Core", "Analytics", "Platform", "Security", "Integrations", "Support", "Training", "Hardware"]
REGIONS = ["NA", "EMEA", "APAC"]


def cents(lo: int, hi: int) -> Decimal:
    """A random amount in whole cents between lo and hi (inclusive), as an exact Decimal."""
    return Decimal(rng.randint(lo * 100, hi * 100)) / 100


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    payees = []
    payees.append(dict(id="vp01", name="Vera Patel", role="VP", manager="", region="NA", start="2024-01-01", end="",
                       quota="15000000.00", target_incentive="120000.00"))
    managers = []
    for m in range(1, 6):
        pid = f"m{m:02d}"
        managers.append(pid)
        payees.append(dict(id=pid, name=f"Manager {m}", role="Manager", manager="vp01", region=REGIONS[m % 3],
                           start="2024-01-01", end="", quota="3000000.00", target_incentive="60000.00"))
    reps = []
    for r in range(1, 41):
        pid = f"ae{r:02d}"
        reps.append(pid)
        start = "2025-01-01"
        end = ""
        if r in (38, 39):
            start = f"2026-0{r - 33}-01"  # ramping new hires (May, June)
        if r == 40:
            end = "2026-08-15"  # leaves mid-quarter
        quota = Decimal(rng.choice([500000, 600000, 750000, 900000]))
        payees.append(dict(id=pid, name=f"Rep {r}", role="AE", manager=managers[(r - 1) // 8], region=REGIONS[r % 3],
                           start=start, end=end, quota=f"{quota:.2f}",
                           target_incentive=f"{Decimal(rng.choice([40000, 50000, 60000, 75000])):.2f}"))
    partners = []
    for p in range(1, 5):
        pid = f"cp{p:02d}"
        partners.append(pid)
        payees.append(dict(id=pid, name=f"Partner {p}", role="Partner", manager="", region=REGIONS[p % 3],
                           start="2025-01-01", end="", quota="250000.00", target_incentive="20000.00"))

    deals = []
    credits = []
    day0 = dt.date(2026, 1, 1)
    for i in range(1, 5001):
        seller = rng.choice(reps + reps + reps + partners)
        date = day0 + dt.timedelta(days=rng.randint(0, 364))
        info = next(p for p in payees if p["id"] == seller)
        if info["start"] > date.isoformat():
            seller = reps[0]
        if info["end"] and info["end"] < date.isoformat():
            seller = reps[1]
        size = rng.random()
        amount = cents(500, 9000) if size < 0.55 else cents(9000, 60000) if size < 0.92 else cents(60000, 400000)
        deals.append(dict(id=f"D{i:05d}", payee=seller, date=date.isoformat(), amount=f"{amount:.2f}",
                          product=rng.choice(PRODUCTS), region=info["region"],
                          new_logo="true" if rng.random() < 0.25 else "false",
                          margin=f"{Decimal(rng.randint(800, 6000)) / 100:.2f}%",
                          units=str(rng.randint(1, 40))))
        if seller.startswith("ae") and rng.random() < 0.10:
            other = rng.choice([r for r in reps if r != seller])
            a, b = rng.choice([("0.50", "0.50"), ("0.60", "0.40"), ("0.70", "0.30"), ("0.75", "0.25")])
            credits.append(dict(deal=f"D{i:05d}", payee=seller, share=a, role="primary"))
            credits.append(dict(deal=f"D{i:05d}", payee=other, share=b, role="overlay"))

    quotas = []
    for p in payees:
        if p["role"] != "AE":
            continue
        for q in range(1, 5):
            quotas.append(dict(payee=p["id"], period=f"2026-Q{q}", amount=p["quota"]))

    def write(name, rows):
        with open(OUT / name, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)

    write("payees.csv", payees)
    write("deals.csv", deals)
    write("credits.csv", credits)
    write("quotas.csv", quotas)
    print(f"wrote {len(payees)} payees, {len(deals)} deals, {len(credits)} credit rows, {len(quotas)} quotas to {OUT}")


if __name__ == "__main__":
    main()
