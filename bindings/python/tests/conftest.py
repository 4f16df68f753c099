"""Shared fixtures. The suite imports the installed `commissio` wheel, never the source tree:
run it from this folder with `python -m pytest` after `pip install <wheel>` (scripts/test.sh
does exactly that in a fresh virtualenv)."""

from __future__ import annotations

import os
from pathlib import Path

import tempfile

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

# Nothing written into the source tree: no example database, Hypothesis' caches in /tmp.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "commissio-hypothesis")
settings.register_profile("commissio", database=None)
settings.load_profile("commissio")


def repo_root() -> Path:
    """The repository root: $COMMISSIO_ROOT, else found from this file's location."""
    env = os.environ.get("COMMISSIO_ROOT")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        if (parent / "tests" / "corpus").is_dir() and (parent / "examples").is_dir():
            return parent
    raise RuntimeError("cannot find the repository root; set COMMISSIO_ROOT")


ROOT = repo_root()
CORPUS = ROOT / "tests" / "corpus"
EXAMPLES = ROOT / "examples"
DATA = EXAMPLES / "data"

FLAT_PLAN = """
plan "Flat" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  component base { commission on credit.amount  rate 5% }
}
"""

AE_PLAN = """
plan "AE" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line

  input deal { amount: money, product: text, new_logo: bool, closed: date }
  input payee { quota: money }

  measure bookings = sum(credit.amount)
  measure attainment = bookings / payee.quota

  component core {
    commission on credit.amount
    rate graduated by attainment {
      [0%, 100%)   5%
      [100%, ..)  10%
    }
    multiply 1.5 when deal.new_logo
  }
  component spiff {
    pay 100 per deal when deal.product = "Platform"
  }
}
"""


@pytest.fixture
def flat_plan():
    import commissio

    return commissio.Plan.parse(FLAT_PLAN)


@pytest.fixture
def ae_plan():
    import commissio

    return commissio.Plan.parse(AE_PLAN)


def ae_rows():
    """Payees and deals for AE_PLAN as lists of dicts (strings and exact values only)."""
    from datetime import date
    from decimal import Decimal

    payees = [
        {"id": "A", "quota": Decimal("100000.00")},
        {"id": "B", "quota": "50000"},
    ]
    deals = [
        {"id": "D1", "payee": "A", "date": "2026-01-10", "amount": Decimal("60000.00"), "product": "Core", "new_logo": False, "closed": date(2026, 1, 10)},
        {"id": "D2", "payee": "A", "date": "2026-02-10", "amount": "70000.00", "product": "Platform", "new_logo": True, "closed": "2026-02-10"},
        {"id": "D3", "payee": "B", "date": "2026-03-01", "amount": 1200, "product": "Platform", "new_logo": "false", "closed": "2026-03-01"},
    ]
    return payees, deals


def hierarchy_rows():
    """Corpus case 060 (a hierarchy that changes mid-period) as Python values: its plan,
    payees, deals and the managers table as a dict of columns (dates, a `None` end)."""
    from datetime import date

    import commissio

    plan = commissio.Plan.from_file(CORPUS / "060-hierarchy-change-mid-period" / "plan.comp")
    payees = [{"id": p} for p in ["VP", "M1", "M2", "R1", "R2"]]
    deals = [
        {"id": "D1", "payee": "R1", "date": "2026-01-20", "amount": "50000.00"},
        {"id": "D2", "payee": "R1", "date": "2026-03-10", "amount": "30000.00"},
        {"id": "D3", "payee": "R2", "date": "2026-02-20", "amount": "10000.00"},
    ]
    managers = {
        "payee": ["R1", "R1", "R2", "M1", "M2"],
        "manager": ["M1", "M2", "M1", "VP", "VP"],
        "from": [date(2026, 1, 1), date(2026, 2, 15), date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 15)],
        "to": [date(2026, 2, 14), None, None, None, None],
    }
    return plan, payees, deals, managers
