"""The shipped `.pyi` stub matches the real native module (mypy.stubtest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")

HERE = Path(__file__).parent


def test_stubtest(tmp_path):
    allow = HERE / "stubtest-allowlist.txt"
    cmd = [sys.executable, "-m", "mypy.stubtest", "commissio._commissio", "--allowlist", str(allow)]
    env = {**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "mypy-cache")}
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr


def test_typed_usage_checks(tmp_path):
    """A small typed program using the public API passes mypy --strict against the stubs."""
    prog = tmp_path / "use_commissio.py"
    prog.write_text(
        "from decimal import Decimal\n"
        "import commissio\n"
        "plan: commissio.Plan = commissio.Plan.parse('x')\n"
        "r: commissio.Results = plan.evaluate(payees=[], deals=[], period='2026-Q1')\n"
        "t: Decimal | None = r.total('A', '2026-Q1')\n"
        "amounts: list[Decimal] = [l.amount for l in r.lines]\n"
        "diags: list[commissio.Diagnostic] = commissio.check('x')\n"
        "codes: list[str] = [d.code for d in diags]\n"
        "pts: list[commissio.CurvePoint] = plan.pay_curve(payees=[], deals=[], payee='A', period='2026-Q1', step='5%')\n"
        "svg: str = commissio.curve_svg(pts, 'curve')\n"
        "prog = commissio.Program([plan], split='days')\n"
        "pr: commissio.ProgramResults = prog.evaluate(payees=[], deals=[], assignments='a.csv', period='2026-04')\n"
        "per_plan: dict[str, commissio.Results] = pr.plans\n"
        "one: commissio.Results | None = pr.plan('AE')\n"
        "pt: Decimal | None = pr.total('A', '2026-04')\n"
        "story: str | None = prog.explain(pr, 'A', None)\n"
        "try:\n"
        "    pass\n"
        "except commissio.PlanError as e:\n"
        "    first: commissio.Diagnostic = e.diagnostics[0]\n"
        "except commissio.DataError as e:\n"
        "    row: int | None = e.row\n"
    )
    env = {**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "mypy-cache")}
    p = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--python-version", "3.11", str(prog)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
