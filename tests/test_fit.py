"""``lccost fit``: longest context and largest batch, against hand computations and brute force."""

from __future__ import annotations

import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import RunCli, WriteSpec, architecture_of, valid_specs
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from lccost import api
from lccost.conventions import Accounting
from lccost.engine import cost
from lccost.errors import LccostError
from lccost.fit import (
    Reserve,
    cache_period,
    fit,
    parse_bytes,
    parse_reserve,
    weight_bytes,
)

# Two layers, D = 16, V = 10 (tied), each attention with H = K = 1 head of d = 8 and a dense
# MLP of I = 8; layer 0 full, layer 1 a sliding window of W = 5.
TINY = """\
name: tiny
hidden_size: 16
vocab_size: 10
tie_word_embeddings: true
{max_context}
layers:
  - attention: {{kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8}}
    ffn: {{kind: dense, intermediate_size: 8}}
  - attention: {{kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8, window: 5}}
    ffn: {{kind: dense, intermediate_size: 8}}
"""
# Weights by hand: per layer q, k, v 16*1*8 = 128 each, o 1*8*16 = 128 -> 512; MLP 3*16*8 = 384;
# two layers 2 * 896 = 1,792; embedding 10 * 16 = 160 (tied: no LM head). 1,952 parameters,
# bf16: 3,904 bytes.
WEIGHTS = 2 * 1952
# One token's K and V in one layer: 2 * K * d = 16 values, bf16: 32 bytes.
ENTRY = 32
# Reference accounting: layer 0 holds L tokens, layer 1 the last min(L, W - 1) = min(L, 4).


def reference_cache(tokens: int) -> int:
    return ENTRY * (tokens + min(tokens, 4))


@pytest.fixture
def tiny(write_spec: WriteSpec) -> Path:
    return write_spec(TINY.format(max_context=""), "tiny.yaml")


def solve(
    path: Path,
    capacity: int,
    *,
    batch: int = 1,
    reserve: Reserve | None = None,
    gpus: int = 1,
    context: int | None = None,
    accounting: str = "reference",
    block_size: int = 16,
) -> Any:
    workload = api.make_workload(0, batch, accounting=accounting, block_size=block_size)
    return fit(api.load(path), workload, capacity, reserve or Reserve(size_bytes=0), gpus, context)


def test_weights_and_cache_landing_exactly_on_capacity(tiny: Path) -> None:
    # Capacity = weights + cache after 1,000 tokens = 3,904 + 32 * (1,000 + 4) = 36,032 bytes.
    capacity = WEIGHTS + reference_cache(1000)
    result = solve(tiny, capacity)
    assert result.weight_bytes == 3904
    assert result.cache_budget_bytes == 32 * 1004
    assert result.longest_context == 1000
    assert not result.capped
    # One more token does not fit: the engine's cache after 1,001 tokens is past the budget.
    at = api.make_workload(1001)
    assert api.model_cost(tiny, at).kv_cache_bytes == reference_cache(1001) > 32 * 1004


def test_batch_divides_the_cache_budget(tiny: Path) -> None:
    # Batch 2 with the same memory: 2 * 32 * (L + 4) <= 32,128 -> L + 4 <= 502 -> L = 498.
    assert solve(tiny, WEIGHTS + reference_cache(1000), batch=2).longest_context == 498


def test_a_shrinking_cache_is_not_mistaken_for_room(tiny: Path) -> None:
    # vLLM accounting, block 4: layer 0 holds cdiv(L, 4) * 4 slots; layer 1 keeps the blocks
    # covering its last W - 1 = 4 tokens. Slots (layer 0 + layer 1) by L:
    #   L = 1..4: 4 + 4 = 8;  L = 5..7: 8 + 8 = 16;  L = 8: 8 + 4 = 12 (window back in one
    #   block);  L = 9..11: 12 + 8 = 20.
    # With room for 12 slots (384 B) the cache after 8 tokens fits, but 5, 6 and 7 on the way
    # do not: the longest context is 4.
    result = solve(tiny, WEIGHTS + 12 * ENTRY, accounting="vllm", block_size=4)
    assert result.longest_context == 4
    # With 16 slots (512 B): every length up to 8 fits, 9 does not.
    assert solve(tiny, WEIGHTS + 16 * ENTRY, accounting="vllm", block_size=4).longest_context == 8


CHUNKED = """\
name: chunked
hidden_size: 16
vocab_size: 10
tie_word_embeddings: true
max_context: 1000
layers:
  - attention: {kind: chunked_attention, query_heads: 1, kv_heads: 1, head_dim: 8, chunk: 4}
    ffn: {kind: dense, intermediate_size: 8}
"""


