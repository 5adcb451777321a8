"""Where a cold ``lccost compare`` of the eight models at 1M spends its time: the dependency
floor, what the CLI needs of its dependencies beyond it, typer's own work on every run, and
lccost's (its imports, loading the specs, costing, rendering). The question it answers: how
close to issue 15's target (1.3 x the floor) can the command come while it runs under typer?

    python benchmarks/coldstart.py              # 9 runs per figure
    python benchmarks/coldstart.py --runs 21 --json
    python benchmarks/coldstart.py --instructions   # the ladder in instructions (valgrind)

1. A ladder of whole processes, each a fresh interpreter run alternately with the floor (floor,
   rung, floor, rung, ...), each figure the median of CPU seconds (user + system) and the
   median of the ratios pair by pair, as ``bench.py`` measures:

   - ``floor``: ``import typer, pydantic, rich, yaml`` (bench.py's floor);
   - ``deps``: + what the CLI uses that those imports leave unloaded: pydantic's ``BaseModel``
     (pydantic imports its modules lazily), rich's ``Console`` and ``Table``;
   - ``typer_runtime``: + ``typer._adapters``, typer's coercion machinery, which every run of a
     command imports (pydantic's TypeAdapter and its plugin loader come with it);
   - ``lccost_cli``: + lccost's CLI modules for compare (``lccost.cli.app``,
     ``lccost.cli.costs`` and what they import);
   - ``typer_compare``: + a typer app with one command of ``compare``'s exact parameters
     (its signature), run with the benchmark's command line, whose body does nothing: typer's
     work for one invocation (the click command, one pydantic TypeAdapter per parameter, each
     value coerced);
   - ``compare``: the real ``lccost compare <8 models> --context 1M`` (``bench.py``'s
     ``compare_cold``), its specs already kept by the spec cache (one warm-up run).

   Each rung minus the one before is what that step adds; ``compare - typer_compare`` is
   lccost's own work after parsing, ``lccost_cli - typer_runtime`` its CLI's imports.

2. A breakdown of the real compare from inside the process (the same command, ``--runs`` fresh
   processes, medians of CPU milliseconds): importing the CLI (typer included), typer's work up
   to the command (registration, parsing, coercion: ``typer._adapters`` is imported there),
   and in the command: importing ``lccost.api``, loading the specs, costing (``lccost.engine``
   and the peaks), building the report, rendering; ``other`` is what no stage claims. It wraps
   a few functions of ``lccost.api`` and ``lccost.cli.costs`` with timers for the run, so a
   stage whose function the code no longer calls shows 0 and its time moves to ``other``.

3. With ``--instructions``, the ladder again, each rung run once under valgrind's callgrind with
   ``PYTHONHASHSEED=0``: the instructions each process executes (Ir), which other processes on
   a shared machine do not disturb (CPU seconds do, by 20% and more on 2 busy cores). An
   instruction is not a fixed time (cache misses, system calls), so this ranks and
   compares, and CPU seconds on a quiet machine give the times. About 3 minutes.

Whole-process CPU includes the interpreter's start (``python -c pass``, measured too), which the
floor pays as well.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench.py, beside this file
from bench import FLOOR_CODE as FLOOR
from bench import MODELS, ROOT, child_env

ARGS = ["compare", *MODELS, "--context", "1M"]

DEPS = FLOOR + (
    "; from pydantic import BaseModel; from rich.console import Console; "
    "from rich.table import Table"
)
TYPER_RUNTIME = DEPS + "; import typer._adapters"
LCCOST_CLI = TYPER_RUNTIME + "; import lccost.cli.app, lccost.cli.costs"
TYPER_COMPARE = (
    LCCOST_CLI
    + """
import inspect, sys, typer
from lccost.cli import costs
def compare(**values):
    pass
compare.__signature__ = inspect.signature(costs.compare, eval_str=True)
one = typer.Typer(add_completion=False, context_settings={"help_option_names": ["-h", "--help"]})
one.callback()(lambda: None)  # a group, as lccost's app is: `lccost compare ...`
one.command("compare")(compare)
one(args=sys.argv[1:], standalone_mode=False, prog_name="lccost")
"""
)
COMPARE = "import sys; from lccost.cli.app import main; sys.exit(main())"

LADDER = {
    "interpreter": "pass",
    "deps": DEPS,
    "typer_runtime": TYPER_RUNTIME,
    "lccost_cli": LCCOST_CLI,
    "typer_compare": TYPER_COMPARE,
    "compare": COMPARE,
}
"""Each rung's ``python -c`` code; run with ``ARGS`` after it (only the last two read them)."""

