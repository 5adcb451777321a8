"""Cold-start and sweep timings of the ``lccost`` CLI against their budgets.

Run on demand (pytest does not collect it)::

    python benchmarks/bench.py            # medians of 7 runs
    python benchmarks/bench.py --runs 11 --importtime

Each figure is the median wall time of fresh subprocesses (interpreter start included), beside
``python -c pass`` on the same machine for scale. Budgets: ``lccost --help`` < 0.3 s,
``lccost compare`` on every shipped spec < 0.5 s, a 20-point sweep of every shipped spec over
4k..16M tokens < 1 s. ``--strict`` exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = sorted(p.stem for p in (ROOT / "configs").glob("*.yaml") if p.stem != "claims")

SWEEP_POINTS = 20
LOW, HIGH = 4 * 1024, 16 * 1024 * 1024
SWEEP_CONTEXTS = [round(LOW * (HIGH / LOW) ** (i / (SWEEP_POINTS - 1)))
                  for i in range(SWEEP_POINTS)]
"""20 contexts, evenly spaced in log from 4k to 16M tokens (both included)."""


def lccost_command(source: Path | None = None) -> list[str]:
    """The installed ``lccost`` script beside this interpreter (not a pyenv shim); with
    ``source``, the entry point of that source tree instead (to compare a change)."""
    script = Path(sys.executable).with_name("lccost")
    if source is None and script.exists():
        return [str(script)]
    path = f"sys.path.insert(0, {str(source)!r}); " if source else ""
    return [sys.executable, "-c",
            f"import sys; {path}from lccost.cli.app import main; sys.exit(main())"]


def cases(source: Path | None) -> list[tuple[str, list[str], float | None]]:
    lccost = lccost_command(source)
    return [
        ("python -c pass", [sys.executable, "-c", "pass"], None),
        ("lccost --help", [*lccost, "--help"], 0.3),
        (f"lccost compare ({len(CONFIGS)} specs)", [*lccost, "compare", *CONFIGS], 0.5),
        (f"lccost sweep ({len(CONFIGS)} specs x {SWEEP_POINTS} contexts, csv)",
         [*lccost, "sweep", *CONFIGS, "--context", ",".join(map(str, SWEEP_CONTEXTS)),
          "--format", "csv"], 1.0),
    ]


def wall_times(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of ``runs`` fresh runs of ``command``. CPU time is
    shown too because it hardly moves when other processes load the machine; wall time does."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command[:3])} ... failed:\n{done.stderr}")
    return walls, cpus


def in_process_sweep(runs: int) -> list[float]:
    """The sweep's own work, loaded specs reused: ``lccost.sweep`` without interpreter start."""
    from lccost import api

    models = [api.load(name) for name in CONFIGS]
    workload = api.make_workload(SWEEP_CONTEXTS[0])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        api.sweep(models, SWEEP_CONTEXTS, workload)
        times.append(time.perf_counter() - start)
    return times


def import_profile(top: int) -> str:
    """The slowest imports (cumulative) of ``lccost --help``, from ``python -X importtime``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import sys; sys.argv = ['lccost', '--help']\n"
                           "from lccost.cli.app import main\nmain()"],
                          cwd=ROOT, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, own, cumulative, name = (part.strip() for part in line.split("|", 1)[0].split(":")
                                    + line.split("|")[1:])
        rows.append((int(cumulative), int(own.split()[-1]) if own else 0, name))
    rows.sort(reverse=True)
    return "\n".join(f"  {cumulative / 1000:8.1f} ms cumulative {own / 1000:7.1f} ms own  {name}"
                     for cumulative, own, name in rows[:top])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (>= 5)")
    parser.add_argument("--importtime", action="store_true",
                        help="also list the slowest imports of `lccost --help`")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a budget is missed")
    parser.add_argument("--source", type=Path, help="time this source tree instead of the "
                                                    "installed lccost (e.g. a patched copy)")
    args = parser.parse_args()
    if args.source:
        sys.path.insert(0, str(args.source.resolve()))
    runs = max(args.runs, 5)

    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs, load "
          f"average {os.getloadavg()[0]:.2f}; median of {runs} cold runs\n")
    print(f"{'command':<48} {'wall':>7} {'min':>7} {'cpu':>7} {'budget':>7}  result")
    missed = 0
    for name, command, budget in cases(args.source and args.source.resolve()):
        wall_times(command, 1)  # warm the file cache (and .pyc files) once
        walls, cpus = wall_times(command, runs)
        median = statistics.median(walls)
        verdict = "" if budget is None else ("pass" if median < budget else "OVER")
        missed += verdict == "OVER"
        shown = f"{budget:.2f}s" if budget is not None else "-"
        print(f"{name:<48} {median:6.3f}s {min(walls):6.3f}s {statistics.median(cpus):6.3f}s "
              f"{shown:>7}  {verdict}")
    sweep = in_process_sweep(runs)
    print(f"{'in-process lccost.sweep (specs loaded)':<48} {statistics.median(sweep):6.3f}s "
          f"{min(sweep):6.3f}s")
    if args.importtime:
        print("\nslowest imports of `lccost --help`:")
        print(import_profile(15))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