def test_a_chunk_boundary_that_frees_the_cache_is_not_mistaken_for_room(
    write_spec: WriteSpec,
) -> None:
    # vLLM accounting, block 1: a chunked layer (C = 4) frees the pages before its current
    # chunk, so it holds L mod 4 tokens of 32 bytes (chunked.py docstring): 0, 32, 64, 96, 0,
    # 32, ... by L = 0, 1, 2, 3, 4, 5. With room for 64 bytes, L = 3 is the first length that
    # does not fit (every L = 3 + 4k fails too): the longest context is 2, not a length after
    # a later boundary.
    path = write_spec(CHUNKED, "chunked.yaml")
    weights = 2 * (4 * 128 + 3 * 16 * 8 + 10 * 16)  # attention, MLP, tied embedding; bf16
    result = solve(path, weights + 2 * ENTRY, accounting="vllm", block_size=1, context=9)
    assert result.weight_bytes == weights
    assert result.longest_context == 2
    # The peak on the way to L = 9 is the 3 tokens held at L = 7; one sequence of 96 bytes
    # does not fit in 64.
    assert (result.peak_cache_bytes_per_sequence, result.largest_batch) == (3 * ENTRY, 0)
    # The solver's stride is lcm(C, B) = 4: the cache repeats there.
    assert cache_period(api.load(path), api.make_workload(0, accounting="vllm", block_size=1)) == 4


def test_largest_batch_at_a_context(tiny: Path) -> None:
    # At L = 100 one sequence holds 32 * 104 = 3,328 bytes; room for 7 and 100 bytes more.
    result = solve(tiny, WEIGHTS + 7 * 3328 + 100, context=100)
    assert (result.peak_cache_bytes_per_sequence, result.largest_batch) == (3328, 7)


def test_largest_batch_counts_the_peak_on_the_way(tiny: Path) -> None:
    # vLLM, block 4, at L = 8: the cache after 8 tokens is 12 slots, but 16 were held at L = 5..7.
    result = solve(tiny, WEIGHTS + 3 * 16 * ENTRY, context=8, accounting="vllm", block_size=4)
    assert (result.peak_cache_bytes_per_sequence, result.largest_batch) == (16 * ENTRY, 3)


def test_tensor_parallel_pools_the_devices(tiny: Path) -> None:
    # 2 devices of 18,016 bytes = 36,032: as in the exact-landing case.
    assert solve(tiny, 18016, gpus=2).longest_context == 1000


def test_reserve_is_taken_from_each_device(tiny: Path) -> None:
    # 10% of 40,000 = 4,000 reserved: 36,000 - 3,904 = 32,096 = 32 * 1,003 -> L = 999.
    result = solve(tiny, 40000, reserve=parse_reserve("10%"))
    assert (result.reserve_bytes, result.longest_context) == (4000, 999)
    # A fixed reserve: 40,000 - 3,968 - 3,904 = 32,128 = 32 * 1,004 -> L = 1,000.
    assert solve(tiny, 40000, reserve=Reserve(size_bytes=3968)).longest_context == 1000