STAGED = (
    ("api", "load", "load the specs"),
    ("api", "cost", "cost (engine)"),
    ("api", "costs_at", "cost (engine)"),
    ("api", "report_peak", "peaks"),
    ("api", "cost_results", "build the report"),
    ("api", "make_report", "build the report"),
    ("costs", "emit", "render"),
)
"""(module, function, stage) timed inside the real compare: ``lccost.api``'s or
``lccost.cli.costs``' functions, replaced by timed wrappers for the run
(``tests/test_budgets.py`` checks that each still exists)."""

STAGES = r"""
import contextlib, functools, io, json, sys, time
clock = time.process_time
spent = {}
marks = [clock()]

def mark(name):
    marks.append(clock())
    spent[name] = spent.get(name, 0.0) + marks[-1] - marks[-2]

def timed(name, function):
    def run(*args, **kwargs):
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + clock() - start
    return run

from lccost.cli import app as cli, costs
mark("import the CLI (typer, lccost.cli)")
import typer.core
typer.core.build_runtime_param = timed(
    "typer: a TypeAdapter per parameter (imports typer._adapters, pydantic)",
    typer.core.build_runtime_param,
)
command = costs.compare
inside = {}

@functools.wraps(command)  # typer reads the parameters through __wrapped__
def compare(*args, **kwargs):
    inside["start"] = clock()
    from lccost import api
    inside["api"] = clock()
    for owner, name, stage in STAGED:
        module = api if owner == "api" else costs
        setattr(module, name, timed(stage, getattr(module, name)))
    try:
        return command(*args, **kwargs)
    finally:
        inside["end"] = clock()

costs.compare = compare
sys.argv = ["lccost", *sys.argv[1:]]
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main()
    except SystemExit as done:
        assert not done.code, done.code
end = clock()
adapters = "typer: a TypeAdapter per parameter (imports typer._adapters, pydantic)"
spent["typer: register, parse, coerce"] = inside["start"] - marks[-1] - spent.get(adapters, 0.0)
spent["import lccost.api"] = inside["api"] - inside["start"]
claimed = sum(v for k, v in spent.items() if not k.startswith(("import the CLI", "typer")))
command_ms = inside["end"] - inside["api"]
spent["other (in the command)"] = command_ms - (claimed - spent["import lccost.api"])
spent["after the command"] = end - inside["end"]
spent["total in process"] = end - marks[0]
print(json.dumps({k: v * 1000 for k, v in spent.items()}))
"""
"""The in-process breakdown: the real ``main`` with timers around a few functions."""


