"""The Python API: every CLI command's work, callable without the CLI.

>>> import lccost
>>> report = lccost.compare(["gemma-4-e2b", "deepseek-v4-pro"], lccost.make_workload("128k"))
>>> report.results[0].kv_cache_bytes  # doctest: +SKIP

The functions raise ``LccostError`` (with the CLI's wording) for anything the caller can fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lccost.accounting import LLAMACPP_SERVER, LlamaCppParams, VllmDevice
from lccost.conventions import (
    MAX_GENERATE_TOKENS,
    Accounting,
    FlopConvention,
    canonical_dtype,
    parse_context,
)
from lccost.engine import ModelCost, cost, costs_at
from lccost.errors import LccostError
from lccost.peak import Engine, ReportPeak, parse_engine, peak_not_asked, report_peak
from lccost.report import CostResult, Report, cost_results, make_report
from lccost.spec.loader import load_spec, model_path
from lccost.spec.model import Architecture
from lccost.workload import Workload

if TYPE_CHECKING:
    from lccost.hardware import HardwareProfile, Roofline

ModelRef = str | Path | Architecture

MAX_SWEEP_POINTS = 10_000
"""Contexts in one sweep: enough for dense plots (a 1k..1M sweep every 128 tokens is 8,185),
few enough that the report stays in memory."""


def load(ref: ModelRef) -> Architecture:
    """A validated, expanded architecture from a shipped name, a spec path or a config.json."""
    if isinstance(ref, Architecture):
        return ref
    path = model_path(ref)
    if path.suffix == ".json":
        from lccost.hf import architecture_from_hf_config  # only for config.json

        return architecture_from_hf_config(path)
    return load_spec(path)


def source_of(ref: ModelRef) -> str | None:
    """The input a result came from, as the user wrote it: a path; ``None`` for a shipped name
    or an ``Architecture`` given directly."""
    if isinstance(ref, Architecture):
        return None
    if isinstance(ref, Path):
        return str(ref)
    try:
        is_file = Path(ref).is_file()
    except (OSError, ValueError):
        is_file = False
    return ref if is_file else None


def make_workload(
    context: int | str,
    batch: int = 1,
    dtype: str = "bf16",
    kv_dtype: str | None = None,
    accounting: Accounting | str = Accounting.REFERENCE,
    flops: FlopConvention | str = FlopConvention.USEFUL,
    block_size: int | None = None,
    llamacpp: LlamaCppParams = LLAMACPP_SERVER,
    hardware: str | Path | HardwareProfile | None = None,
) -> Workload:
    """A validated workload; ``context`` as tokens or as the CLI writes it (``"128k"``,
    ``"1M"``); dtypes by name in any common spelling (``bf16``, ``bfloat16``, ``BF16``). A
    context of 0 (no prompt) is allowed here, for ``fit``; the CLI asks for 1 token or more.
    ``llamacpp``: the llama.cpp entry point and knobs of the ``llamacpp`` accounting
    (llama-server's defaults); ``hardware``: the device whose vLLM backend selection sets the
    ``vllm`` accounting's pages (ignored by the other accountings; None: the Hopper default)."""
    device = None
    if hardware is not None and Accounting(accounting) is Accounting.VLLM:
        device = vllm_device(hardware)
    try:
        tokens = parse_context(context) if isinstance(context, str) else context
        if isinstance(tokens, bool) or not isinstance(tokens, int):
            raise ValueError(f"context must be a whole number of tokens, not {context!r}")
        return Workload(
            context_tokens=tokens,
            batch=batch,
            dtype=canonical_dtype(dtype),
            kv_dtype=None if kv_dtype is None else canonical_dtype(kv_dtype, native=True),
            accounting=Accounting(accounting),
            flops=FlopConvention(flops),
            block_size=block_size,
            llamacpp=llamacpp,
            vllm_device=device,
        )
    except ValueError as error:
        raise LccostError(str(error)) from None


def vllm_device(
    hardware: str | Path | HardwareProfile, asked_by: str = "--accounting vllm"
) -> VllmDevice:
    """The device a hardware profile describes, for vLLM's backend selection: its
    ``cuda_capability``; refused for a profile without one (vLLM's choice there is not
    modelled), the refusal naming the option that ``asked_by`` it."""
    from lccost.hardware import load_hardware  # only with --hardware: a cold compare skips it

    profile = load_hardware(hardware)
    if profile.cuda_capability is None:
        raise LccostError(
            f"{asked_by}: {profile.name} has no cuda_capability; which page size vLLM "
            "picks there is not modelled; give --block-size and leave out --hardware, or add "
            "cuda_capability to the profile"
        )
    major, minor = (int(part) for part in profile.cuda_capability.split("."))
    return VllmDevice(profile.name, (major, minor))


def with_engine_device(
    workload: Workload,
    engine: Engine | None,
    hardware: str | Path | HardwareProfile | None,
) -> Workload:
    """``workload`` with the device whose pages vLLM's peak holds, when ``--engine vllm`` is
    asked on ``hardware`` under another accounting (under ``--accounting vllm``,
    ``make_workload`` has set it): the vLLM peak holds the cache as vLLM pages it on that
    device (``lccost.peak.vllm_paged``), and a device whose page choice is not modelled is
    refused as ``--accounting vllm`` refuses it. The device changes no figure of the other
    accountings."""
    if engine is not Engine.VLLM or hardware is None or workload.vllm_device is not None:
        return workload
    return replace(workload, vllm_device=vllm_device(hardware, asked_by="--engine vllm"))


def model_cost(ref: ModelRef, workload: Workload) -> ModelCost:
    """Every ledger of one model at one workload (what ``--explain`` prints)."""
    return cost(load(ref), workload)


@dataclass(frozen=True)
class Analysis:
    """What one command asks for, computed once: the report, the cost of every result (same
    order: what ``--explain`` prints) and, with a hardware profile, the roofline of each;
    ``peaks``: each result's engine peak (its terms: what ``--explain`` prints), and
    ``peaks_requested``: whether the command asked for them (``--engine`` or ``--hardware``),
    so tables add the peak columns (JSON and CSV always carry them)."""

    report: Report
    model_costs: tuple[ModelCost, ...]
    rooflines: tuple[Roofline, ...] | None = None
    peaks: tuple[ReportPeak, ...] = ()
    peaks_requested: bool = False


def analyse(
    models: Sequence[ModelRef],
    workload: Workload,
    contexts: Sequence[int] | None = None,
    baseline: ModelRef | None = None,
    per_layer: bool = False,
    generate: int | None = None,
    hardware: str | Path | HardwareProfile | None = None,
    gpus: int = 1,
    compute_dtype: str | None = None,
    engine: Engine | str | None = None,
) -> Analysis:
    """Every model at ``workload`` (or at each of ``contexts``, the other settings fixed),
    each costed once; with ``baseline``, its results and the ratios to it; with ``generate``,
    the decode FLOPs of that many new tokens; with ``hardware``, the roofline of each result.
    Every result carries ``prefill_peak_bytes`` and ``decode_peak_bytes`` under ``engine``
    (default: the accounting's engine; ``lccost.peak.report_peak``), vLLM's chunk sized for
    ``gpus`` x the hardware's memory where given; over several ``contexts`` only when
    ``engine`` or ``hardware`` asks (``lccost.peak.peak_not_asked``: null, with the reason)."""
    if generate is not None and not 1 <= generate <= MAX_GENERATE_TOKENS:
        raise LccostError(f"--generate takes 1 to {MAX_GENERATE_TOKENS:,} tokens, not {generate}")
    chosen_engine = parse_engine(engine)
    profile = None
    if hardware is not None:
        from lccost.hardware import load_hardware  # only with --hardware: a cold compare skips it

        profile = load_hardware(hardware)
    workload = with_engine_device(workload, chosen_engine, profile)
    capacity = None if profile is None else gpus * profile.memory_bytes
    device_name = "" if profile is None else profile.name

    peaks_requested = engine is not None or profile is not None

    def peaks_of(model_costs: Sequence[ModelCost]) -> list[ReportPeak]:
        if contexts is not None and not peaks_requested:
            # the same for every point: it depends on the accounting only
            return [peak_not_asked(workload)] * len(model_costs)
        return [
            report_peak(
                model_cost.architecture,
                model_cost.workload,
                chosen_engine,
                capacity,
                device_name,
            )
            for model_cost in model_costs
        ]

    architectures = [(load(m), source_of(m)) for m in models]

    def at_each(architecture: Architecture) -> list[ModelCost]:
        # one context: the ledgers (--explain, --per-layer); several: one compiled call each
        if contexts is None:
            return [cost(architecture, workload)]
        try:
            return costs_at(architecture, workload, contexts)
        except ValueError as error:  # a context out of range (``Workload``)
            raise LccostError(str(error)) from None

    base_results: list[CostResult] | None = None
    costs: list[ModelCost] = []
    peaks: list[ReportPeak] = []
    results: list[CostResult] = []
    if baseline is not None:
        base_costs = at_each(load(baseline))
        base_peaks = peaks_of(base_costs)
        base_results = cost_results(base_costs, base_peaks, None, generate, source_of(baseline))
    for architecture, source in architectures:
        model_costs = at_each(architecture)
        model_peaks = peaks_of(model_costs)
        costs += model_costs
        peaks += model_peaks
        results += cost_results(model_costs, model_peaks, base_results, generate, source, per_layer)
    lines = None
    if profile is not None:
        from lccost.hardware import rooflines

        lines = tuple(rooflines(costs, profile, gpus, compute_dtype, peaks))
    return Analysis(
        make_report(workload, results, base_results),
        tuple(costs),
        lines,
        tuple(peaks),
        peaks_requested,
    )


def compare(
    models: Sequence[ModelRef],
    workload: Workload,
    baseline: ModelRef | None = None,
    per_layer: bool = False,
    generate: int | None = None,
) -> Report:
    """One result per model at ``workload``; with ``baseline``, ratios to it; with
    ``generate``, the decode FLOPs of that many new tokens after the prompt."""
    return analyse(
        models, workload, baseline=baseline, per_layer=per_layer, generate=generate
    ).report


def sweep(
    models: Sequence[ModelRef],
    contexts: Sequence[int],
    workload: Workload,
    baseline: ModelRef | None = None,
) -> Report:
    """Results for every model at every context (the workload's other settings fixed); each
    model evaluated at all contexts in one call of its compiled function
    (``lccost.engine.costs_at``)."""
    return analyse(models, workload, contexts=contexts, baseline=baseline).report


def at_context(workload: Workload, context: int) -> Workload:
    """``workload`` at another context, every other setting kept."""
    try:
        return replace(workload, context_tokens=context)
    except ValueError as error:
        raise LccostError(str(error)) from None


def parse_contexts(
    text: str, points: int | None = None, linear: bool = False, every: int | None = None
) -> list[int]:
    """The contexts of a sweep.

    ``4k,32k,1M``: that list. ``1k..1M``: powers of two from 1k up to 1M, both ends included;
    with ``points`` N, N contexts from one end to the other, evenly spaced in log (or, with
    ``linear``, in tokens), rounded to whole tokens (duplicates after rounding dropped); with
    ``every`` N, every N-th token: 1k, 1k + N, 1k + 2N, ..., and 1M. At most
    ``MAX_SWEEP_POINTS`` contexts.
    """
    if points is not None and every is not None:
        raise LccostError("give --points or --every, not both")
    if (points is not None or every is not None or linear) and ".." not in text:
        raise LccostError(
            f"--points, --every and --linear need a range such as 1k..1M, not {text!r}"
        )
    if points is not None and not 2 <= points <= MAX_SWEEP_POINTS:
        raise LccostError(f"--points takes 2 to {MAX_SWEEP_POINTS:,}, not {points}")
    if every is not None and every < 1:
        raise LccostError(f"--every takes 1 or more tokens, not {every}")
    try:
        if ".." in text:
            low_text, high_text = text.split("..", 1)
            low, high = parse_context(low_text), parse_context(high_text)
            if low < 1 or high < low:
                raise ValueError(f"range {text!r} must go from 1 or more up to a larger value")
            contexts = _spaced(low, high, points, linear, every)
        else:
            contexts = [parse_context(part) for part in text.split(",") if part.strip()]
            if any(c < 1 for c in contexts):
                raise ValueError("context lengths must be 1 token or more")
    except ValueError as error:
        raise LccostError(str(error)) from None
    if not contexts:
        raise LccostError(f"no context lengths in {text!r}; write e.g. 4k,32k,1M or 1k..1M")
    if len(contexts) > MAX_SWEEP_POINTS:
        raise LccostError(
            f"{len(contexts):,} context lengths; a sweep takes at most "
            f"{MAX_SWEEP_POINTS:,} (use --points, or a larger --every)"
        )
    return contexts


def _spaced(
    low: int,
    high: int,
    points: int | None,
    linear: bool,
    every: int | None,
) -> list[int]:
    """The contexts from ``low`` to ``high`` (both included) of ``parse_contexts``."""
    if every is not None:
        if (high - low) // every + 1 > MAX_SWEEP_POINTS:
            raise ValueError(
                f"--every {every} makes more than {MAX_SWEEP_POINTS:,} contexts "
                f"from {low} to {high}; use a larger step or --points"
            )
        contexts = list(range(low, high + 1, every))
    elif points is not None:
        if linear:
            # exact: low + round(i (high - low) / (N - 1)), in integers
            span, steps = high - low, points - 1
            contexts = [low + (2 * i * span + steps) // (2 * steps) for i in range(points)]
        else:
            ratio = high / low
            contexts = [round(low * ratio ** (i / (points - 1))) for i in range(points)]
        contexts = sorted({min(max(c, low), high) for c in contexts})
    else:
        contexts, value = [], low
        while value <= high and len(contexts) <= MAX_SWEEP_POINTS:
            contexts.append(value)
            value *= 2
    if contexts[-1] != high:
        contexts.append(high)
    return contexts