def test_capped_at_max_context(write_spec: WriteSpec) -> None:
    path = write_spec(TINY.format(max_context="max_context: 512"), "capped.yaml")
    result = solve(path, 10**9)
    assert (result.longest_context, result.capped, result.limit_reason) == (
        512,
        True,
        "max_context",
    )
    # "largest batch" defaults to max_context: (1e9 - 3,904) // (32 * 516).
    assert (result.context, result.largest_batch) == (512, (10**9 - 3904) // (32 * 516))


def test_weights_that_do_not_fit(tiny: Path) -> None:
    result = solve(tiny, 3000)
    assert (result.weights_fit, result.longest_context, result.largest_batch) == (False, None, 0)


def test_memory_sizes_parse_exactly() -> None:
    assert parse_bytes("80GB") == 80 * 10**9
    assert parse_bytes("80GiB") == 80 * 2**30
    assert parse_bytes("1.5TB") == 1_500_000_000_000
    assert parse_bytes("512 MiB") == 512 * 2**20
    assert parse_bytes("36032") == 36032
    assert parse_reserve("12.5%") == Reserve(share=Fraction(1, 8))
    assert parse_reserve("8GB") == Reserve(size_bytes=8 * 10**9)
    for bad in ("80 gigs", "GB", "-1GB"):
        with pytest.raises(LccostError, match="not a memory size"):
            parse_bytes(bad)
    with pytest.raises(LccostError, match="not a share"):
        parse_reserve("100%")


SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SCAN_TOKENS = 600


@SETTINGS
@given(
    spec=valid_specs(),
    accounting=st.sampled_from(list(Accounting)),
    batch=st.integers(1, 3),
    target=st.integers(0, 300),
    delta=st.sampled_from([-1, 0, 1]),
    block_size=st.sampled_from([1, 4, 16]),
)
def test_solver_equals_a_linear_scan(
    spec: dict[str, Any],
    accounting: Accounting,
    batch: int,
    target: int,
    delta: int,
    block_size: int,
) -> None:
    # Any architecture (windows, compressed caches, fixed states, sharing), any accounting: the
    # longest context is one less than the first length whose cache does not fit, found here
    # by trying every length in order; the peak at a context is the largest cache up to it.
    architecture = architecture_of({**spec, "max_context": 10**6})
    workload = api.make_workload(0, batch, accounting=accounting, block_size=block_size)

    def held(tokens: int) -> int:
        return cost(architecture, replace(workload, context_tokens=tokens)).cache_bytes_per_sequence

    try:
        held(1)  # fit looks past the target, and a refusal starts at the first token
        caches = [held(n) for n in range(target + 1)]
    except LccostError:
        reject()  # e.g. vllm refuses V4 blocks that do not hold whole compressed entries
    budget = max(0, batch * caches[target] + delta)
    first_failure = next((n for n, c in enumerate(caches) if batch * c > budget), None)
    n = target + 1
    while first_failure is None and n < SCAN_TOKENS:
        if batch * held(n) > budget:
            first_failure = n
        n += 1
    weights = weight_bytes(cost(architecture, workload).params_total, workload.dtype)
    result = fit(architecture, workload, weights + budget, Reserve(size_bytes=0), context=target)
    if first_failure is None:
        assert result.longest_context is not None and result.longest_context >= SCAN_TOKENS - 1
    else:
        assert result.longest_context == (None if first_failure == 0 else first_failure - 1)
    assert result.peak_cache_bytes_per_sequence == max(caches)


@SETTINGS
@given(
    spec=valid_specs(),
    accounting=st.sampled_from(list(Accounting)),
    block_size=st.sampled_from([1, 4, 16]),
    start=st.integers(0, 3000),
)
def test_cache_is_monotone_at_the_solver_stride(
    spec: dict[str, Any], accounting: Accounting, block_size: int, start: int
) -> None:
    # The solver's premise: cache(L + S) >= cache(L) for the stride S it uses.
    architecture = architecture_of(spec)
    workload = api.make_workload(0, accounting=accounting, block_size=block_size)
    stride = cache_period(architecture, workload)

    def held(tokens: int) -> int:
        return cost(architecture, replace(workload, context_tokens=tokens)).kv_cache_bytes

    try:
        held(start)
    except LccostError:
        reject()  # e.g. vllm refuses V4 blocks that do not hold whole compressed entries
    for tokens in range(start, start + 8):
        assert held(tokens + stride) >= held(tokens)


def test_cli_fit_json(run_cli: RunCli, tiny: Path) -> None:
    code, out, err = run_cli(
        [
            "fit",
            str(tiny),
            "--memory",
            "36032",
            "--reserve",
            "0",
            "--context",
            "100",
            "--format",
            "json",
            "--engine",
            "none",
        ]
    )
    assert code == 0, err
    (row,) = json.loads(out)["fits"]
    # Context 1,000 lands on the capacity; at 100 tokens 32,128 // 3,328 = 9 sequences.
    assert (row["longest_context"], row["largest_batch"], row["weights_fit"]) == (1000, 9, True)


def test_cli_fit_table_compares_models(run_cli: RunCli, tiny: Path, write_spec: WriteSpec) -> None:
    other = write_spec(
        TINY.format(max_context="max_context: 512").replace("tiny", "capped"), "capped.yaml"
    )
    code, out, err = run_cli(
        ["fit", str(tiny), str(other), "--memory", "36032", "--reserve", "0", "--engine", "none"]
    )
    assert code == 0, err
    assert "tiny" in out and "capped" in out
    assert "1,000" in out and "512 (max_context)" in out


def test_cli_fit_on_shipped_hardware(run_cli: RunCli, tiny: Path) -> None:
    # H100 SXM: 81,082 MiB = 85,020,639,232 B (the profile's cited torch total); 10% reserved
    # = ceil(8,502,063,923.2) = 8,502,063,924 -> 76,518,575,308 usable; minus 3,904 of weights
    # = 76,518,571,404; batch 1 at 32 * (L + 4) bytes -> L = 76,518,571,404 // 32 - 4.
    code, out, err = run_cli(
        ["fit", str(tiny), "--hardware", "h100-sxm", "--format", "json", "--engine", "none"]
    )
    assert code == 0, err
    assert json.loads(out)["fits"][0]["longest_context"] == 76_518_571_404 // 32 - 4


def test_cli_fit_needs_memory(run_cli: RunCli, tiny: Path) -> None:
    code, _, err = run_cli(["fit", str(tiny)])
    assert code == 1 and "--hardware NAME" in err and "--memory SIZE" in err


def test_cli_fit_rejects_a_bad_memory_size(run_cli: RunCli, tiny: Path) -> None:
    code, _, err = run_cli(["fit", str(tiny), "--memory", "lots"])
    assert code == 2 and "not a memory size" in err
