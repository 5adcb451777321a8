"""The results as typed values: the JSON contract of ``--format json`` (``SCHEMA_VERSION``).

A report is ``{"schema_version", "conventions", "results": [...]}``; each result is one model at
one workload. Byte and FLOP counts are exact integers; ratios and intensities are floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from operator import attrgetter
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
    baseline: CostResult | None = None,
    generate: int | None = None,
    source: str | None = None,
    peak: ReportPeak | None = None,
) -> CostResult:
    """``model_cost``'s totals as a result; ``source`` is the input it was read from; ``peak``
    its engine's peak memory (or why there is none); ``baseline``: the baseline's result at the
    same context, which ``ratios`` divide by."""
    values = _settings_fields(model_cost, source, generate)
    values.update(_point_fields(model_cost, per_layer, baseline, generate, peak))
    return CostResult(**values)


def cost_results(
    model_costs: Sequence[ModelCost],
    peaks: Sequence[ReportPeak],
    baselines: Sequence[CostResult | None] | None = None,
    generate: int | None = None,
    source: str | None = None,
    per_layer: bool = False,
) -> list[CostResult]:
    """``cost_result`` of each of ``model_costs`` (with its peak and its baseline's result), for
    the points of a sweep: the first result is validated, every later point of the same
    architecture and settings (all of the workload but its context: ``costs_at``) is a copy of
    it with what depends on the point replaced, so that each point costs no re-validation of
    the values lccost computed itself. A point of another architecture or settings is built by
    ``cost_result``. Identical results either way (``tests/test_sweep_contexts.py``)."""
    bases = baselines if baselines is not None else [None] * len(model_costs)
    results: list[CostResult] = []
    template: CostResult | None = None
    template_key: tuple[object, ...] = ()
    for model_cost, peak, base in zip(model_costs, peaks, bases, strict=True):
        key = (model_cost.architecture, *_workload_settings(model_cost.workload))
        if template is None or key != template_key or per_layer:
            result = template = cost_result(model_cost, per_layer, base, generate, source, peak)
            template_key = key
        else:
            result = _copy_with(template, _point_fields(model_cost, False, base, generate, peak))
        results.append(result)
    return results


def _copy_with(template: CostResult, values: dict[str, object]) -> CostResult:
    """``template.model_copy(update=values)``: a model built as pydantic's ``model_construct``
    builds one (its ``__dict__`` and set fields; no extra fields, no private attributes), in a
    third of the time (no ``copy.copy`` of each attribute); values lccost computed, not
    re-validated. Equal to the validated result (``tests/test_sweep_contexts.py``)."""
    result = CostResult.__new__(CostResult)
    object.__setattr__(result, "__dict__", {**template.__dict__, **values})
    object.__setattr__(result, "__pydantic_fields_set__", template.model_fields_set | values.keys())
    object.__setattr__(result, "__pydantic_extra__", None)
    object.__setattr__(result, "__pydantic_private__", None)
    return result


_workload_settings = attrgetter(
    *(field.name for field in fields(Workload) if field.name != "context_tokens")
)
"""Every setting of a workload but its context: a new one added to ``Workload`` is part of it
without anyone remembering to add it here."""


def _settings_fields(
    model_cost: ModelCost, source: str | None, generate: int | None
) -> dict[str, object]:
    """The fields of a result that depend on the model and the workload's settings, not on its
    context (``cost_results`` reuses them across a sweep)."""
    w = model_cost.workload
    return {
        "model": model_cost.architecture.name,
        "source": source,
        "batch": w.batch,
        "dtype": w.dtype,
        "kv_dtype": w.effective_kv_dtype,
        "accounting": w.accounting,
        "accounting_settings": w.accounting_settings(),
        "flop_convention": w.flops,
        "decode_weight_bytes": model_cost.decode_weight_bytes,
        "params_total": model_cost.params_total,
        "params_active": model_cost.params_active,
        "params_embedding": model_cost.params_embedding,
        "params_effective": model_cost.params_effective,
        "generate_tokens": generate,
    }


def _point_fields(
    model_cost: ModelCost,
    per_layer: bool,
    baseline: CostResult | None,
    generate: int | None,
    peak: ReportPeak | None,
) -> dict[str, object]:
    """The fields of a result that depend on its context: the costs, the peaks, the ratios."""
    costs = {  # exact integers, which ``ratios`` divide
        "kv_cache_bytes": model_cost.kv_cache_bytes,
        "prefill_flops": model_cost.prefill_flops,
        "decode_flops": model_cost.decode_flops,
        "decode_flops_fp8_equivalent": model_cost.fp8_equivalent("decode_flops"),
        "decode_bytes": model_cost.decode_bytes,
    }
    values: dict[str, object] = {
        "context": model_cost.workload.context_tokens,
        **costs,
        "decode_cache_read_bytes": model_cost.decode_cache_read_bytes,
        "decode_cache_write_bytes": model_cost.decode_cache_write_bytes,
        "decode_intensity": model_cost.decode_intensity,
        "prefill_intensity": model_cost.prefill_intensity,
    }
    if per_layer:
        values["layers"] = layer_results(model_cost)
    if generate:
        values["generate_decode_flops"] = model_cost.generation_flops(generate)
    if peak is not None:
        summary = peak.summary
        values["peak_engine"] = peak.label
        values["prefill_peak_bytes"] = None if summary is None else summary.prefill_peak_bytes
        values["decode_peak_bytes"] = None if summary is None else summary.decode_peak_bytes
        values["peak_missing_reason"] = peak.reason
    if baseline is not None:
        values["baseline"] = baseline.model
        values["ratios"] = {
            name: costs[name] / base if (base := getattr(baseline, name)) else float("nan")
            for name in RATIO_FIELDS
        }
    return values
