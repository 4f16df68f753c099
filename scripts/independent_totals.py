#!/usr/bin/env python3
"""Recomputes every payee's 2026-Q1 total of examples/ae_quota_tiers.comp on the bundled data
set (examples/data, as scripts/demo.sh runs it) from the CSV files alone, following
docs/language.md, with nothing from Commissio: Python's standard library, exact decimals.

Usage: scripts/independent_totals.py [DATA_DIR] > tests/fixtures/bundled-2026-Q1-totals.csv

Prints `payee,total`, one row per payee that has a total (a payee with no line in the period
has none, §7.1), sorted by payee id. The Rust test tests/bundled.rs and the Python test
bindings/python/tests/test_bundled.py check that the engine's totals and this script's output
both equal the committed fixture.

The plan (examples/ae_quota_tiers.comp), restated with the sections of the manual it uses:

    rounding half_even 2 per line                        # §3.4
    measure bookings = sum(credit.amount)                # §5.2: the payee's lines in the period
    measure attainment = bookings / payee.quota          # §5.1: a ratio measure
    component core {
      commission on credit.amount
      rate graduated by attainment { [0%,50%) 2%  [50%,100%) 8%  [100%,150%) 12%  [150%,..) 16% }
      multiply by 1.2 when deal.new_logo                 # §7.5: before rounding
      gate attainment >= 25%                             # §7.6: lines paid 0, no caps
      cap per period at 50% of payee.target_incentive    # §9: allocated in line order
    }
    component platform_spiff {                           # §7.4: 250 x credit.share per line
      pay 250 per deal when deal.product = "Platform" and deal.amount >= 100000
      during 2026-02-01 to 2026-03-31                    # §7.8: by deal date
    }
    component kicker { pay 2000 once when attainment >= 120% }   # §7.4: a period line
    cap total per period at payee.target_incentive       # §9: over all lines, in line order
"""

from __future__ import annotations

import csv
import sys
from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact, localcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERIOD = ("2026-01-01", "2026-03-31")  # 2026-Q1 of a calendar fiscal year (§3.2)
SPIFF_WINDOW = ("2026-02-01", "2026-03-31")
CENT = Decimal("0.01")

# §8.2: a ratio-measure key is never divided: the bounds (in attainment units) are multiplied
# by the quota and compared with the running credited basis, in currency. §8.4: the first band
# reaches down to -infinity and the last one up to +infinity for slicing.
BANDS = [  # (lower bound, rate); each band ends where the next begins
    (None, Decimal("0.02")),  # [0%, 50%), extended below 0
    (Decimal("0.50"), Decimal("0.08")),
    (Decimal("1.00"), Decimal("0.12")),
    (Decimal("1.50"), Decimal("0.16")),
]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def share(text: str) -> Decimal:
    """A credit share, `30%` or `0.30` (§4.4)."""
    return Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)


def graduated_running(start: Decimal, basis: Decimal, quota: Decimal) -> Decimal:
    """§8.3, graduated running: the line covers [C, C + b) and pays each band's rate on the
    length of its overlap with the band; a negative line pays back [C + b, C)."""
    lo, hi = (start, start + basis) if basis >= 0 else (start + basis, start)
    paid = Decimal(0)
    for k, (lower, rate) in enumerate(BANDS):
        band_lo = None if lower is None else lower * quota
        band_hi = BANDS[k + 1][0] * quota if k + 1 < len(BANDS) else None
        a = lo if band_lo is None else max(lo, band_lo)
        b = hi if band_hi is None else min(hi, band_hi)
        if b > a:
            paid += rate * (b - a)
    return paid if basis >= 0 else -paid


def allocate(amounts: list[Decimal], cap: Decimal) -> list[Decimal]:
    """§9: paid_i = min(L_i, cap) - min(L_(i-1), cap), L_i the running sum in line order."""
    out, before = [], Decimal(0)
    for x in amounts:
        after = before + x
        out.append(min(after, cap) - min(before, cap))
        before = after
    return out