def _cpu(code: str) -> float:
    """CPU seconds (user + system) of one fresh ``python -c code ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", code, *ARGS],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"python -c {code[:60]!r}... failed:\n{done.stderr}")
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def ladder(runs: int) -> dict[str, dict[str, float]]:
    """Per rung: median CPU ms, median ratio to the floor run beside it."""
    out: dict[str, dict[str, float]] = {}
    floors: list[float] = []
    for name, code in LADDER.items():
        _cpu(FLOOR), _cpu(code)  # warm the file cache, .pyc files and the spec cache
        pairs = [(_cpu(FLOOR), _cpu(code)) for _ in range(runs)]
        floors += [floor for floor, _ in pairs]
        out[name] = {
            "ms": 1000 * statistics.median(cpu for _, cpu in pairs),
            "floors": statistics.median(cpu / floor for floor, cpu in pairs),
        }
    return {"floor": {"ms": 1000 * statistics.median(floors), "floors": 1.0}, **out}


VALGRIND = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]


def instructions() -> dict[str, dict[str, float]]:
    """Per rung: millions of instructions (callgrind's Ir) and the ratio to the floor's."""
    counts: dict[str, float] = {}
    for name, code in {"floor": FLOOR, **LADDER}.items():
        _cpu(code)  # .pyc files and the spec cache in place first
        done = subprocess.run(
            [*VALGRIND, sys.executable, "-c", code, *ARGS],
            cwd=ROOT,
            env={**child_env(), "PYTHONHASHSEED": "0"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=True,
        )
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise RuntimeError(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")
        counts[name] = int(found.group(1)) / 1e6
    return {name: {"Mi": n, "floors": n / counts["floor"]} for name, n in counts.items()}


def stages(runs: int) -> dict[str, float]:
    """Median CPU ms of each stage of the real compare, from inside the process."""
    _cpu(COMPARE)  # the spec cache filled
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", f"STAGED = {STAGED!r}\n{STAGES}", *ARGS],
            cwd=ROOT,
            env=child_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        for name, ms in json.loads(done.stdout.splitlines()[-1]).items():
            samples.setdefault(name, []).append(ms)
    return {name: statistics.median(values) for name, values in samples.items()}


def instructions_report(counts: dict[str, dict[str, float]]) -> str:
    lines = [f"{'instructions':<16} {'millions':>9} {'x floor':>8} {'step adds':>10}"]
    previous = None
    for name, figure in counts.items():
        if name == "interpreter":
            continue
        added = "" if previous is None else f"{figure['floors'] - previous:+.3f}"
        lines.append(f"{name:<16} {figure['Mi']:9.1f} {figure['floors']:8.3f} {added:>10}")
        previous = figure["floors"]
    lines.append(
        f"(python -c pass: {counts['interpreter']['floors']:.3f} x floor, in every figure)"
    )
    return "\n".join(lines)


def report(steps: dict[str, dict[str, float]], inside: dict[str, float]) -> str:
    floor = steps["floor"]["ms"]
    lines = [
        f"python {sys.version.split()[0]}; lccost {' '.join(ARGS[:2])} ... (8 models) "
        f"--context 1M; CPU ms, medians",
        "",
        f"{'whole process':<16} {'ms':>7} {'x floor':>8} {'step adds':>10}",
    ]
    previous = None
    for name, figure in steps.items():
        if name == "interpreter":
            continue
        added = "" if previous is None else f"{figure['ms'] - previous:+.1f}"
        lines.append(f"{name:<16} {figure['ms']:7.1f} {figure['floors']:8.3f} {added:>10}")
        previous = figure["ms"]
    lines.append(f"(python -c pass: {steps['interpreter']['ms']:.1f} ms, in every figure)")
    compare, typer_compare = steps["compare"]["ms"], steps["typer_compare"]["ms"]
    cli_imports = steps["lccost_cli"]["ms"] - steps["typer_runtime"]["ms"]
    needs = typer_compare - cli_imports  # the dependencies and typer's run, without lccost
    lines += [
        "",
        f"typer's work for one compare (typer_compare - lccost_cli): "
        f"{typer_compare - steps['lccost_cli']['ms']:.1f} ms",
        f"lccost's CLI imports (lccost_cli - typer_runtime): {cli_imports:.1f} ms",
        f"lccost after parsing (compare - typer_compare): {compare - typer_compare:.1f} ms",
        f"the target, 1.3 x floor: {1.3 * floor:.1f} ms; the CLI's dependencies and typer's run "
        f"alone (typer_compare - lccost's CLI imports): {needs:.1f} ms = {needs / floor:.3f} "
        "x floor",
        "",
        f"{'inside the real compare':<40} {'ms':>7}",
    ]
    lines += [f"{name:<40} {ms:7.1f}" for name, ms in inside.items()]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per figure")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="the ladder in instructions, under valgrind (deterministic; about 3 minutes)",
    )
    args = parser.parse_args()
    if args.instructions:
        if shutil.which("valgrind") is None:
            print("--instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
            return 2
        counts = instructions()
        print(json.dumps(counts, indent=2) if args.json else instructions_report(counts))
        return 0
    runs = max(args.runs, 3)
    steps, inside = ladder(runs), stages(runs)
    if args.json:
        print(json.dumps({"whole_process": steps, "in_process_ms": inside}, indent=2))
    else:
        print(report(steps, inside))
    return 0


if __name__ == "__main__":
    sys.exit(main())
