#!/usr/bin/env python3
"""Generates the memory attack inputs of issue 16 (hierarchy depth, many-band tier tables).

Usage:
    python3 tests/attacks/gen.py OUT_DIR [--scale small|full] [--case NAME ...]

Writes one folder per case under OUT_DIR, each with a plan (`plan.comp`), its tables (CSV),
`run.args`: the arguments of `commissio run` after the plan, relative to the case folder, e.g.

    cd OUT_DIR/chain-payees && commissio run plan.comp $(cat run.args)

and `expect.json`: what the run must give, computed here independently of the engine:
`{"exit": 1, "code": "D0212"}` for a refused input, or `{"exit": 0, "totals": {payee: amount}}`
(every payee's 2026-Q1 total as an exact decimal string), and `"budget_bytes"`: the most
memory the run may take, 3 x the input size (plan and tables) + 64 MiB.

Cases (`--case` picks some; all by default):
    chain-payees     payee i reports to payee i-1 through the payees table's `manager` column,
                     with a team override plan (P13) and one deal per payee
    chain-managers   the same chain as an effective-dated `managers` table (open-ended
                     assignments from 2026-01-01)
    chain-limit      a chain exactly as deep as the documented limit (1,000 managers above the
                     last payee): it must run
    graduated-per-deal   one 1,000-band `graduated ... per deal` table over many deals of
                     1,000,000.00 (every deal crosses every band), spread over many payees
    graduated-running    the same table `running`: the reference the per-deal run is held to

Scales: `small` (the default, for the test command: 2,000-deep chains, 2,000 deals over 20
payees) and `full` (the sizes that showed the defects: 20,000-deep chains, 250,000 deals over
1,000 payees; with `--deep` the chains are 100,000 deep). Standard library only; output is deterministic.
"""

import argparse
import json
import os
from decimal import Decimal

LIMIT = 1000  # the documented hierarchy depth limit (docs/language.md §14)

TEAM_PLAN = """plan "Deep chain override" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  measure team_sales = team sum(credit.amount)

  component rep {
    commission on credit.amount
    rate 10%
  }

  component override {
    pay 1% of team_sales once when team_sales > 0
  }
}
"""


def tier_plan(scope, bands):
    rows = []
    for k in range(bands):
        lo = k * 1000
        hi = ".." if k == bands - 1 else str((k + 1) * 1000)
        # Rates from 0.01% to 10.00%, every band different.
        rate = "%d.%02d%%" % divmod(k % 1000 + 1, 100)
        rows.append("      [%d, %s) %s" % (lo, hi, rate))
    return """plan "Many bands %s" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal {
    amount: money
  }

  component core {
    commission on credit.amount
    rate graduated by amount %s {
%s
    }
  }
}
""" % (scope, scope, "\n".join(rows))


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def expect(folder, **what):
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
               if f.endswith((".csv", ".comp")))
    what["budget_bytes"] = 3 * size + 64 * 2**20
    write(os.path.join(folder, "expect.json"), json.dumps(what, indent=1, sort_keys=True) + "\n")


def money(d):
    return str(d.quantize(Decimal("0.01")))


def payee_id(i):
    return "p%06d" % i


