"""The Python API: every CLI command's work, callable without the CLI.

>>> import lccost
>>> report = lccost.compare(["gemma-4-e2b", "deepseek-v4-pro"], context=131072)
>>> report.results[0].kv_cache_bytes  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from lccost.accounting import LLAMACPP_SERVER, LlamaCppParams, VllmDevice
from lccost.conventions import Accounting, FlopConvention, parse_context
from lccost.engine import ModelCost, cost, costs_at
from lccost.errors import LccostError
from lccost.hardware import HardwareProfile, load_hardware
from lccost.report import MAX_GENERATE_TOKENS, Conventions, Report, cost_result
from lccost.spec.loader import load_spec, model_path
from lccost.spec.model import Architecture
from lccost.workload import Workload

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


def make_workload(context: int, batch: int = 1, dtype: str = "bf16", kv_dtype: str | None = None,
                  accounting: Accounting | str = Accounting.REFERENCE,
                  flops: FlopConvention | str = FlopConvention.USEFUL,
                  block_size: int | None = None,
                  llamacpp: LlamaCppParams = LLAMACPP_SERVER,
                  hardware: str | Path | HardwareProfile | None = None) -> Workload:
    """A validated workload. ``llamacpp``: the llama.cpp entry point and knobs of the
    ``llamacpp`` accounting (llama-server's defaults); ``hardware``: the device whose vLLM
    backend selection sets the ``vllm`` accounting's pages (ignored by the other accountings;
    None: the Hopper default)."""
    device = None
    if hardware is not None and Accounting(accounting) is Accounting.VLLM:
        device = vllm_device(hardware)
    try:
        return Workload(context_tokens=context, batch=batch, dtype=dtype, kv_dtype=kv_dtype,
                        accounting=Accounting(accounting), flops=FlopConvention(flops),
                        block_size=block_size, llamacpp=llamacpp, vllm_device=device)
    except ValueError as error:
        raise LccostError(str(error)) from None


def vllm_device(hardware: str | Path | HardwareProfile) -> VllmDevice:
    """The device a hardware profile describes, for vLLM's backend selection: its
    ``cuda_capability``; refused for a profile without one (vLLM's choice there is not
    modelled)."""
    profile = load_hardware(hardware)
    if profile.cuda_capability is None:
        raise LccostError(
            f"--accounting vllm: {profile.name} has no cuda_capability; which page size vLLM "
            "picks there is not modelled; give --block-size and leave out --hardware, or add "
            "cuda_capability to the profile")
    major, minor = (int(part) for part in profile.cuda_capability.split("."))
    return VllmDevice(profile.name, (major, minor))


def model_cost(ref: ModelRef, workload: Workload) -> ModelCost:
    """Every ledger of one model at one workload (what ``--explain`` prints)."""
    return cost(load(ref), workload)


def compare(models: Sequence[ModelRef], workload: Workload, baseline: ModelRef | None = None,
            per_layer: bool = False, generate: int | None = None) -> Report:
    """One result per model at ``workload``; with ``baseline``, ratios to it; with
    ``generate``, the decode FLOPs of that many new tokens after the prompt."""
    if generate is not None and not 1 <= generate <= MAX_GENERATE_TOKENS:
        raise LccostError(f"--generate takes 1 to {MAX_GENERATE_TOKENS:,} tokens, not {generate}")
    base = cost(load(baseline), workload) if baseline is not None else None
    results = [cost_result(cost(load(m), workload), per_layer=per_layer, baseline=base,
                           generate=generate)
               for m in models]
    return Report(conventions=Conventions(flop_convention=workload.flops,
                                          accounting=workload.accounting), results=results)


def sweep(models: Sequence[ModelRef], contexts: Sequence[int], workload: Workload,
          baseline: ModelRef | None = None) -> Report:
    """Results for every model at every context (the workload's other settings fixed).

    Each model is evaluated at all contexts in one call of its compiled function
    (``lccost.engine.costs_at``)."""
    architectures = [load(m) for m in models]
    try:
        base = costs_at(load(baseline), workload, contexts) if baseline is not None else None
        costed = [costs_at(architecture, workload, contexts) for architecture in architectures]
    except ValueError as error:  # a context out of range (``Workload``)
        raise LccostError(str(error)) from None
    results = []
    for points in costed:
        for i, point in enumerate(points):
            results.append(cost_result(point, baseline=base[i] if base is not None else None))
    return Report(conventions=Conventions(flop_convention=workload.flops,
                                          accounting=workload.accounting), results=results)


def at_context(workload: Workload, context: int) -> Workload:
    """``workload`` at another context, every other setting kept."""
    try:
        return replace(workload, context_tokens=context)
    except ValueError as error:
        raise LccostError(str(error)) from None


def parse_contexts(text: str, points: int | None = None, linear: bool = False,
                   every: int | None = None) -> list[int]:
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
        raise LccostError(f"--points, --every and --linear need a range such as 1k..1M, not "
                          f"{text!r}")
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
    except ValueError as error:
        raise LccostError(str(error)) from None
    if not contexts:
        raise LccostError(f"no context lengths in {text!r}; write e.g. 4k,32k,1M or 1k..1M")
    if len(contexts) > MAX_SWEEP_POINTS:
        raise LccostError(f"{len(contexts):,} context lengths; a sweep takes at most "
                          f"{MAX_SWEEP_POINTS:,} (use --points, or a larger --every)")
    return contexts


def _spaced(low: int, high: int, points: int | None, linear: bool, every: int | None,
            ) -> list[int]:
    """The contexts from ``low`` to ``high`` (both included) of ``parse_contexts``."""
    if every is not None:
        if (high - low) // every + 1 > MAX_SWEEP_POINTS:
            raise ValueError(f"--every {every} makes more than {MAX_SWEEP_POINTS:,} contexts "
                             f"from {low} to {high}; use a larger step or --points")
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
