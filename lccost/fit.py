"""What fits in memory: the longest context for a batch, the largest batch for a context.

Memory [bytes], tensor parallel over N devices of capacity C, each keeping a reserve R (the
runtime's own allocations, activations, fragmentation; a share of C or a byte count), weights
and cache split evenly:

    weights + batch x peak_cache(L) <= N x (C - R)

- weights = every parameter (``params_total``: all experts are resident, not only the active
  ones) in the weight dtype, rounded up to whole bytes.
- peak_cache(L) = max over L' <= L of the engine's cache after L' tokens, per sequence: a
  sequence passes through every length on its way to L, so the largest cache it holds on the
  way has to fit. The cache is not always monotone in L: DeepSeek V4's compressor buffers hold
  the L mod m open tokens in fp32 and empty when a block closes, and under ``--accounting vllm``
  a sliding window's pages alternate between ceil((W - 1) / block) and one more.

Solved exactly on the engine, not with a bytes-per-token line (sliding windows, compressed
entries floor(L / m) and fixed states make the cache non-linear in L). The cache is monotone at
a stride S, cache(L + S) >= cache(L) for every L, with S the least common multiple of every
layer's compression rate m and, under the paged accountings, the page sizes: the compressor
buffers (L mod m) and the page alignment repeat every S tokens while every other count grows. So a
failure at any L' <= L shows up among the last S lengths (L - S, L], and peak_cache(L) is the
maximum over those S lengths. The longest context is one less than the first length that does
not fit: a binary search finds a boundary (fits at L, not at L + 1), then the S lengths before
the failure are scanned, moving to any earlier failure, until none is earlier. The answer is
capped at the spec's ``max_context`` (``SEARCH_LIMIT_TOKENS`` when the spec has none).

The largest batch at context L is floor((N(C - R) - weights) / peak_cache(L)), exact because
the cache is linear in the batch.

With an ``engine`` (``lccost.peak``) the left side is that engine's peak instead: for
``transformers`` the larger of the prefill peak and the first decode step's (activations of the
whole prompt, the sliding layers' full-prompt K/V, materialised masks), for ``vllm`` weights +
paged cache + one chunk's activations. Every term grows with L and with the batch, so the
longest context and the largest batch are found by bisection on the peak itself. ``--reserve``
then covers only what no engine term models (CUDA context, allocator fragmentation):
``ENGINE_RESERVES``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from lccost.conventions import GB, GIB, Accounting, ceil_fraction, number_format
from lccost.engine import cost, params_total
from lccost.errors import LccostError
from lccost.mechanisms.base import LayerEnv
from lccost.mechanisms.recurrent import vllm_hybrid_workload
from lccost.peak import (
    AttentionImpl,
    Engine,
    PeakMemory,
    engine_peak,
    vllm_batch_defaults,
    vllm_paged,
    weight_term,
)
from lccost.spec.model import Architecture
from lccost.workload import Workload

SEARCH_LIMIT_TOKENS = 2**40
"""Where the search stops for a spec without ``max_context`` (about 1.1 trillion tokens)."""

DEFAULT_CONTEXT_TOKENS = 131072
"""The context of "largest batch" for a spec without ``max_context`` when none is asked for."""

_BYTE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": GB,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": GIB,
    "tib": 2**40,
}
_BYTES_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$", re.ASCII)

MAX_MEMORY_BYTES = 10**18
"""1 EB per device: past any device, and small enough that every size prints exactly."""


def parse_bytes(text: str) -> int:
    """``80GB`` (10^9), ``80GiB`` (2^30), ``512MiB``, ``1.5TB`` or a plain byte count, exactly
    (decimal digits are read as a fraction, then rounded down to whole bytes)."""
    match = _BYTES_RE.match(text)
    unit = match.group(2).lower() if match else ""
    if not match or unit not in _BYTE_UNITS:
        raise LccostError(
            f"{text!r} is not a memory size; write e.g. 80GB (10^9 bytes), 80GiB "
            "(2^30 bytes), 512MiB or a byte count"
        )
    if len(match.group(1)) > 40:
        raise LccostError(f"{text[:40]!r}...: at most {MAX_MEMORY_BYTES:,} bytes (1 EB)")
    value = Fraction(match.group(1)) * _BYTE_UNITS[unit]
    size = value.numerator // value.denominator
    if size > MAX_MEMORY_BYTES:
        raise LccostError(
            f"{text!r} is more than {MAX_MEMORY_BYTES:,} bytes (1 EB); give a "
            "device's memory, e.g. 80GB"
        )
    return size


@dataclass(frozen=True)
class Reserve:
    """Memory each device keeps back: a ``share`` of its capacity or a fixed ``size_bytes``."""

    share: Fraction | None = None
    size_bytes: int | None = None

    def bytes_of(self, capacity_bytes: int) -> int:
        """The reserve on a device of ``capacity_bytes``: share x C rounded up, or the bytes."""
        if self.share is not None:
            return ceil_fraction(self.share * capacity_bytes)
        return self.size_bytes or 0

    def __str__(self) -> str:
        if self.share is not None:
            return f"{float(self.share * 100):g}%"
        return f"{self.size_bytes or 0:,} bytes"


def parse_reserve(text: str) -> Reserve:
    """``10%`` (of each device's capacity), ``8GB``, ``8GiB`` or ``0``."""
    stripped = text.strip()
    if stripped.endswith("%"):
        try:
            share = Fraction(stripped[:-1].strip()) / 100
        except (ValueError, ZeroDivisionError):
            share = Fraction(-1)
        if not 0 <= share < 1:
            raise LccostError(
                f"reserve {text!r} is not a share of memory; write e.g. 10% "
                "(0% up to less than 100%)"
            )
        return Reserve(share=share)
    return Reserve(size_bytes=parse_bytes(stripped))


DEFAULT_RESERVE = Reserve(share=Fraction(1, 10))
"""10%: vLLM's default ``gpu_memory_utilization`` of 0.9 leaves the same share to the runtime."""

TRANSFORMERS_RESERVE = Reserve(size_bytes=GIB)
"""1 GiB per device for what the transformers peak leaves out. Measured on an H200 (torch 2.11,
CUDA 13.0; tests/data/device/peak_h200.json): memory outside PyTorch's allocator after a warm-up
forward (CUDA context, kernels, library handles) = total - free - reserved = 728,563,712 B, and
the cuBLAS workspace PyTorch allocates = allocated after warm-up - weights = 33,555,968 B;
1 GiB covers both with 312 MB to spare. Allocator fragmentation is not in it: PyTorch frees its
cached blocks and retries before it reports out-of-memory, so the allocated peak is what has to
fit; the reserved peak ran 0.35 to 44.9 GB above it in the same runs (``--reserve`` raises it)."""

ENGINE_RESERVES = {
    "transformers": TRANSFORMERS_RESERVE,
    "vllm": DEFAULT_RESERVE,
    "none": DEFAULT_RESERVE,
}
"""The default reserve per engine: vLLM keeps 1 - gpu_memory_utilization (0.9) of the device
for everything outside its pool; without an engine, 10% for activations and the runtime."""


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class FitResult(_Result):
    """One model on ``gpus`` devices: the longest context at ``batch`` and the largest batch at
    ``context``. Byte counts are exact; ``capacity_bytes`` and ``reserve_bytes`` are per
    device, ``usable_bytes`` = gpus x (capacity - reserve)."""

    model: str
    hardware: str | None
    gpus: int
    capacity_bytes: int
    reserve: str
    reserve_bytes: int
    usable_bytes: int
    weight_bytes: int
    cache_budget_bytes: int
    dtype: str
    kv_dtype: str
    accounting: Accounting
    batch: int
    longest_context: int | None
    context_limit: int
    limit_reason: Literal["max_context", "search limit"]
    context: int
    peak_cache_bytes_per_sequence: int
    largest_batch: int | None
    engine: str = "none"
    peak_bytes: int | None = None
    peak_where: str | None = None
    peak_dominant: str | None = None
    peak_terms: list[dict[str, int | str]] | None = None
    not_modelled: str | None = None
    split: str = (
        "tensor parallel: weights and cache split evenly over the devices; "
        "communication buffers not counted"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def weights_fit(self) -> bool:
        return self.cache_budget_bytes >= 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def capped(self) -> bool:
        """The longest context is the limit (``max_context``): more would fit."""
        return self.longest_context == self.context_limit


def weight_bytes(params: int, dtype: str) -> int:
    """Parameters in ``dtype`` (block scales included), rounded up to whole bytes."""
    return number_format(dtype).whole_bytes_for(params)


def cache_period(architecture: Architecture, workload: Workload) -> int:
    """S: a stride at which the cache is monotone, cache(L + S) >= cache(L) (module docstring):
    the lcm of every layer's ``MechanismSpec.cache_period`` (compression rates, page sizes under
    the paged and padded accountings; under vllm a hybrid model's attention pages at its raised
    block, ``lccost.mechanisms.recurrent.vllm_hybrid_workload``). Any multiple of the true
    stride gives the same answer, only more slowly."""
    D = architecture.spec.hidden_size
    layer_workload, token_bytes = vllm_hybrid_workload(architecture.layers, D, workload)
    env = LayerEnv(D, layer_workload, attention_token_bytes=token_bytes)
    mtp = architecture.spec.mtp
    # A counted MTP module's layer holds its own cache, summed into the model's
    # (``lccost.mechanisms.mtp``, costed with this env by ``lccost.engine``): its stride counts.
    layers = [*architecture.layers, *(mtp.layers if mtp is not None and mtp.counted else ())]
    periods = {
        id(mechanism): mechanism.cache_period(env)
        for layer in layers
        for mechanism in (layer.attention, layer.ffn)
    }
    return math.lcm(*periods.values())


def peak_period(architecture: Architecture, workload: Workload, engine: Engine) -> int:
    """S: a stride at which ``engine``'s peak is monotone in L. vllm: the stride of the paged
    cache it holds, ``cache_period`` under ``--accounting vllm`` whatever ``workload``'s
    accounting (``lccost.peak.vllm_paged``); its other terms grow with L. transformers: 1, every
    term grows with L (the whole prompt's K/V, activations, masks from L = W on)."""
    if engine is Engine.VLLM:
        return cache_period(architecture, vllm_paged(workload))
    return 1


def first_failure(fits: Callable[[int], bool], failing: int, period: int) -> int:
    """The first length that does not fit, given one that does not (``failing``; it may be the
    limit + 1, not evaluated) and a predicate monotone at stride ``period``."""
    while True:
        earlier = next((n for n in range(max(0, failing - period), failing) if not fits(n)), None)
        if earlier is None:
            return failing
        failing = earlier


def longest_fitting(fits: Callable[[int], bool], limit: int, period: int) -> int | None:
    """The largest L <= ``limit`` such that every length 0..L fits; ``None`` if 0 does not.

    Binary search for a boundary, then ``first_failure`` (exact for a predicate monotone at
    stride ``period``: a failure at L' implies failures at L' + kS); no search when the limit
    and the ``period`` lengths before it fit.
    """
    if not fits(0):
        return None
    # Often every length fits up to the limit (``max_context``): the last S lengths show it
    # (a failure earlier would recur among them, stride S), the lengths the search below ends
    # on when nothing fails, so it is skipped.
    if fits(limit) and first_failure(fits, limit + 1, period) == limit + 1:
        return limit
    low, high = 0, limit + 1  # fits(low); high fails or is past the limit
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return first_failure(fits, high, period) - 1


def fit(
    architecture: Architecture,
    workload: Workload,
    capacity_bytes: int,
    reserve: Reserve = DEFAULT_RESERVE,
    gpus: int = 1,
    context: int | None = None,
    hardware: str | None = None,
    engine: Engine = Engine.NONE,
    attn: AttentionImpl = AttentionImpl.SDPA,
    max_batched_tokens: int | None = None,
) -> FitResult:
    """The longest context at ``workload.batch`` and the largest batch at ``context`` (default:
    the spec's ``max_context``, else ``DEFAULT_CONTEXT_TOKENS``) on ``gpus`` devices of
    ``capacity_bytes`` each, keeping ``reserve`` on each. ``workload``'s context is unused.
    ``engine`` other than ``none``: solved on that engine's peak (module docstring)."""
    if engine is not Engine.NONE:
        return _fit_peak(
            architecture,
            workload,
            capacity_bytes,
            reserve,
            gpus,
            context,
            hardware,
            engine,
            attn,
            max_batched_tokens,
        )
    reserve_bytes, usable = _usable_bytes(capacity_bytes, reserve, gpus)
    spec = architecture.spec
    cache_memo: dict[int, int] = {}
    compiled = cost(architecture, workload).compiled  # any context: the fast path

    def cache_per_sequence(tokens: int) -> int:
        if tokens not in cache_memo:
            cache_memo[tokens] = compiled.at(tokens).cache_bytes
        return cache_memo[tokens]

    weights = weight_bytes(params_total(architecture, workload), workload.dtype)
    budget = usable - weights
    period = cache_period(architecture, workload)
    limit = spec.max_context if spec.max_context is not None else SEARCH_LIMIT_TOKENS

    def stride_before(tokens: int) -> list[int]:
        """The cache after each of the S lengths up to ``tokens``: one call of the compiled
        function for those not yet evaluated (S can be thousands: a chunk under vllm)."""
        lengths = range(max(0, tokens - period + 1), tokens + 1)
        missing = [n for n in lengths if n not in cache_memo]
        for n, totals in zip(missing, compiled.many(missing), strict=True):
            cache_memo[n] = totals.cache_bytes
        return [cache_memo[n] for n in lengths]

    def fits(tokens: int) -> bool:
        return workload.batch * cache_per_sequence(tokens) <= budget

    if budget >= 0 and fits(limit):
        stride_before(limit)  # what ``longest_fitting`` reads first when all fits up to it
    longest = longest_fitting(fits, limit, period) if budget >= 0 else None
    at = context if context is not None else (spec.max_context or DEFAULT_CONTEXT_TOKENS)
    peak = max(stride_before(at))
    if budget < 0:
        largest: int | None = 0
    else:
        largest = budget // peak if peak else None
    return _result(
        architecture,
        workload,
        hardware,
        gpus,
        capacity_bytes,
        reserve,
        reserve_bytes,
        weights,
        longest,
        limit,
        at,
        peak,
        largest,
    )


def _fit_peak(
    architecture: Architecture,
    workload: Workload,
    capacity_bytes: int,
    reserve: Reserve,
    gpus: int,
    context: int | None,
    hardware: str | None,
    engine: Engine,
    attn: AttentionImpl,
    max_batched_tokens: int | None,
) -> FitResult:
    """``fit`` on ``engine``'s peak: bisection on L (batch fixed), then on the batch (L fixed).
    The peak is split evenly over ``gpus`` devices like weights and cache. vLLM's chunk and
    sequence limits default to what ``vllm serve`` picks on this device."""
    reserve_bytes, usable = _usable_bytes(capacity_bytes, reserve, gpus)
    spec = architecture.spec

    chunk, sequences = vllm_batch_defaults(capacity_bytes, hardware or "")
    chunk = max_batched_tokens or chunk

    peaks: dict[tuple[int, int], PeakMemory] = {}  # the searches revisit a few points

    def peak_at(tokens: int, batch: int) -> PeakMemory:
        if (tokens, batch) not in peaks:
            at = replace(workload, context_tokens=tokens, batch=batch)
            peaks[tokens, batch] = engine_peak(architecture, at, engine, attn, chunk, sequences)
        return peaks[tokens, batch]

    weights = weight_term(architecture, workload).bytes
    budget = usable - weights
    limit = spec.max_context if spec.max_context is not None else SEARCH_LIMIT_TOKENS
    period = peak_period(architecture, workload, engine)

    def fits(tokens: int) -> bool:
        return peak_at(tokens, workload.batch).total_bytes <= usable

    longest = longest_fitting(fits, limit, period) if budget >= 0 else None
    at = context if context is not None else (spec.max_context or DEFAULT_CONTEXT_TOKENS)

    def on_the_way(batch: int) -> PeakMemory:
        """The largest peak of ``batch`` sequences on their way to ``at``: among the last S
        lengths (a larger one earlier recurs there, stride S), as ``peak_cache`` without an
        engine; under vllm a sliding window's pages fall and rise within S."""
        lengths = range(max(0, at - period + 1), at + 1)
        return max((peak_at(n, batch) for n in lengths), key=lambda p: p.total_bytes)

    def batch_fits(batch: int) -> bool:
        return on_the_way(batch).total_bytes <= usable

    peak = on_the_way(workload.batch)
    largest: int | None = 0
    if budget >= 0 and batch_fits(1):
        low, high = 1, 2
        while batch_fits(high):
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            if batch_fits(middle):
                low = middle
            else:
                high = middle
        largest = low
    cache_per_sequence = cost(
        architecture, replace(workload, context_tokens=at, batch=1)
    ).cache_bytes_per_sequence
    return _result(
        architecture,
        workload,
        hardware,
        gpus,
        capacity_bytes,
        reserve,
        reserve_bytes,
        weights,
        longest,
        limit,
        at,
        cache_per_sequence,
        largest,
        engine=str(engine) + (f" ({attn})" if engine is Engine.TRANSFORMERS else ""),
        peak=peak,
    )


def _usable_bytes(capacity_bytes: int, reserve: Reserve, gpus: int) -> tuple[int, int]:
    """The reserve per device and usable = gpus x (capacity - reserve); refuses fewer than one
    device and a reserve that leaves nothing."""
    if gpus < 1:
        raise LccostError(f"gpus must be 1 or more, not {gpus}")
    reserve_bytes = reserve.bytes_of(capacity_bytes)
    if reserve_bytes >= capacity_bytes:
        raise LccostError(
            f"the reserve ({reserve_bytes:,} bytes) leaves nothing of "
            f"{capacity_bytes:,} bytes per device"
        )
    return reserve_bytes, gpus * (capacity_bytes - reserve_bytes)


def _result(
    architecture: Architecture,
    workload: Workload,
    hardware: str | None,
    gpus: int,
    capacity_bytes: int,
    reserve: Reserve,
    reserve_bytes: int,
    weights: int,
    longest: int | None,
    limit: int,
    at: int,
    peak_cache_bytes_per_sequence: int,
    largest: int | None,
    engine: str = "none",
    peak: PeakMemory | None = None,
) -> FitResult:
    """The ``FitResult`` of either solver; ``peak`` (an engine's) fills the peak fields."""
    usable = gpus * (capacity_bytes - reserve_bytes)
    return FitResult(
        model=architecture.name,
        hardware=hardware,
        gpus=gpus,
        capacity_bytes=capacity_bytes,
        reserve=str(reserve),
        reserve_bytes=reserve_bytes,
        usable_bytes=usable,
        weight_bytes=weights,
        cache_budget_bytes=usable - weights,
        dtype=workload.dtype,
        kv_dtype=workload.effective_kv_dtype,
        accounting=workload.accounting,
        batch=workload.batch,
        longest_context=longest,
        context_limit=limit,
        limit_reason="max_context" if architecture.spec.max_context is not None else "search limit",
        context=at,
        peak_cache_bytes_per_sequence=peak_cache_bytes_per_sequence,
        largest_batch=largest,
        engine=engine,
        peak_bytes=None if peak is None else peak.total_bytes,
        peak_where=None if peak is None else f"{peak.phase}: {peak.where}",
        peak_dominant=None if peak is None else peak.dominant_activation.name,
        peak_terms=None
        if peak is None
        else [{"name": t.name, "bytes": t.bytes, "source": t.source} for t in peak.terms],
        not_modelled=None if peak is None else peak.not_modelled,
    )


def fit_many(
    architectures: Sequence[Architecture],
    workload: Workload,
    capacity_bytes: int,
    reserve: Reserve = DEFAULT_RESERVE,
    gpus: int = 1,
    context: int | None = None,
    hardware: str | None = None,
    engine: Engine = Engine.NONE,
    attn: AttentionImpl = AttentionImpl.SDPA,
    max_batched_tokens: int | None = None,
) -> list[FitResult]:
    """``fit`` for each architecture (the comparison table of ``lccost fit``)."""
    return [
        fit(
            a,
            workload,
            capacity_bytes,
            reserve,
            gpus,
            context,
            hardware,
            engine,
            attn,
            max_batched_tokens,
        )
        for a in architectures
    ]