def round_line(x: Decimal) -> Decimal:
    """§3.4: half_even to 2 places, per line: the one rounding the plan asks for, so it runs
    in a context that allows it."""
    return x.quantize(CENT, rounding=ROUND_HALF_EVEN, context=Context(prec=60))


def totals(data: Path) -> dict[str, Decimal]:
    payees = {p["id"]: p for p in read(data / "payees.csv")}
    credits: dict[str, list[tuple[str, Decimal]]] = {}
    for c in read(data / "credits.csv"):
        credits.setdefault(c["deal"], []).append((c["payee"], share(c["share"])))

    # §4.4: one credit line per (deal, credited payee); a deal without credit rows is
    # credited 100% to its owner. §10 step 2: deals dated in the period.
    lines: dict[str, list[dict]] = {}
    for d in read(data / "deals.csv"):
        if not PERIOD[0] <= d["date"] <= PERIOD[1]:
            continue
        amount = Decimal(d["amount"])
        for payee, s in credits.get(d["id"], [(d["payee"], Decimal(1))]):
            lines.setdefault(payee, []).append(
                {
                    "id": d["id"],
                    "date": d["date"],
                    "deal_amount": amount,
                    "credit": amount * s,  # credit.amount, exact (§4.4)
                    "share": s,
                    "product": d["product"],
                    "new_logo": d["new_logo"].lower() == "true",
                }
            )

    out: dict[str, Decimal] = {}
    for payee, ls in lines.items():
        p = payees[payee]
        quota = Decimal(p["quota"])
        target = Decimal(p["target_incentive"])
        # §10.1: deal date, then deal id (these ids are not all digits: text, byte by byte).
        ls.sort(key=lambda l: (l["date"], l["id"].encode()))
        bookings = sum((l["credit"] for l in ls), Decimal(0))
        # Conditions on the ratio, compared exactly as bookings against bound x quota.
        gate = bookings >= Decimal("0.25") * quota

        # core: slices of the running credited basis, x 1.2 for a new logo, rounded per line,
        # then (when the gate holds) the component's period cap allocated in line order.
        core, running = [], Decimal(0)
        for l in ls:
            x = graduated_running(running, l["credit"], quota)
            running += l["credit"]
            if l["new_logo"]:
                x *= Decimal("1.2")
            core.append(round_line(x) if gate else Decimal("0.00"))
        if gate:
            core = allocate(core, Decimal("0.50") * target)

        # platform_spiff: 250 x share on each eligible line, rounded per line.
        spiff = [
            round_line(Decimal(250) * l["share"])
            if SPIFF_WINDOW[0] <= l["date"] <= SPIFF_WINDOW[1]
            and l["product"] == "Platform"
            and l["deal_amount"] >= 100000
            else None
            for l in ls
        ]

        # Line order (§10.1): per deal, core then platform_spiff; period lines (the kicker)
        # follow. The plan cap is allocated over that order.
        ordered = []
        for c, s in zip(core, spiff):
            ordered.append(c)
            if s is not None:
                ordered.append(s)
        if bookings >= Decimal("1.20") * quota:
            ordered.append(Decimal("2000.00"))
        paid = allocate(ordered, target)
        total = sum(paid, Decimal(0))
        shown = total.quantize(CENT)
        assert shown == total, f"{payee}: total {total} is not whole cents"
        out[payee] = shown
    return out


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples" / "data"
    # Every step is exact (§6.3) except the rounding the plan asks for: trap any inexact
    # operation instead of rounding silently.
    ctx = Context(prec=60, traps=[Inexact])
    with localcontext(ctx):
        result = totals(data)
    sys.stdout.write("payee,total\n")
    for payee in sorted(result, key=str.encode):
        sys.stdout.write(f"{payee},{result[payee]}\n")


if __name__ == "__main__":
    main()
