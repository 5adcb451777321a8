"""Speed budgets (``benchmarks/budgets.toml``), checked in CI as ratios to the dependency-import
floor measured in the same run: a figure fails only beyond budget x the noise margin (2x).

The harness is ``benchmarks/bench.py`` (run it for the full table); here each whole-process
figure is the median of 3 runs alternating with the floor, to keep the suite short.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lccost_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.fixture(scope="module")
def measured() -> tuple[float, list[Any]]:
    floor, figures = bench.whole_process(runs=3)
    more, _ = bench.in_process(floor)
    return floor, [*figures, *more]


@pytest.mark.parametrize(
    "name", ["compare_cold", "sweep_cold", "fit_cold", "point", "sweep_in_process"]
)
def test_figure_within_its_budget(measured: tuple[float, list[Any]], name: str) -> None:
    floor, figures = measured
    figure = next(f for f in figures if f.name == name)
    assert not figure.over, (
        f"{name}: {figure.seconds:.6f} s CPU = {figure.floors:.4g} x the import floor "
        f"({floor:.3f} s); budget {figure.budget:g} x, failing beyond "
        f"{figure.budget * bench.BUDGETS['noise_margin']:g} x"
    )


def test_every_budget_has_a_measurement() -> None:
    names = {key for key, value in bench.BUDGETS.items() if isinstance(value, dict)}
    assert names == {*bench.COMMANDS, "point", "sweep_in_process"}


def test_coldstart_stages_still_exist() -> None:
    # benchmarks/coldstart.py times these functions inside a real compare; a renamed one would
    # make the benchmark fail (or, worse, move its time to "other" unnoticed).
    from lccost import api
    from lccost.cli import costs

    spec = importlib.util.spec_from_file_location(
        "lccost_coldstart", BENCH.with_name("coldstart.py")
    )
    assert spec is not None and spec.loader is not None
    coldstart = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = coldstart
    spec.loader.exec_module(coldstart)
    for owner, name, _ in coldstart.STAGED:
        assert callable(getattr(api if owner == "api" else costs, name, None)), (owner, name)
