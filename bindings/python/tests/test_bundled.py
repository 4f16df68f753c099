"""The bundled data set (examples/data) under the plan scripts/demo.sh evaluates
(examples/ae_quota_tiers.comp), for 2026-Q1: the wheel's totals equal the fixture
tests/fixtures/bundled-2026-Q1-totals.csv, which scripts/independent_totals.py computes from
the CSV files alone with Python's `decimal`, following docs/language.md, not the engine."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import commissio

from conftest import DATA, EXAMPLES, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "bundled-2026-Q1-totals.csv"


def fixture_rows() -> list[tuple[str, str]]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "payee,total"
    return [tuple(line.split(",")) for line in lines[1:]]


def test_the_engine_pays_the_independent_totals_of_the_bundled_data():
    plan = commissio.Plan.from_file(EXAMPLES / "ae_quota_tiers.comp")
    r = plan.evaluate(
        payees=DATA / "payees.csv",
        deals=DATA / "deals.csv",
        credits=DATA / "credits.csv",
        quotas=DATA / "quotas.csv",
        period="2026-Q1",
    )
    got = sorted(((t.payee, str(t.amount)) for t in r.totals), key=lambda x: x[0].encode())
    assert all(t.period == "2026-Q1" and isinstance(t.amount, Decimal) for t in r.totals)
    # Exact text, so the scale (two places) is checked too.
    assert got == fixture_rows()
    assert len(got) == 44


def test_the_independent_script_prints_the_fixture():
    p = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "independent_totals.py"), str(DATA)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout == FIXTURE.read_text(encoding="utf-8")
