"""The results as typed values: the JSON contract of ``--format json`` (``SCHEMA_VERSION``).

A report is ``{"schema_version", "conventions", "results": [...]}``; each result is one model at
one workload. Byte and FLOP counts are exact integers; ratios and intensities are floats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from lccost.conventions import FLOPS_PER_MAC, Accounting, FlopConvention
from lccost.engine import ModelCost
from lccost.workload import Workload

if TYPE_CHECKING:
    from lccost.peak import ReportPeak

SCHEMA_VERSION = 3
"""2: each result names its ``source`` (the input as given); ``baseline_results`` holds the
baseline's own results (one per context) when ``--baseline`` is given. 3: each result gives
``prefill_peak_bytes`` and ``decode_peak_bytes`` under ``peak_engine`` (``lccost.peak``), or
nulls and ``peak_missing_reason`` where that engine's peak is not modelled."""


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Conventions(_Result):
    """The conventions every number in the report follows (see ``lccost.conventions``)."""

    flops_per_mac: int = FLOPS_PER_MAC
    flop_convention: FlopConvention
    accounting: Accounting
    bytes: str = "exact integers; human units say GB (10^9) or GiB (2^30)"
    context: str = "tokens; 128k = 131072 (k = 1024, M = 1048576)"
    decode: str = "one new token with `context` tokens already cached"
    prefill: str = "a prompt of `context` tokens; LM head on the last token only"
    decode_bytes: str = (
        "active weights read once per step (shared by the batch) + per "
        "sequence: cache read, cache written, embedding rows gathered"
    )


class LayerResult(_Result):
    index: int
    attention: str
    ffn: str
    kv_source_layer: int | None
    params: int
    cache_bytes: int
    cache_read_bytes: int
    cache_write_bytes: int
    prefill_flops: int
    decode_flops: int


class CostResult(_Result):
    model: str
    source: str | None = None
    context: int
    batch: int
    dtype: str
    kv_dtype: str
    accounting: Accounting
    accounting_settings: str | None = None
    """The engine settings behind ``vllm`` / ``llamacpp`` figures: the llama.cpp entry point
    and knobs, or the device vLLM's pages follow (``Workload.accounting_settings``)."""
    flop_convention: FlopConvention
    kv_cache_bytes: int
    prefill_flops: int
    decode_flops: int
    decode_flops_fp8_equivalent: int
    decode_bytes: int
    decode_weight_bytes: int
    decode_cache_read_bytes: int
    decode_cache_write_bytes: int
    params_total: int
    params_active: int
    params_embedding: int
    params_effective: int
    decode_intensity: float
    prefill_intensity: float
    generate_tokens: int | None = None
    generate_decode_flops: int | None = None
    baseline: str | None = None
    ratios: dict[str, float] | None = None
    layers: list[LayerResult] | None = None
    peak_engine: str | None = None
    """The engine (and its settings) whose peak memory the two figures below are."""
    prefill_peak_bytes: int | None = None
    """Peak device memory while prefilling ``context`` tokens for the batch (``lccost.peak``)."""
    decode_peak_bytes: int | None = None
    """Peak device memory of the first decode step after that prefill."""
    peak_missing_reason: str | None = None
    """Why the two peaks are null: the engine does not model this model (never a guess)."""


class Report(_Result):
    schema_version: int = SCHEMA_VERSION
    conventions: Conventions
    results: list[CostResult]
    baseline_results: list[CostResult] = []


def make_report(
    workload: Workload, results: list[CostResult], baseline_results: list[CostResult] | None = None
) -> Report:
    """The one place a ``Report`` is put together: the workload's conventions and the results."""
    return Report(
        conventions=Conventions(flop_convention=workload.flops, accounting=workload.accounting),
        results=results,
        baseline_results=baseline_results or [],
    )


RATIO_FIELDS = (
    "kv_cache_bytes",
    "prefill_flops",
    "decode_flops",
    "decode_flops_fp8_equivalent",
    "decode_bytes",
)
"""The quantities ``--baseline`` divides: "27% of the FLOPs, 10% of the KV cache"."""


def layer_results(model_cost: ModelCost) -> list[LayerResult]:
    architecture = model_cost.architecture
    results = []
    for layer_cost, layer in zip(model_cost.layers, architecture.layers, strict=True):
        source = layer.attention.reads_cache_of()
        results.append(
            LayerResult(
                index=layer_cost.index,
                attention=layer.attention.summary(),
                ffn=layer.ffn.summary(),
                kv_source_layer=source,
                params=layer_cost.total("params"),
                cache_bytes=layer_cost.total("cache_bytes"),
                cache_read_bytes=layer_cost.total("cache_read_bytes"),
                cache_write_bytes=layer_cost.total("cache_write_bytes"),
                prefill_flops=layer_cost.total("prefill_flops"),
                decode_flops=layer_cost.total("decode_flops"),
            )
        )
    return results


def cost_result(
    model_cost: ModelCost,
    per_layer: bool = False,
    baseline: ModelCost | None = None,
    generate: int | None = None,
    source: str | None = None,
    peak: ReportPeak | None = None,
) -> CostResult:
    """``model_cost``'s totals as a result; ``source`` is the input it was read from; ``peak``
    its engine's peak memory (or why there is none)."""
    w = model_cost.workload
    result = CostResult(
        model=model_cost.architecture.name,
        source=source,
        context=w.context_tokens,
        batch=w.batch,
        dtype=w.dtype,
        kv_dtype=w.effective_kv_dtype,
        accounting=w.accounting,
        accounting_settings=w.accounting_settings(),
        flop_convention=w.flops,
        kv_cache_bytes=model_cost.kv_cache_bytes,
        prefill_flops=model_cost.prefill_flops,
        decode_flops=model_cost.decode_flops,
        decode_flops_fp8_equivalent=model_cost.fp8_equivalent("decode_flops"),
        decode_bytes=model_cost.decode_bytes,
        decode_weight_bytes=model_cost.decode_weight_bytes,
        decode_cache_read_bytes=model_cost.decode_cache_read_bytes,
        decode_cache_write_bytes=model_cost.decode_cache_write_bytes,
        params_total=model_cost.params_total,
        params_active=model_cost.params_active,
        params_embedding=model_cost.params_embedding,
        params_effective=model_cost.params_effective,
        decode_intensity=model_cost.decode_intensity,
        prefill_intensity=model_cost.prefill_intensity,
        layers=layer_results(model_cost) if per_layer else None,
        generate_tokens=generate,
        generate_decode_flops=model_cost.generation_flops(generate) if generate else None,
    )
    if peak is not None:
        summary = peak.summary
        result = result.model_copy(
            update={
                "peak_engine": peak.label,
                "prefill_peak_bytes": None if summary is None else summary.prefill_peak_bytes,
                "decode_peak_bytes": None if summary is None else summary.decode_peak_bytes,
                "peak_missing_reason": peak.reason,
            }
        )
    if baseline is not None:
        base = cost_result(baseline)
        ratios = {
            name: (
                getattr(result, name) / getattr(base, name) if getattr(base, name) else float("nan")
            )
            for name in RATIO_FIELDS
        }
        result = result.model_copy(update={"baseline": base.model, "ratios": ratios})
    return result