def chain(folder, depth, dated):
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, "plan.comp"), TEAM_PLAN)
    payees = ["id,manager"]
    managers = ["payee,manager,from,to"]
    for i in range(depth):
        boss = payee_id(i - 1) if i > 0 else ""
        if dated:
            payees.append(payee_id(i) + ",")
            if i > 0:
                managers.append("%s,%s,2026-01-01," % (payee_id(i), boss))
        else:
            payees.append("%s,%s" % (payee_id(i), boss))
    write(os.path.join(folder, "payees.csv"), "\n".join(payees) + "\n")
    deals = ["id,payee,date,amount"]
    amounts = [1000 + i % 97 for i in range(depth)]
    for i in range(depth):
        deals.append("D%06d,%s,2026-02-%02d,%d.00" % (i, payee_id(i), 1 + i % 28, amounts[i]))
    write(os.path.join(folder, "deals.csv"), "\n".join(deals) + "\n")
    args = "--payees payees.csv --deals deals.csv --period 2026-Q1"
    if dated:
        write(os.path.join(folder, "managers.csv"), "\n".join(managers) + "\n")
        args += " --managers managers.csv"
    write(os.path.join(folder, "run.args"), args + "\n")
    if depth - 1 > LIMIT:
        expect(folder, exit=1, code="D0212")
    else:
        # Payee i: 10% of its own deal, and 1% of the deals of everyone below (exact to the
        # cent: the amounts are whole).
        totals, below = {}, 0
        for i in reversed(range(depth)):
            totals[payee_id(i)] = money(Decimal(amounts[i]) / 10 + Decimal(below) / 100)
            below += amounts[i]
        expect(folder, exit=0, totals=totals)


def tiers(folder, scope, deals, payees, bands=1000):
    os.makedirs(folder, exist_ok=True)
    write(os.path.join(folder, "plan.comp"), tier_plan(scope, bands))
    names = ["P%04d" % (k + 1) for k in range(payees)]
    write(os.path.join(folder, "payees.csv"), "id\n" + "".join(n + "\n" for n in names))
    rows = ["id,payee,date,amount"]
    for i in range(deals):
        rows.append("D%06d,%s,2026-%02d-%02d,1000000.00" % (i, names[i % payees], 1 + i % 3, 1 + i % 28))
    write(os.path.join(folder, "deals.csv"), "\n".join(rows) + "\n")
    write(os.path.join(folder, "run.args"), "--payees payees.csv --deals deals.csv --period 2026-Q1\n")
    # Band k is [1000k, 1000(k+1)) at (k+1)/100 %, the last one open.
    rates = [Decimal(k + 1) / 10000 for k in range(bands)]
    # A deal from 0 crosses every band: 1,000 in each, the rest in the last.
    whole = sum(r * 1000 for r in rates[:-1]) + rates[-1] * (1000000 - 1000 * (bands - 1))
    counts = {n: deals // payees + (1 if k < deals % payees else 0) for k, n in enumerate(names)}
    if scope == "per deal":
        per_payee = {n: whole * c for n, c in counts.items() if c}
    else:
        # Running: a payee's first deal crosses every band, the later ones pay the last rate.
        per_payee = {n: whole + rates[-1] * 1000000 * (c - 1) for n, c in counts.items() if c}
    expect(folder, exit=0, totals={p: money(v) for p, v in per_payee.items()})


def cases(scale, deep=False):
    """Every case's name and the function that writes it into a folder (also used by
    tests/attacks/cases.py, which runs them in the attack suite)."""
    full = scale == "full"
    depth = (100_000 if deep else 20_000) if full else 2_000
    deals = 250_000 if full else 2_000
    payees = 1_000 if full else 20
    return {
        "chain-payees": lambda f: chain(f, depth, False),
        "chain-managers": lambda f: chain(f, depth, True),
        "chain-limit": lambda f: chain(f, LIMIT + 1, False),
        "graduated-per-deal": lambda f: tiers(f, "per deal", deals, payees),
        "graduated-running": lambda f: tiers(f, "running", deals, payees),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--scale", choices=["small", "full"], default="small")
    ap.add_argument("--deep", action="store_true", help="full scale: 100,000-deep chains")
    ap.add_argument("--case", action="append", help="only these cases (repeatable)")
    a = ap.parse_args()
    cases_ = cases(a.scale, a.deep)
    for name in a.case or list(cases_):
        if name not in cases_:
            ap.error("unknown case %r (known: %s)" % (name, ", ".join(cases_)))
        cases_[name](os.path.join(a.out, name))
        print(os.path.join(a.out, name))


if __name__ == "__main__":
    main()
