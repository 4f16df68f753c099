"""The shared conformance corpus (tests/corpus, format in tests/corpus/README.md), run through
the Python package and compared exactly as the Rust suite (tests/support.rs) compares it:
lines and totals as sets, amounts as exact decimal strings with their scale."""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import commissio
from conftest import CORPUS, ROOT

CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir() and (p / "case.json").is_file())

# The engine's canonical JSON of every case (`Results.to_json()`, or the error's
# `canonical_json`), for the determinism check of scripts/test.sh, which compares it byte for
# byte with what the Rust engine and the npm package write.
DETERMINISM = Path(os.environ.get("COMMISSIO_DETERMINISM_DIR") or ROOT / "target" / "determinism") / "python"
shutil.rmtree(DETERMINISM, ignore_errors=True)
DETERMINISM.mkdir(parents=True)


def plain(d: Decimal) -> str:
    """Decimal text as the engine writes it: no exponent, scale kept (`0E-7` -> `0.0000000`)."""
    return format(d, "f")


def key(v: Any) -> str:
    return json.dumps(v, sort_keys=True)


def host_value(v: Any) -> Any:
    """A cell of a case row as Python hands it over: a host-number marker `{"$number": text}`
    (tests/corpus/README.md) is Python's own number, `int(text)` for a whole number and
    `float(text)` otherwise (the Rust runner checks that every marker is portable)."""
    if isinstance(v, dict) and set(v) == {"$number"}:
        text = v["$number"]
        return float(text) if "." in text else int(text)
    return v


def host_rows(rows: Any) -> Any:
    if not isinstance(rows, list):
        return rows
    return [{k: host_value(v) for k, v in row.items()} if isinstance(row, dict) else row for row in rows]


def run(plan_text: str, spec: dict) -> tuple[dict, str]:
    """The case's outcome in the shape of its `expect` block, and the engine's canonical JSON
    of the results or of the error."""
    try:
        plan = commissio.Plan.parse(plan_text)
    except commissio.PlanError as e:
        d = e.diagnostics[0]
        return {"plan_error": {"code": d.code, "line": d.line, "column": d.column}}, e.canonical_json
    try:
        r = plan.evaluate(
            payees=host_rows(spec.get("payees", [])),
            deals=host_rows(spec.get("deals", [])),
            credits=host_rows(spec.get("credits")),
            quotas=host_rows(spec.get("quotas")),
            managers=host_rows(spec.get("managers")),
            period=spec.get("period", ""),
        )
    except commissio.DataError as e:
        x = e.errors[0]
        out: dict = {"code": x.code, "table": x.table, "row": x.row}
        if x.field is not None:
            out["field"] = x.field
        return {"data_error": out}, e.canonical_json
    except commissio.PeriodError as e:
        return {"period_error": str(e)}, e.canonical_json
    except commissio.EvalError as e:
        return {"eval_error": {"code": e.code}}, e.canonical_json
    lines = [
        {"payee": l.payee, "period": l.period, "component": l.component, "deal": l.deal, "amount": plain(l.amount)}
        for l in r.lines
    ]
    totals = [{"payee": t.payee, "period": t.period, "amount": plain(t.amount)} for t in r.totals]
    # Every line's trace replays to its amount, digit for digit (InternalError otherwise).
    assert r.verify_traces() == len(r.lines)
    return {"lines": sorted(lines, key=key), "totals": sorted(totals, key=key)}, r.to_json()


def expected(spec: dict) -> dict:
    e = dict(spec.get("expect", {}))
    for k in ("lines", "totals"):
        if k in e:
            e[k] = sorted(e[k], key=key)
    return e


def test_corpus_is_complete():
    assert len(CASES) >= 50, f"expected the full corpus, found {len(CASES)} cases in {CORPUS}"


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case(case: Path):
    # Decimals in JSON are strings by the corpus rules; parse_float keeps any stray number exact.
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"), parse_float=Decimal)
    got, canonical = run((case / "plan.comp").read_text(encoding="utf-8"), spec)
    (DETERMINISM / f"{case.name}.json").write_text(canonical, encoding="utf-8", newline="")
    want = expected(spec)
    if "data_error" in got and "data_error" in want and "field" not in want["data_error"]:
        got["data_error"].pop("field", None)
    assert got == want
