"""Issue 13: ``prefill_peak_bytes`` and ``decode_peak_bytes`` in every output format and in
``--explain``, for a named engine; n/a with the reason where the engine's peak is not modelled.

The figures are the tiny spec's hand derivations of tests/test_peak.py, above the weights
(``params_total`` x 2 bytes in bf16), so each format is checked against numbers worked out by
hand, not against lccost's own output.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli

from lccost import api

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

# L = 10, bf16 (tests/test_peak.py, test_sdpa_prefill_by_hand and test_decode_peak_by_hand):
# sdpa prefill 16,160 B above the weights (layer 1's MLP), first decode step 5,072 B.
PREFILL_ABOVE_WEIGHTS = 16_160
DECODE_ABOVE_WEIGHTS = 1_408 + 1_280 + 704 + 1_280 + 400
# vllm at L = 10 with its defaults below 70 GiB (2,048-token chunks, 256 sequences): the paged
# cache, one 16-token page per layer of 2·K·d·b = 128 B per token: 2·16·128 = 4,096; the chunk's
# activations T·(2h + 3I)·b = 10·(128 + 384)·2 = 10,240; 256 dummy fp32 logits rows
# 256·V·4 = 102,400. The pool is allocated once, so decode = prefill.
VLLM_ABOVE_WEIGHTS = 4_096 + 10_240 + 102_400
UNMODELLED = "deepseek-v4-flash"  # hyper-connections: no engine's peak is modelled


@pytest.fixture
def tiny(write_spec) -> Path:  # type: ignore[no-untyped-def]
    return write_spec(TINY, "tiny-peak.yaml")  # type: ignore[no-any-return]


def _json(args: list[str]) -> list[dict[str, Any]]:
    code, out, err = run_cli([*args, "--format", "json"])
    assert code == 0, err
    return json.loads(out)["results"]  # type: ignore[no-any-return]


def _weights(result: dict[str, Any]) -> int:
    return 2 * int(result["params_total"])  # bf16


def test_json_gives_both_peaks_for_the_named_engine(tiny: Path) -> None:
    (result,) = _json(["compare", str(tiny), "--context", "10", "--engine", "transformers"])
    assert result["peak_engine"] == "transformers (sdpa)"
    assert result["prefill_peak_bytes"] - _weights(result) == PREFILL_ABOVE_WEIGHTS
    assert result["decode_peak_bytes"] - _weights(result) == DECODE_ABOVE_WEIGHTS
    assert result["peak_missing_reason"] is None


def test_json_defaults_to_the_accountings_engine(tiny: Path) -> None:
    (reference,) = _json(["compare", str(tiny), "--context", "10"])
    assert reference["peak_engine"] == "transformers (sdpa)"
    assert reference["prefill_peak_bytes"] - _weights(reference) == PREFILL_ABOVE_WEIGHTS
    (vllm,) = _json(["compare", str(tiny), "--context", "10", "--accounting", "vllm"])
    assert vllm["peak_engine"].startswith("vllm (max_num_batched_tokens 2,048")
    assert vllm["prefill_peak_bytes"] - _weights(vllm) == VLLM_ABOVE_WEIGHTS
    assert vllm["decode_peak_bytes"] == vllm["prefill_peak_bytes"]


def test_vllm_engine_under_the_reference_accounting(tiny: Path) -> None:
    (result,) = _json(["compare", str(tiny), "--context", "10", "--engine", "vllm"])
    assert result["prefill_peak_bytes"] - _weights(result) == VLLM_ABOVE_WEIGHTS


@pytest.mark.parametrize("extra", [[], ["--hardware", "h200"]])
def test_an_unmodelled_model_gets_null_and_the_reason_never_a_guess(extra: list[str]) -> None:
    (result,) = _json(
        ["compare", UNMODELLED, "--context", "4k", "--engine", "transformers", *extra]
    )
    assert result["prefill_peak_bytes"] is None
    assert result["decode_peak_bytes"] is None
    assert "not modelled" in result["peak_missing_reason"]
    assert "hyper-connections" in result["peak_missing_reason"]


def test_engine_none_and_an_engineless_accounting_give_null_with_the_reason(tiny: Path) -> None:
    (none,) = _json(["compare", str(tiny), "--context", "10", "--engine", "none"])
    assert none["prefill_peak_bytes"] is None and "--engine none" in none["peak_missing_reason"]
    (llamacpp,) = _json(["compare", str(tiny), "--context", "10", "--accounting", "llamacpp"])
    assert llamacpp["decode_peak_bytes"] is None
    assert "llamacpp accounting names no engine" in llamacpp["peak_missing_reason"]


def test_csv_carries_the_peaks_and_the_reason(tiny: Path) -> None:
    code, out, err = run_cli(
        ["compare", str(tiny), UNMODELLED, "--context", "10", "--format", "csv"]
    )
    assert code == 0, err
    tiny_row, unmodelled = csv.DictReader(io.StringIO(out))
    weights = 2 * int(tiny_row["params_total"])
    assert int(tiny_row["prefill_peak_bytes"]) - weights == PREFILL_ABOVE_WEIGHTS
    assert int(tiny_row["decode_peak_bytes"]) - weights == DECODE_ABOVE_WEIGHTS
    assert tiny_row["peak_missing_reason"] == ""
    assert unmodelled["prefill_peak_bytes"] == unmodelled["decode_peak_bytes"] == ""
    assert "not modelled" in unmodelled["peak_missing_reason"]


def _markdown_columns(text: str) -> dict[str, list[str]]:
    lines = [line for line in text.splitlines() if line.startswith("|")]
    headers = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    return {header: [row[i] for row in rows] for i, header in enumerate(headers)}


def test_markdown_adds_the_peak_columns_when_an_engine_is_named(tiny: Path) -> None:
    code, plain, _ = run_cli(["compare", str(tiny), "--context", "10", "-f", "markdown"])
    assert code == 0 and "peak" not in plain.splitlines()[0]
    code, out, err = run_cli(
        [
            "compare",
            str(tiny),
            UNMODELLED,
            "--context",
            "10",
            "-f",
            "markdown",
            "--engine",
            "transformers",
            "--units",
            "GiB",
        ]
    )
    assert code == 0, err
    columns = _markdown_columns(out)
    (prefill_header,) = [h for h in columns if h.startswith("prefill peak")]
    (decode_header,) = [h for h in columns if h.startswith("decode peak")]
    assert columns[prefill_header][1] == columns[decode_header][1] == "n/a"
    # The tiny model's cell, in the column's unit (B: the smallest value sets it, here the tiny
    # model's few hundred kB, so KiB with three decimals).
    (result,) = _json(["compare", str(tiny), "--context", "10"])
    assert prefill_header == "prefill peak (KiB)"
    assert columns[prefill_header][0] == f"{result['prefill_peak_bytes'] / 1024:,.3f}"
    assert "Peaks: device memory under transformers (sdpa)" in out
    assert f"n/a: {UNMODELLED}: transformers peak not modelled" in out


def test_table_adds_the_peak_columns_with_hardware_or_an_engine() -> None:
    code, out, err = run_cli(
        ["compare", "llama-3.1-8b", UNMODELLED, "--context", "4k", "--hardware", "h200"]
    )
    assert code == 0, err
    assert "prefill peak" in out and "decode peak" in out and "n/a" in out
    code, out, _ = run_cli(["compare", "llama-3.1-8b", "--context", "4k"])
    assert "prefill peak" not in out


@pytest.mark.parametrize(
    "command",
    [
        ["sweep", "llama-3.1-8b", "--context", "4k,8k"],
        ["show", "llama-3.1-8b", "--context", "4k"],
    ],
)
def test_sweep_and_show_take_the_engine(command: list[str]) -> None:
    code, out, err = run_cli([*command, "--engine", "vllm", "-f", "markdown"])
    assert code == 0, err
    assert "prefill peak" in out and "under vllm" in out
    rows = _json([*command, "--engine", "vllm"])
    assert all(r["prefill_peak_bytes"] is not None for r in rows)
    assert all(r["peak_engine"].startswith("vllm") for r in rows)


def test_explain_prints_the_peak_terms_with_their_sources(tiny: Path) -> None:
    code, out, err = run_cli(
        ["compare", str(tiny), UNMODELLED, "--context", "10", "--explain", "-f", "json"]
    )
    assert code == 0, err
    json.loads(out)  # the JSON stays parseable; the explanation goes to stderr
    assert "prefill_peak_bytes under transformers (sdpa): prefill peak at layer 1 MLP" in err
    # The gated MLP's three L x I tensors, 3·10·128·2 = 7,680 B, and where transformers makes
    # them; the hidden-state copies at that point 3·L·h·b = 3,840 plus inputs_embeds 1,280.
    assert "MLP intermediate" in err and "7,680" in err and "modeling_llama.py L163" in err
    assert "5,120" in err
    assert "decode_peak_bytes under transformers (sdpa)" in err
    assert "cache_utils.py L136, L242" in err
    assert "peak memory under transformers (sdpa): n/a: transformers peak not modelled" in err


def test_a_bad_engine_is_a_usage_error(tiny: Path) -> None:
    code, _, err = run_cli(["compare", str(tiny), "--engine", "tgi"])
    assert code == 2
    assert "'tgi' is not an engine; allowed: transformers, vllm, none" in err


def test_the_api_reports_the_peaks(tiny: Path) -> None:
    analysis = api.analyse([tiny], api.make_workload(10), engine="transformers")
    (result,) = analysis.report.results
    assert result.prefill_peak_bytes is not None
    assert result.prefill_peak_bytes - 2 * result.params_total == PREFILL_ABOVE_WEIGHTS
    assert analysis.peaks_requested
    assert not api.analyse([tiny], api.make_workload(10)).peaks_requested


def test_show_without_costs_still_prints_the_peaks_and_the_explanation_asked_for() -> None:
    # show --no-costs returned before the summary and --explain; a named engine asks for the
    # peak columns, and --explain for the terms, so both print.
    code, out, err = run_cli(
        [
            "show",
            "llama-3.1-8b",
            "--context",
            "4k",
            "--no-costs",
            "--engine",
            "transformers",
            "--explain",
        ]
    )
    assert code == 0, err
    assert "prefill peak" in out
    assert "prefill_peak_bytes under transformers (sdpa)" in out


def test_a_sweep_computes_the_peaks_only_when_asked(tiny: Path) -> None:
    # A peak is a walk over every layer per point, far slower than the compiled sweep (issue
    # 15's budgets), so a plain sweep says why its peaks are null instead of computing them.
    plain = _json(["sweep", str(tiny), "--context", "10,20"])
    assert [r["prefill_peak_bytes"] for r in plain] == [None, None]
    assert all("give --engine" in r["peak_missing_reason"] for r in plain)
    asked = _json(["sweep", str(tiny), "--context", "10,20", "--engine", "transformers"])
    assert asked[0]["prefill_peak_bytes"] - _weights(asked[0]) == PREFILL_ABOVE_WEIGHTS
