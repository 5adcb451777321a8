"""Properties every cost must have, over generated architectures (``conftest.valid_specs``):
small random mixes of full/sliding attention with shared KV, MLA with and without an indexer,
CCA, CSA, HCA, V4 sliding layers, and dense/MoE feed-forwards.

Cache monotonicity holds for any L under ``full-context``. Under the other accountings it is
checked at multiples of 256 tokens: between those, real caches do shrink, and lccost says so
(a DeepSeek V4 compressor buffers up to m - 1 uncompressed tokens and frees them when a block
closes; vLLM frees a sliding layer's oldest page when the window leaves it). See
``test_compressor_buffer_is_freed_when_a_block_closes`` for one such step derived by hand.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from conftest import (
    architecture_of,
    attention_specs,
    cca_specs,
    ffn_specs,
    v4_specs,
    valid_specs,
    without_sharing,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lccost.api import load, make_workload
from lccost.conventions import Accounting, FlopConvention
from lccost.engine import ModelCost, cost
from lccost.report import cost_result

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BLOCK = 256
"""Page size for ``vllm`` (a multiple of every generated compress rate, as vLLM requires)."""

ACCOUNTINGS = st.sampled_from(list(Accounting))
CONTEXTS = st.integers(0, 2_000_000)
WHOLE_BLOCKS = st.integers(0, 4096).map(lambda k: k * BLOCK)


def costed(
    spec: dict[str, Any],
    context: int,
    accounting: Accounting = Accounting.REFERENCE,
    batch: int = 1,
    flops: FlopConvention = FlopConvention.USEFUL,
) -> ModelCost:
    workload = make_workload(
        context, batch=batch, accounting=accounting, flops=flops, block_size=BLOCK
    )
    return cost(architecture_of(spec), workload)


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


@SETTINGS
@given(valid_specs(), CONTEXTS, CONTEXTS)
def test_full_context_cache_never_decreases_with_context(
    spec: dict[str, Any], a: int, b: int
) -> None:
    short, long = ordered(a, b)
    assert (
        costed(spec, short, Accounting.FULL_CONTEXT).kv_cache_bytes
        <= costed(spec, long, Accounting.FULL_CONTEXT).kv_cache_bytes
    )


@SETTINGS
@given(valid_specs(), ACCOUNTINGS, WHOLE_BLOCKS, WHOLE_BLOCKS)
def test_cache_never_decreases_across_whole_blocks(
    spec: dict[str, Any], accounting: Accounting, a: int, b: int
) -> None:
    short, long = ordered(a, b)
    assert (
        costed(spec, short, accounting).kv_cache_bytes
        <= costed(spec, long, accounting).kv_cache_bytes
    )


@SETTINGS
@given(valid_specs(), st.sampled_from(list(FlopConvention)), CONTEXTS, CONTEXTS)
def test_flops_never_decrease_with_context(
    spec: dict[str, Any], flops: FlopConvention, a: int, b: int
) -> None:
    short, long = ordered(a, b)
    first = costed(spec, short, flops=flops)
    second = costed(spec, long, flops=flops)
    assert first.prefill_flops <= second.prefill_flops
    # Chunked attention's useful decode attends the (L mod C) + 1 keys of the new token's own
    # chunk (chunked.py): C keys at L = C - 1, one at L = C. Every other decode FLOP, and its
    # executed decode (min(L + 1, C) keys), grows with L.
    chunked = any(layer["attention"]["kind"] == "chunked_attention" for layer in spec["layers"])
    if not (chunked and flops is FlopConvention.USEFUL):
        assert first.decode_flops <= second.decode_flops


@SETTINGS
@given(valid_specs(), ACCOUNTINGS, WHOLE_BLOCKS, st.integers(2, 64))
def test_batch_scales_cache_and_cache_traffic_but_not_weights(
    spec: dict[str, Any], accounting: Accounting, context: int, batch: int
) -> None:
    one = costed(spec, context, accounting)
    many = costed(spec, context, accounting, batch=batch)
    assert many.kv_cache_bytes == batch * one.kv_cache_bytes
    assert many.decode_cache_read_bytes == batch * one.decode_cache_read_bytes
    assert many.decode_cache_write_bytes == batch * one.decode_cache_write_bytes
    assert many.decode_flops == batch * one.decode_flops
    assert many.decode_weight_bytes == one.decode_weight_bytes
    assert many.params_total == one.params_total


@SETTINGS
@given(valid_specs(sharing=True), ACCOUNTINGS, CONTEXTS.map(lambda n: n - n % BLOCK))
def test_turning_kv_sharing_off_never_decreases_cache(
    spec: dict[str, Any], accounting: Accounting, context: int
) -> None:
    shared = costed(spec, context, accounting)
    separate = costed(without_sharing(spec), context, accounting)
    assert shared.kv_cache_bytes <= separate.kv_cache_bytes
    # Sharing removes the readers' caches, never their query or output projections.
    assert shared.params_total <= separate.params_total


@SETTINGS
@given(
    st.one_of(attention_specs(window=True), cca_specs().filter(lambda a: "window" in a)),
    ffn_specs(),
    CONTEXTS,
    CONTEXTS,
)
def test_sliding_layer_never_holds_or_grows_more_than_its_full_twin(
    attention: dict[str, Any], ffn: dict[str, Any], a: int, b: int
) -> None:
    full = {k: v for k, v in attention.items() if k != "window"}
    short, long = ordered(a, b)

    def cache(layer: dict[str, Any], context: int) -> int:
        spec = {
            "name": "one",
            "hidden_size": 64,
            "vocab_size": 10,
            "layers": [{"attention": layer, "ffn": ffn}],
        }
        return costed(spec, context).layers[0].total("cache_bytes")

    assert cache(attention, short) <= cache(full, short)
    assert cache(attention, long) - cache(attention, short) <= cache(full, long) - cache(
        full, short
    )


@SETTINGS
@given(
    st.one_of(v4_specs("csa"), v4_specs("hca")),
    ffn_specs(),
    WHOLE_BLOCKS,
    st.integers(1, 4096).map(lambda k: k * BLOCK),
)
def test_compressed_layer_grows_slower_than_full_attention_on_the_same_head(
    attention: dict[str, Any], ffn: dict[str, Any], start: int, step: int
) -> None:
    # A full MQA layer on the same head width c caches K and V: 2c values per token. A CSA/HCA
    # layer adds one entry of c (plus, for CSA, an indexer key of D_I <= 32) per m >= 2 tokens:
    # (c + D_I) / m <= (c + 32) / 2 < 2c for c >= 16. Past the window its window part is full,
    # and at whole blocks no compressor buffer is open.
    full = {"kind": "attention", "query_heads": 1, "kv_heads": 1, "head_dim": attention["head_dim"]}
    short = max(start, attention["window"])
    short += -short % BLOCK
    long = short + step

    def cache(layer: dict[str, Any], context: int) -> int:
        spec = {
            "name": "one",
            "hidden_size": 64,
            "vocab_size": 10,
            "layers": [{"attention": layer, "ffn": ffn}],
        }
        return costed(spec, context).layers[0].total("cache_bytes")

    assert cache(attention, long) - cache(attention, short) < cache(full, long) - cache(full, short)


def test_compressor_buffer_is_freed_when_a_block_closes() -> None:
    # One HCA layer, m = 4, c = 16 (no rope), window 2, bf16, reference accounting.
    # After 7 tokens: window min(7, 1) = 1 entry, floor(7/4) = 1 compressed entry, and the
    # compressor holds kv and gate projections of the 7 mod 4 = 3 open tokens, 2 x 3 x 16
    # values: (1 + 1) x 16 x 2 B + 96 x 2 B = 64 + 192 = 256 B.
    # After 8 tokens: 1 window entry, 2 compressed, no open token: 3 x 16 x 2 B = 96 B.
    spec = {
        "name": "hca",
        "hidden_size": 64,
        "vocab_size": 10,
        "layers": [
            {
                "attention": {
                    "kind": "hca",
                    "query_heads": 1,
                    "head_dim": 16,
                    "rope_head_dim": 0,
                    "q_lora_rank": 8,
                    "output_groups": 1,
                    "output_rank": 8,
                    "window": 2,
                    "compress_rate": 4,
                },
                "ffn": {"kind": "dense", "intermediate_size": 8},
            }
        ],
    }
    assert costed(spec, 7).kv_cache_bytes == 256
    assert costed(spec, 8).kv_cache_bytes == 96


@SETTINGS
@given(valid_specs(), ACCOUNTINGS, WHOLE_BLOCKS, st.integers(1, 8))
def test_per_layer_figures_sum_to_the_totals(
    spec: dict[str, Any], accounting: Accounting, context: int, batch: int
) -> None:
    model = costed(spec, context, accounting, batch=batch)
    result = cost_result(model, per_layer=True)
    assert result.layers is not None and len(result.layers) == len(spec["layers"])

    def model_parts(quantity: str) -> int:
        return sum(getattr(part, quantity).total for _, part in model.model_parts)

    for quantity, total in (
        ("cache_bytes", result.kv_cache_bytes),
        ("decode_flops", result.decode_flops),
        ("prefill_flops", result.prefill_flops),
        ("cache_read_bytes", result.decode_cache_read_bytes),
        ("cache_write_bytes", result.decode_cache_write_bytes),
    ):
        per_layer = sum(getattr(layer, quantity) for layer in result.layers)
        assert batch * (per_layer + model_parts(quantity)) == total, quantity
    assert (
        sum(layer.params for layer in result.layers) + model_parts("params") == result.params_total
    )


def _figures(model: ModelCost) -> dict[str, Any]:
    return cost_result(model, per_layer=True).model_dump()


@SETTINGS
@given(valid_specs(), WHOLE_BLOCKS)
def test_yaml_round_trip_and_extends_without_overrides_cost_the_same(
    spec: dict[str, Any], context: int
) -> None:
    workload = make_workload(context, block_size=BLOCK)
    expected = _figures(cost(architecture_of(spec), workload))
    with tempfile.TemporaryDirectory() as folder:
        parent = Path(folder) / "parent.yaml"
        parent.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        child = Path(folder) / "child.yaml"
        child.write_text("extends: parent.yaml\n", encoding="utf-8")
        assert _figures(cost(load(parent), workload)) == expected
        assert _figures(cost(load(child), workload)) == expected


@SETTINGS
@given(
    valid_specs(),
    ACCOUNTINGS,
    st.sampled_from(list(FlopConvention)),
    st.integers(0, 3000),
    st.integers(1, 40),
    st.integers(1, 3),
)
def test_generation_equals_the_sum_of_its_decode_steps(
    spec: dict[str, Any],
    accounting: Accounting,
    flops: FlopConvention,
    first: int,
    new_tokens: int,
    batch: int,
) -> None:
    # --generate N at prompt L0 is, by definition, the decode steps at L0, L0 + 1, ...,
    # L0 + N - 1, each costed on its own: the closed re-evaluation in the engine must agree
    # exactly, for every mechanism kind, accounting and FLOP convention.
    model = costed(spec, first, accounting, batch, flops)
    steps = [costed(spec, first + t, accounting, batch, flops) for t in range(new_tokens)]
    assert model.generation_flops(new_tokens) == sum(step.decode_flops for step in steps)
