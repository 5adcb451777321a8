"""Peak memory per engine: by hand on a tiny spec, and against what an H200 measured.

The measurements (tests/data/device/peak_h200.json) were taken by benchmarks/measure_peak.py
with transformers 5.23.0 on an NVIDIA H200: random bf16 weights, batch 1 (and 2), the prefill
``generate`` runs (``use_cache=True, logits_to_keep=1``), then one decode step. They are facts;
each test here asserts lccost's prediction against them, within 5% as issue 13 asks.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from lccost import api
from lccost.errors import LccostError
from lccost.peak import (
    AttentionImpl,
    Engine,
    engine_peak,
    peak_summary,
    transformers_decode_peak,
    transformers_held_after_prefill,
    transformers_prefill_peak,
    unmodelled_reason,
    vllm_peak,
    weight_term,
)
from lccost.spec.model import Architecture, expand

DATA = Path(__file__).parent / "data" / "device" / "peak_h200.json"
MEASURED: dict[str, Any] = json.loads(DATA.read_text())
TOLERANCE = 0.05

TINY = """\
name: tiny-peak
hidden_size: 64
vocab_size: 100
layer_templates:
  decoder:
    attention: {kind: attention, query_heads: 4, kv_heads: 2, head_dim: 16}
    ffn: {kind: dense, intermediate_size: 128}
layers:
  - repeat: 2
    layers: [decoder]
