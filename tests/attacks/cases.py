"""The attack cases: each writes its inputs under `work` and says the exact outcome it must
have. `scale` is "small" (the test command) or "full" (the sizes the defects were found at)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from run import MIB, Case

PLAN = """plan "Attack" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money, product: text }
  component core { commission on credit.amount  rate 10% }
}
"""


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def sparse(path: Path, size: int) -> Path:
    """A file of `size` NUL bytes that takes no disk space."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def build(work: Path, scale: str) -> list[Case]:
    full = scale == "full"
    plan = write(work / "plan.comp", PLAN)
    payees = write(work / "payees.csv", "id\nA\nB\n")
    out: list[Case] = []

    def run_args(deals: Path, payees_file: Path = payees) -> list[str]:
        return ["run", plan.name, "--payees", payees_file.name, "--deals", deals.name, "--period", "2026-Q1"]

    # --- silent data loss: a quote that never closes swallowed every later row ----------------
    rows = 4 if not full else 1_000_000
    lines = ["id,payee,date,amount,product"]
    for i in range(1, rows + 1):
        product = '"Core' if i == 2 else "Core"
        lines.append(f"d{i},A,2026-01-05,100.00,{product}")
    deals = write(work / "unclosed.csv", "\n".join(lines) + "\n")
    out.append(Case(
        "csv-unclosed-quote", "silent data loss", run_args(deals), [plan, payees, deals], 1,
        stderr_has='error[D0001]: unclosed.csv, row 2: malformed CSV at line 3, column 24: a quoted field in row 2 is never closed, so every row after it would be lost',
    ))

    # --- tables that are not tables ------------------------------------------------------------
    empty = write(work / "empty.csv", b"")
    out.append(Case(
        "csv-empty-payees", "error points nowhere", run_args(write(work / "d0.csv", "id,payee,date,amount,product\n"), empty),
        [plan, empty], 1,
        stderr_has="error[D0001]: empty.csv: the CSV text is empty: a table starts with a header row naming its columns",
    ))
    nul_size = 4 * MIB if not full else 2 << 30
    zeros = sparse(work / "zeros.csv", nul_size)
    out.append(Case(
        "nul-bytes-as-deals", "memory before an error", run_args(zeros), [plan, payees], 1,
        stderr_has="error[D0001]: zeros.csv: not text at line 1, column 1 (byte offset 0): byte 0x00 (NUL): a table is UTF-8 text, not UTF-16 or binary data",
    ))
    latin1 = write(work / "latin1.csv", "id,payee,date,amount,product\nd1,A,2026-01-05,1.00,Caf".encode() + b"\xe9\n")
    out.append(Case(
        "not-utf8-deals", "error without a byte offset", run_args(latin1), [plan, payees, latin1], 1,
        stderr_has="error[D0001]: latin1.csv: not text at line 2, column 25 (byte offset 53): byte 0xE9 is not UTF-8 text",
    ))
    spaced = write(work / "spaced.csv", "id, payee,date,amount,product\nd1,A,2026-01-05,1.00,Core\n")
    out.append(Case(
        "header-with-spaces", "loose input", run_args(spaced), [plan, payees, spaced], 1,
        stderr_has='error[D0101]: spaced.csv, column "payee": missing column "payee" (the header has " payee"; columns match by exact name)',
    ))
    txt = write(work / "deals.txt", "id,payee,date,amount,product\n")
    out.append(Case(
        "unknown-extension", "loose input", run_args(txt), [plan, payees, txt], 1,
        stderr_has="deals.txt: unknown table format",
    ))
    no_payees = write(work / "none.json", "[]")
    good = write(work / "good.csv", "id,payee,date,amount,product\nd1,A,2026-01-05,1.00,Core\n")
    out.append(Case(
        "no-payees", "error points nowhere", run_args(good, no_payees), [plan, good, no_payees], 1,
        stderr_has='error[D0202]: good.csv, row 1 (id "d1"), column "payee": unknown payee "A"',
    ))

    # --- outputs: never over an input ----------------------------------------------------------
    before = good.read_bytes()

    def unchanged(o):
        return None if good.read_bytes() == before else "the input good.csv was changed"

    out.append(Case(
        "output-over-input", "input overwritten", [*run_args(good), "--out", "good.csv"], [plan, payees, good], 1,
        stderr_has="error: the output good.csv is the input good.csv: refusing to overwrite it; nothing was written",
        check=unchanged,
    ))
    os.symlink("good.csv", work / "alias.csv")
    out.append(Case(
        "output-over-input-via-link", "input overwritten", [*run_args(good), "--out", "alias.csv"], [plan, payees, good], 1,
        stderr_has="error: the output alias.csv is the input good.csv: refusing to overwrite it; nothing was written",
        check=unchanged,
    ))

    # --- plans: limits while reading, bounded echo ---------------------------------------------
    out.append(Case(
        "plan-dev-zero", "never ends", ["check", "/dev/zero"], [], 1,
        stderr_has="error[E0002]: the plan is more than 1048576 bytes; the limit is 1048576 bytes",
    ))
    huge = sparse(work / "huge.comp", (8 * MIB) if not full else (2 << 30))
    out.append(Case(
        "plan-huge-sparse", "memory before an error", ["check", huge.name], [], 1,
        stderr_has="error[E0002]: the plan is more than 1048576 bytes",
    ))
    line = write(work / "line.comp", "x" * ((3 * MIB) if not full else (512 * MIB)))
    out.append(Case(
        "plan-one-long-line", "echo of a huge line", ["check", line.name], [], 1,
        stderr_has="error[E0002]: the plan is more than 1048576 bytes",
        check=lambda o: None if len(o.stderr) < 4096 else f"{len(o.stderr)} bytes of error output",
    ))

    # --- memory that grew faster than the input (tests/attacks/gen.py makes the inputs) ----------
    out.extend(generated(work / "gen", scale))
    return out


def printed_totals(stdout: bytes) -> dict[str, str]:
    """`payee period amount` rows of the totals table `run` prints, amounts without digit groups."""
    totals = {}
    for line in stdout.decode().splitlines()[1:]:
        parts = line.split()
        if len(parts) == 3 and parts[0] != "total":
            totals[parts[0]] = parts[2].replace(",", "")
    return totals


def generated(root: Path, scale: str) -> list[Case]:
    import gen

    cases = []
    for name, build in gen.cases(scale, deep=False).items():
        folder = root / name
        build(str(folder))
        expect = json.loads((folder / "expect.json").read_text())
        args = ["run", f"{folder}/plan.comp"]
        for a in (folder / "run.args").read_text().split():
            args.append(f"{folder}/{a}" if a.endswith(".csv") else a)
        inputs = [p for p in folder.iterdir() if p.suffix in (".csv", ".comp")]
        if expect["exit"] == 0:
            want = expect["totals"]
            check = (lambda want: lambda o: None if printed_totals(o.stdout) == want else
                     f"totals differ from the independent computation in {len(set(printed_totals(o.stdout).items()) ^ set(want.items()))} places")(want)
            stderr = ""
        else:
            check = None
            stderr = f"error[{expect['code']}]"
        budget = expect["budget_bytes"] - 3 * sum(p.stat().st_size for p in inputs) - 64 * MIB
        cases.append(Case(name, "memory faster than the input", args, inputs, expect["exit"],
                          stderr_has=stderr, check=check, extra_budget=budget))
    return cases
