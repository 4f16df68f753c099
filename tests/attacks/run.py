#!/usr/bin/env python3
"""The attack suite: hostile inputs against the release `commissio` binary, one class of defect
each (issue 16), with the exact outcome every case must have and its peak memory and time.

    python3 tests/attacks/run.py [--scale small|full] [--bin target/release/commissio] [--report FILE]

`small` (the default, run by scripts/test.sh) makes every input small enough for a test run;
`full` makes them at the sizes the defects were found at (a 20,000-deep manager chain, 250,000
deals against a 1,000-band table, multi-GiB files streamed from /dev/zero) and takes minutes.
Every case asserts its exit code and an exact line of its error output, and that its peak
resident memory stays within the budget: 3 x the bytes of its input files + 64 MiB. Standard
library only, so it runs wherever the test command does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

MIB = 1 << 20


@dataclass
class Outcome:
    code: int
    stdout: bytes
    stderr: bytes
    seconds: float
    peak_bytes: int


@dataclass
class Case:
    name: str
    defect: str
    args: list[str]
    inputs: list[Path]
    code: int
    stderr_has: str = ""
    stdout_has: str = ""
    check: object = None  # a function (Outcome) -> str | None, for what text cannot say
    stdin: object = None  # a path fed to standard input
    extra_budget: int = 0
    results: dict = field(default_factory=dict)


GNU_TIME = Path("/usr/bin/time")


def run(binary: Path, args: list[str], cwd: Path, stdin: Path | None) -> Outcome:
    """Runs the binary once. Peak memory comes from GNU time when the machine has it (its
    child is a fork of a small C program); otherwise from wait4, which also counts the memory
    of this Python process that the child was forked from (an upper bound)."""
    start = time.monotonic()
    with open(stdin if stdin else os.devnull, "rb") as fin, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(suffix=".rss") as rss:
        command = [str(binary), *args]
        if GNU_TIME.is_file():
            command = [str(GNU_TIME), "-f", "%M", "-o", rss.name, *command]
        proc = subprocess.Popen(command, cwd=cwd, stdin=fin, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        peak = usage.ru_maxrss * 1024  # KiB on Linux
        if GNU_TIME.is_file():
            text = Path(rss.name).read_text().strip().splitlines()
            # After a signal GNU time writes "Command terminated by signal N" first.
            if text and text[-1].isdigit():
                peak = int(text[-1]) * 1024
            if code >= 128 and text and "signal" in text[0]:
                code = -int(text[0].split()[-1])
        out.seek(0)
        err.seek(0)
        return Outcome(code, out.read(), err.read(), seconds, peak)


def input_bytes(paths: list[Path]) -> int:
    total = 0
    for p in paths:
        try:
            if p.is_file():
                total += p.stat().st_size
        except OSError:
            pass
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=["small", "full"], default="small")
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "commissio"))
    ap.add_argument("--report", default=None, help="also write the table of figures to this file")
    ap.add_argument("--only", default=None, help="run the cases whose name contains this text")
    a = ap.parse_args()
    binary = Path(a.bin).resolve()
    if not binary.is_file():
        print(f"no binary at {binary}: build it first (cargo build --release -p commissio-cli)", file=sys.stderr)
        return 2
    import cases  # noqa: E402  (tests/attacks/cases.py: the inputs and their expected outcomes)

    work = Path(tempfile.mkdtemp(prefix="commissio-attacks-"))
    failures: list[str] = []
    rows: list[str] = []
    try:
        for case in cases.build(work, a.scale):
            if a.only and a.only not in case.name:
                continue
            o = run(binary, case.args, work, case.stdin)
            size = input_bytes(case.inputs + ([case.stdin] if case.stdin else []))
            budget = 3 * size + 64 * MIB + case.extra_budget
            problems = []
            if o.code != case.code:
                problems.append(f"exit {o.code}, expected {case.code}")
            if case.stderr_has and case.stderr_has not in o.stderr.decode("utf-8", "replace"):
                problems.append(f"standard error lacks {case.stderr_has!r}")
            if case.stdout_has and case.stdout_has not in o.stdout.decode("utf-8", "replace"):
                problems.append(f"standard output lacks {case.stdout_has!r}")
            if case.check:
                p = case.check(o)
                if p:
                    problems.append(p)
            if o.peak_bytes > budget:
                problems.append(f"peak memory {o.peak_bytes / MIB:.1f} MiB over the budget {budget / MIB:.1f} MiB")
            if len(o.stderr) > 64 * 1024:
                problems.append(f"{len(o.stderr)} bytes of error output (more than 64 KiB)")
            verdict = "ok" if not problems else "FAIL"
            rows.append(f"| {case.name} | {case.defect} | {size:,} | {o.peak_bytes / MIB:.1f} | {budget / MIB:.1f} | {o.seconds:.2f} | {verdict} |")
            if problems:
                tail = o.stderr.decode("utf-8", "replace")[-600:]
                failures.append(f"{case.name}: " + "; ".join(problems) + f"\n  stderr: {tail}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = "\n".join(
        [f"attack suite, scale {a.scale}, binary {binary}", "",
         "| case | defect class | input bytes | peak MiB | budget MiB | seconds | |",
         "|---|---|---:|---:|---:|---:|---|", *rows]
    )
    print(table)
    if a.report:
        Path(a.report).write_text(table + "\n")
    if failures:
        print("\n" + "\n".join(failures), file=sys.stderr)
        print(f"\n{len(failures)} of {len(rows)} attack cases failed", file=sys.stderr)
        return 1
    print(f"\nall {len(rows)} attack cases passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