"""


@pytest.fixture
def tiny(write_spec) -> Architecture:  # type: ignore[no-untyped-def]
    return api.load(write_spec(TINY, "tiny-peak.yaml"))


def _above_weights(architecture: Architecture, total: int, workload: Any) -> int:
    return total - weight_term(architecture, workload).bytes


def test_sdpa_prefill_by_hand(tiny: Architecture) -> None:
    workload = api.make_workload(10)
    peak = transformers_prefill_peak(tiny, workload)
    # L = 10, h = 64, H = 4, K = 2, d = 16, I = 128, bf16 (b = 2). Resident: input ids 8L = 80,
    # position ids 8L = 80, cos + sin 2·L·d·b = 640, inputs_embeds L·h·b = 1,280. The MLP of
    # the last layer: both layers' K/V 2·L·2·K·d·b = 2,560, three hidden copies 3,840 and the
    # gated MLP's three L x I tensors 3·L·I·b = 7,680. Total above the weights: 16,160.
    assert _above_weights(tiny, peak.total_bytes, workload) == 16_160
    assert peak.where == "layer 1 MLP"
    assert peak.dominant_activation.name == "MLP intermediate"


def test_eager_prefill_by_hand(tiny: Architecture) -> None:
    workload = api.make_workload(100)
    peak = transformers_prefill_peak(tiny, workload, AttentionImpl.EAGER)
    # L = 100. Resident: ids 800 + positions 800 + cos/sin 6,400 + inputs_embeds 12,800 + the
    # additive causal mask L²·b = 20,000. Layer 1's softmax: K/V of both layers 25,600, layer
    # input and its norm 25,600, query L·H·d·b = 12,800, scores (bf16 + fp32 copy + fp32
    # softmax) 10·H·L² = 400,000, K and V repeated to 4 heads 2·L·H·d·b = 25,600.
    assert _above_weights(tiny, peak.total_bytes, workload) == 530_400
    assert peak.where == "layer 1 attention (eager)"


def test_decode_peak_by_hand(tiny: Architecture) -> None:
    workload = api.make_workload(10)
    peak = transformers_decode_peak(tiny, workload)
    # Largest at layer 1's update: layer 0's K/V already over L + 1 = 11 tokens
    # (2·11·K·d·b = 1,408), layer 1's still over 10 (1,280), and layer 1's new K over 11 built
    # by torch.cat while the old one lives (11·K·d·b = 704). One token's activations:
    # (4h + 3I)·b = 1,280; fp32 logits V·4 = 400.
    assert _above_weights(tiny, peak.total_bytes, workload) == 1_408 + 1_280 + 704 + 1_280 + 400


def test_k_eq_v_still_holds_two_tensors(write_spec) -> None:  # type: ignore[no-untyped-def]
    # Gemma 4's attention_k_eq_v drops v_proj, but the reference caches V = v_norm(x·W_k) and
    # K = RoPE(k_norm(x·W_k)), two different tensors (modeling_gemma4.py L1226-1236, both passed
    # to past_key_values.update). So the same K/V bytes as the tiny spec without it.
    architecture = api.load(
        write_spec(TINY.replace("head_dim: 16}", "head_dim: 16, k_eq_v: true}"), "tiny-k-eq-v.yaml")
    )
    workload = api.make_workload(10)
    # Held after the prefill: 2 layers x L·2·K·d·b = 2·10·2·2·16·2 = 2,560 (not 1,280).
    held = transformers_held_after_prefill(architecture, workload)
    assert _above_weights(architecture, held, workload) == 2_560
    # The same sums as test_sdpa_prefill_by_hand and test_decode_peak_by_hand: K = V shrinks the
    # weights only.
    prefill = transformers_prefill_peak(architecture, workload)
    assert _above_weights(architecture, prefill.total_bytes, workload) == 16_160
    decode = transformers_decode_peak(architecture, workload)
    assert _above_weights(architecture, decode.total_bytes, workload) == (
        1_408 + 1_280 + 704 + 1_280 + 400
    )


def test_vllm_chunk_is_bounded_by_max_batched_tokens(tiny: Architecture) -> None:
    workload = api.make_workload(100_000)
    peak = vllm_peak(tiny, workload, max_batched_tokens=512)
    terms = {term.name: term.bytes for term in peak.terms}
    # One chunk of 512 tokens: residual + normed hidden 2·h·b and gate_up + SiluAndMul 3·I·b
    # per token = (256 + 768)·512; the sampler's 256 dummy requests of fp32 logits 256·V·4.
    assert terms["chunk activations"] == 1_024 * 512
    assert terms["sampler logits"] == 256 * 100 * 4
    longer = vllm_peak(tiny, replace(workload, context_tokens=200_000), max_batched_tokens=512)
    assert {t.name: t.bytes for t in longer.terms}["chunk activations"] == 1_024 * 512


def test_unmodelled_mechanisms_are_refused_not_guessed() -> None:
    architecture = api.load("deepseek-v4-flash")
    assert unmodelled_reason(architecture, Engine.TRANSFORMERS) is not None
    with pytest.raises(Exception, match="not modelled"):
        engine_peak(architecture, api.make_workload(4096), Engine.TRANSFORMERS)


def test_a_mechanism_without_a_peak_shape_is_refused(write_spec) -> None:  # type: ignore[no-untyped-def]
    # MixtureOfExperts declares no peak_mlp (the base's None): the peak names the layer and
    # both mechanisms instead of costing the experts as a dense MLP.
    moe = TINY.replace(
        "ffn: {kind: dense, intermediate_size: 128}",
        "ffn: {kind: moe, experts: 4, active_experts: 2, expert_intermediate_size: 32}",
    )
    architecture = api.load(write_spec(moe, "tiny-moe.yaml"))
    with pytest.raises(LccostError, match=r"layer 0 is attention \+ moe"):
        transformers_prefill_peak(architecture, api.make_workload(10))
    reason = unmodelled_reason(architecture, Engine.VLLM)
    assert reason is not None and "layer 0 is attention + moe" in reason


# ---------------------------------------------------------------------------------------------
# Against the device


def _measured_architecture(family: str) -> Architecture:
    """The model the device ran. ``gemma-4-e2b`` / ``-e4b``: Gemma4ForConditionalGeneration
    from configs/hf/*.json, whose ``audio_config`` is None, so the vision tower but no audio
    tower was built; ``gemma-4-e2b-text``: Gemma4ForCausalLM, no towers, no wrapper."""
    if family == "llama-3.1-8b":
        return api.load(family)
    shipped = api.load(family.removesuffix("-text"))
    keep = set() if family.endswith("-text") else {"vision_tower"}
    spec = shipped.spec.model_copy(
        update={"encoders": [e for e in shipped.spec.encoders if e.name in keep]}
    )
    architecture, problems = expand(spec)
    assert architecture is not None and not problems
    return architecture


ROWS = MEASURED["rows"]


def _row_id(row: dict[str, Any]) -> str:
    return f"{row['family']}-{row['attn_implementation']}-{row['context_tokens']}-b{row['batch']}"


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_prediction_within_5_percent_of_the_device(row: dict[str, Any]) -> None:
    architecture = _measured_architecture(row["family"])
    workload = api.make_workload(row["context_tokens"], row["batch"])
    prefill = transformers_prefill_peak(
        architecture, workload, AttentionImpl(row["attn_implementation"])
    )
    decode = transformers_decode_peak(architecture, workload)
    held = transformers_held_after_prefill(architecture, workload)
    for predicted, measured in (
        (prefill.total_bytes, row["prefill_peak_allocated_bytes"]),
        (decode.total_bytes, row["decode_peak_allocated_bytes"]),
        (held, row["after_prefill_cache_only_allocated_bytes"]),
    ):
        assert abs(predicted - measured) <= TOLERANCE * measured, (predicted, measured)


def test_measurements_are_recorded_with_their_provenance() -> None:
    environment = MEASURED["environment"]
    assert environment["gpu_name"] == "NVIDIA H200"
    assert environment["transformers"] == "5.23.0"
    assert environment["script"] == "benchmarks/measure_peak.py"
    assert (Path(__file__).parent.parent / environment["script"]).is_file()
    families = {(r["family"], r["context_tokens"]) for r in ROWS}
    for family in ("llama-3.1-8b", "gemma-4-e2b"):
        assert {(family, n) for n in (4096, 32768, 131072)} <= families


def _row(family: str, tokens: int, attn: str = "sdpa", batch: int = 1) -> dict[str, Any]:
    (row,) = [
        r
        for r in ROWS
        if (r["family"], r["context_tokens"], r["attn_implementation"], r["batch"])
        == (family, tokens, attn, batch)
    ]
    assert isinstance(row, dict)
    return row


def test_cli_fit_answers_from_the_peak_the_device_measured(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(
        [
            "fit",
            "llama-3.1-8b",
            "--hardware",
            "h200",
            "--context",
            "128k",
            "--engine",
            "transformers",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    (result,) = json.loads(out)["fits"]
    measured = _row("llama-3.1-8b", 131072)["prefill_peak_allocated_bytes"]
    assert result["engine"] == "transformers (sdpa)"
    assert abs(result["peak_bytes"] - measured) <= TOLERANCE * measured
    assert result["peak_dominant"] == "MLP intermediate"
    assert result["capacity_bytes"] == MEASURED["environment"]["total_memory_bytes"]


@pytest.mark.parametrize("context", ["32k", "128k"])
def test_cli_fit_sliding_window_family(run_cli, context: str) -> None:  # type: ignore[no-untyped-def]
    # The shipped spec holds the audio tower too (307,183,904 parameters, 614 MB in bf16) that
    # the measured config.json lacked: still within 5% of the device's figure.
    code, out, err = run_cli(
        [
            "fit",
            "gemma-4-e2b",
            "--hardware",
            "h200",
            "--context",
            context,
            "--engine",
            "transformers",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    (result,) = json.loads(out)["fits"]
    measured = _row("gemma-4-e2b", {"32k": 32768, "128k": 131072}[context])
    assert abs(result["peak_bytes"] - measured["prefill_peak_allocated_bytes"]) <= (
        TOLERANCE * measured["prefill_peak_allocated_bytes"]
    )
    assert result["peak_dominant"] == "SDPA mask conversion"


def test_cli_fit_table_names_engine_and_what_dominated(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli(
        [
            "fit",
            "llama-3.1-8b",
            "deepseek-v4-flash",
            "--hardware",
            "h200",
            "--context",
            "128k",
            "--format",
            "markdown",
        ]
    )
    assert code == 0, err
    assert "transformers/sdpa" in out and "MLP intermediate" in out
    # DeepSeek V4's peak is not modelled: answered from weights + cache, and the caption says.
    assert "none*" in out and "deepseek-v4-flash: transformers peak not modelled" in out


def test_cli_compare_flags_models_that_do_not_fit(run_cli) -> None:  # type: ignore[no-untyped-def]
    # DeepSeek V4-Pro's weights alone are hundreds of GB: they cannot fit a 24 GB card.
    args = ["compare", "deepseek-v4-pro", "--hardware", "rtx-4090", "--context", "1M"]
    code, out, err = run_cli([*args, "--format", "json"])
    assert code == 0, err
    (line,) = json.loads(out)["roofline"]
    assert line["fits"] is False and line["weights_and_cache_bytes"] > line["capacity_bytes"]
    code, out, err = run_cli([*args, "--format", "markdown"])
    assert code == 0, err
    assert "NO:" in out and "do not fit" in out
    assert "e+" not in out  # no time in exponent notation


def test_fit_on_the_peak_stops_where_the_peak_stops_fitting(tiny: Architecture) -> None:
    from lccost.fit import Reserve, fit

    workload = api.make_workload(0)
    weights = weight_term(tiny, workload).bytes
    capacity = weights + 600_000
    result = fit(
        tiny,
        workload,
        capacity,
        Reserve(size_bytes=0),
        context=100,
        engine=Engine.TRANSFORMERS,
        attn=AttentionImpl.EAGER,
    )
    longest = result.longest_context
    # One sequence of 100 tokens fits (by hand below), so the answer is at least 100.
    assert longest is not None and longest >= 100

    def peak(tokens: int, batch: int = 1) -> int:
        at = api.make_workload(tokens, batch)
        return engine_peak(tiny, at, Engine.TRANSFORMERS, AttentionImpl.EAGER).total_bytes

    # Brute force over every length: all up to the answer fit, the next does not.
    assert all(peak(n) <= capacity for n in range(longest + 1))
    assert peak(longest + 1) > capacity
    # At L = 100 the eager peak above the weights is 530,400 bytes (by hand above): one
    # sequence fits in 600,000, two do not.
    assert result.largest_batch == 1 and peak(100, 2) > capacity


def test_roofline_flags_a_prefill_peak_that_does_not_fit(run_cli) -> None:  # type: ignore[no-untyped-def]
    # Gemma-4-E2B at 128K: weights + cache about 10.9 GB fit a 24 GB card, but the prefill's
    # peak (over 70 GB on the H200 above) does not.
    code, out, err = run_cli(
        [
            "compare",
            "gemma-4-e2b",
            "--hardware",
            "rtx-4090",
            "--context",
            "128k",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    (line,) = json.loads(out)["roofline"]
    assert line["weights_and_cache_bytes"] <= line["capacity_bytes"] < line["peak_bytes"]
    assert line["fits"] is False and line["peak_engine"] == "transformers"
    measured = _row("gemma-4-e2b", 131072)["prefill_peak_allocated_bytes"]
    assert line["peak_bytes"] > measured  # the shipped spec adds the audio tower's weights


def test_peak_summary_names_the_two_figures(tiny: Architecture) -> None:
    workload = api.make_workload(10)
    summary = peak_summary(tiny, workload, Engine.TRANSFORMERS)
    weights = weight_term(tiny, workload).bytes
    # The hand derivations above: prefill 16,160 and decode 5,072 bytes above the weights.
    assert (summary.prefill_peak_bytes - weights, summary.decode_peak_bytes - weights) == (
        16_160,
        5_072,
    )


def test_an_output_gate_is_refused_not_left_out(write_spec) -> None:  # type: ignore[no-untyped-def]
    # Laguna's per-head gate is a B·L·H tensor alive at the attention point with no peak term.
    gated = TINY.replace("head_dim: 16}", "head_dim: 16, output_gate: per_head}")
    architecture = api.load(write_spec(gated, "tiny-gated.yaml"))
    reason = unmodelled_reason(architecture, Engine.TRANSFORMERS)
    assert reason is not None and "layer 0 is attention + dense" in reason
