"""The data-team example (examples/python/compare_plans.py) runs and produces its report and
charts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import EXAMPLES

pytest.importorskip("polars")
pytest.importorskip("pyarrow")


def test_compare_plans_example(tmp_path):
    script = EXAMPLES / "python" / "compare_plans.py"
    p = subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "Cost per team" in out and "m01" in out and "Total: current" in out
    for name in ("current", "proposed"):
        svg = (tmp_path / f"pay_curve_{name}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "polyline" in svg
