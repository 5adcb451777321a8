"""pytest-benchmark statistics for the in-process figures (``pytest benchmarks/``); the
budgets themselves are checked by ``tests/test_budgets.py`` through ``bench.py``."""

from __future__ import annotations

from typing import Any

import pytest

from lccost import api
from lccost.engine import cost

MODELS = [
    "deepseek-v3.2",
    "deepseek-v4-flash",
    "deepseek-v4-pro",
    "gemma-4-e2b",
    "gemma-4-e4b",
    "laguna-xs.2",
    "llama-3.1-8b",
    "zaya1-8b",
]
CONTEXTS = [round(1024 * 1024 ** (i / 999)) for i in range(1000)]


@pytest.mark.parametrize("model", MODELS)
def test_point(benchmark: Any, model: str) -> None:
    architecture = api.load(model)
    workload = api.make_workload(1 << 20)
    cost(architecture, workload).compiled.at(0)

    def one() -> int:
        m = cost(architecture, workload)
        return m.kv_cache_bytes + m.prefill_flops + m.decode_flops + m.decode_bytes

    benchmark(one)


@pytest.mark.parametrize("model", MODELS)
def test_compiled_many(benchmark: Any, model: str) -> None:
    compiled = cost(api.load(model), api.make_workload(0)).compiled
    benchmark(compiled.many, CONTEXTS)


def test_sweep(benchmark: Any) -> None:
    architectures = [api.load(model) for model in MODELS]
    workload = api.make_workload(1024)
    benchmark.pedantic(api.sweep, (architectures, CONTEXTS, workload), rounds=3)
