"""``fit``'s premise, checked by brute force: the strides it searches at.

``lccost fit`` bisects on L and then scans the S lengths before the first failure it found
(``lccost.fit.longest_fitting``); that is exact only if cache(L + S) >= cache(L) for every L,
with S the lcm of every layer's ``MechanismSpec.cache_period`` (``lccost.fit.cache_period``),
and, on ``--engine``, peak(L + S) >= peak(L) with S = ``lccost.fit.peak_period``. A stride
declared too small makes ``fit`` answer a context that does not fit, silently.

Every claim is checked here by evaluating the cache (the model's total, the quantity ``fit``
reads: ``CompiledModel.many``) at every L of a range set by the spec's own structure, not by
the declaration: every L up to three times the largest of its windows, chunks, compression
rates, page sizes (vLLM's block, its hybrid-raised block, DeepSeek V4's 64 and 256), llama.cpp's
256-cell padding, physical batch and the declared stride itself, and every L within two strides
of a longer length (a 64k window, the context where a llama.cpp sliding cache stops growing,
W x seqs + n_ubatch) and its double (``checked_lengths``). Layer by layer too, each mechanism at
its own declared stride. Then the engine peaks ``fit --engine`` bisects on, and the violations
found, derived by hand.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import pytest
from conftest import ANY_ATTENTION, architecture_of, ffn_specs, valid_specs
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from lccost import api
from lccost.accounting import (
    LLAMACPP_CONTEXT_PAD,
    LlamaCppParams,
    VllmDevice,
)
from lccost.compiled import compile_parts
from lccost.conventions import Accounting
from lccost.engine import compiled_model, cost, part_ledgers
from lccost.errors import LccostError
from lccost.fit import Reserve, cache_period, fit, peak_period
from lccost.mechanisms import AttentionSpec, FeedForwardSpec
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.mechanisms.compressed import VLLM_V4_BLOCK_TOKENS, VLLM_V4_SWA_BLOCK_TOKENS
from lccost.mechanisms.recurrent import vllm_hybrid_workload
from lccost.peak import AttentionImpl, Engine, engine_peak, unmodelled_reason
from lccost.spec.loader import shipped_specs
from lccost.spec.model import Architecture
from lccost.workload import Workload

SHIPPED = sorted(shipped_specs())

# (label, workload settings, cache dtypes): every accounting; vLLM at its own page and at
# explicit blocks (48 divides no window or chunk of a shipped spec, 256 is DeepSeek V4's);
# llama.cpp per entry point and with the knobs that change its cache. Cache dtypes: the default,
# ``native`` and one other; under llamacpp ``native`` is its F16 default (the same cache), so
# fp32 is the other, at the server's defaults (the knobs change which cells are held, a dtype
# only their bytes).
SETTINGS: list[tuple[str, dict[str, Any], tuple[str | None, ...]]] = [
    ("reference", {"accounting": "reference"}, (None, "native", "fp8")),
    ("full-context", {"accounting": "full-context"}, (None, "native", "fp8")),
    ("vllm", {"accounting": "vllm"}, (None, "native", "fp8")),
    ("vllm --block-size 48", {"accounting": "vllm", "block_size": 48}, (None, "native", "fp8")),
    ("vllm --block-size 256", {"accounting": "vllm", "block_size": 256}, (None, "native", "fp8")),
    ("llamacpp (server)", {"accounting": "llamacpp"}, (None, "fp32")),
    ("llamacpp (cli)", {"accounting": "llamacpp", "llamacpp": LlamaCppParams.cli()}, (None,)),
    (
        "llamacpp (library)",
        {"accounting": "llamacpp", "llamacpp": LlamaCppParams.library()},
        (None,),
    ),
    (
        "llamacpp --parallel 3",
        {"accounting": "llamacpp", "llamacpp": LlamaCppParams.server(parallel=3)},
        (None,),
    ),
    (
        "llamacpp --parallel 2 --kv-unified --swa-full",
        {
            "accounting": "llamacpp",
            "llamacpp": LlamaCppParams.server(parallel=2, kv_unified=True, swa_full=True),
        },
        (None,),
    ),
]


def _mechanisms(architecture: Architecture) -> Iterator[MechanismSpec]:
    mtp = architecture.spec.mtp
    extra = mtp.layers if mtp is not None and mtp.counted else []
    for layer in (*architecture.layers, *extra):
        yield layer.attention
        yield layer.ffn


def _fields(node: object, names: set[str]) -> Iterator[int]:
    """Every integer under a key in ``names``, anywhere in a dumped spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in names and isinstance(value, int):
                yield value
            yield from _fields(value, names)
    elif isinstance(node, list):
        for value in node:
            yield from _fields(value, names)


def structural_tokens(architecture: Architecture, workload: Workload) -> list[int]:
    """The lengths [tokens] at which some count in the cache changes its pattern, from the spec
    and the accounting's rules (``lccost.accounting``), not from any ``cache_period``."""
    dumped = [m.model_dump() for m in _mechanisms(architecture)]
    spans = [
        *_fields(
            dumped,
            {"window", "chunk", "compress_rate", "conv_kernel", "chunk_size", "block_size"},
        )
    ]
    accounting = workload.accounting
    if accounting is Accounting.VLLM:
        raised, _ = vllm_hybrid_workload(
            architecture.layers, architecture.spec.hidden_size, workload
        )
        spans += [16, 32, 64, VLLM_V4_SWA_BLOCK_TOKENS, VLLM_V4_BLOCK_TOKENS]
        spans += [b for b in (workload.block_size, raised.block_size) if b is not None]
    if accounting is Accounting.LLAMACPP:
        params = workload.llamacpp
        seqs, streams = (params.n_seq_max, 1) if params.kv_unified else (1, params.n_seq_max)
        # (n_ubatch is min(n_ctx, n_batch = 2048, --ubatch-size): it changes at n_ctx only)
        spans += [LLAMACPP_CONTEXT_PAD * params.n_seq_max, params.n_ubatch]
        # A sliding cache grows until a stream's kv_size reaches W x seqs + n_ubatch, at a
        # context of that x the streams (DeepSeek V4 keeps one stream per sequence).
        for w in _fields(dumped, {"window", "chunk"}):
            spans += [
                (w * seqs + params.n_ubatch) * streams,
                (w + params.n_ubatch) * params.n_seq_max,
            ]
    return spans


SMALL_TOKENS = 4096
"""Structural lengths up to this are scanned at every L up to three times the largest; a
longer one (a 64k window, an 8k chunk, where llama.cpp's sliding cache stops growing) at every
L within two strides (at least 512 tokens) of it and of its double."""


def checked_lengths(architecture: Architecture, workload: Workload, stride: int) -> list[int]:
    """Every L whose cache(L + S) >= cache(L) is checked (``SMALL_TOKENS``)."""
    spans = structural_tokens(architecture, workload)
    small = max([stride, *(p for p in spans if p <= SMALL_TOKENS)])
    lengths = set(range(3 * small + 1))
    radius = 2 * max(stride, 256)
    for p in (p for p in spans if p > SMALL_TOKENS):
        for k in (1, 2):
            lengths.update(range(max(0, k * p - radius), k * p + radius + 1))
    return sorted(lengths)


def violations(lengths: Sequence[int], cache: Any, stride: int) -> list[tuple[int, int, int]]:
    """(L, cache(L), cache(L + S)) for each L of ``lengths`` with cache(L + S) < cache(L);
    ``cache`` a compiled function (``CompiledModel``) and its count of contexts evaluated."""
    points = sorted({*lengths, *(L + stride for L in lengths)})
    values = dict(zip(points, (t.cache_bytes for t in cache.many(points)), strict=True))
    return [(L, values[L], values[L + stride]) for L in lengths if values[L + stride] < values[L]]


def layer_cache_functions(
    architecture: Architecture, workload: Workload
) -> list[tuple[MechanismSpec, int, Any]]:
    """Each distinct decoder-layer mechanism that holds a cache, its declared period under the
    env ``fit`` asks it in (``lccost.fit.cache_period``), and its cache alone as a compiled
    function of L."""
    D = architecture.spec.hidden_size
    layer_workload, token_bytes = vllm_hybrid_workload(architecture.layers, D, workload)
    env = LayerEnv(D, layer_workload, attention_token_bytes=token_bytes)
    layers, _ = part_ledgers(architecture, replace(workload, context_tokens=0), compiling=True)
    found: dict[int, tuple[MechanismSpec, int, Any]] = {}
    for costs, layer in zip(layers, architecture.layers, strict=True):
        for part, mechanism in ((costs.attention, layer.attention), (costs.ffn, layer.ffn)):
            if id(part) in found or not part.cache_bytes.terms:
                continue
            compiled = compile_parts(((part, 1),), workload.dtype)
            found[id(part)] = (mechanism, mechanism.cache_period(env), compiled)
    return list(found.values())


def check_cache_strides(
    architecture: Architecture, workload: Workload, per_layer: bool = True
) -> None:
    """Asserts the model's cache, and with ``per_layer`` each layer's, are monotone at their
    declared strides at every checked length."""
    stride = cache_period(architecture, workload)
    lengths = checked_lengths(architecture, workload, stride)
    bad = violations(lengths, compiled_model(architecture, workload)[0], stride)
    assert not bad, (
        f"the model's cache falls at stride {stride}: (L, cache(L), cache(L + S)) {bad[:3]}"
    )
    if not per_layer:
        return
    # The model's stride is a multiple of every layer's; each layer's own claim holds alone.
    for mechanism, period, layer in layer_cache_functions(architecture, workload):
        assert stride % period == 0, (mechanism.summary(), period, stride)
        bad = violations(lengths, layer, period)
        assert not bad, f"{mechanism.summary()} falls at its stride {period}: {bad[:3]}"


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_cache_is_monotone_at_its_declared_stride(name: str) -> None:
    architecture = api.load(name)
    checked = refused = 0
    for _, settings_, dtypes in SETTINGS:
        seen = set()
        for kv_dtype in dtypes:
            try:
                workload = api.make_workload(0, kv_dtype=kv_dtype, **settings_)
                compiled = compiled_model(architecture, workload)[0]
                # a dtype that holds the same bytes as one checked (native where the spec pins
                # no format) is the same function of L: not checked again
                sample = tuple(t.cache_bytes for t in compiled.many([1, 1001, 100_003]))
            except LccostError:
                # vLLM pages DeepSeek V4 only in blocks of whole compressed entries, and has no
                # fp8 head-dim-512 page on Hopper that lccost models (Gemma 4): refused at
                # every L, so fit never searches them.
                refused += 1
                continue
            if sample in seen:
                continue
            seen.add(sample)
            # A cache dtype changes the bytes of an entry or a state, not which are held: each
            # layer's own claim is checked in the default dtype (at every explicit vLLM block
            # and llama.cpp knob, whose strides the model's lcm could hide), the model's in
            # every dtype.
            check_cache_strides(architecture, workload, per_layer=kv_dtype is None)
            checked += 1
    assert checked >= len(SETTINGS), (checked, refused)


# --- generated specs ----------------------------------------------------------------------


@st.composite
def specs_with_mtp(draw: st.DrawFn) -> dict[str, Any]:
    """``valid_specs``, with a counted MTP layer of any mechanism half the time: its cache is
    part of the model's (``lccost.mechanisms.mtp``)."""
    spec = draw(valid_specs())
    if draw(st.booleans()):
        layer = {"attention": draw(ANY_ATTENTION), "ffn": draw(ffn_specs())}
        spec["mtp"] = {"counted": True, "layers": [layer]}
    return spec


LLAMACPP_PARAMS = st.sampled_from(
    [
        LlamaCppParams.server(),
        LlamaCppParams.cli(),
        LlamaCppParams.library(),
        LlamaCppParams.server(parallel=3),
        LlamaCppParams.server(parallel=2, kv_unified=True),
        LlamaCppParams.server(ubatch=100),
    ]
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    spec=specs_with_mtp(),
    accounting=st.sampled_from(list(Accounting)),
    block_size=st.sampled_from([None, 1, 4, 16, 48, 256]),
    kv_dtype=st.sampled_from([None, "native", "fp8", "fp32", "int4"]),
    llamacpp=LLAMACPP_PARAMS,
    blackwell=st.booleans(),
)
def test_every_generated_cache_is_monotone_at_its_declared_stride(
    spec: dict[str, Any],
    accounting: Accounting,
    block_size: int | None,
    kv_dtype: str | None,
    llamacpp: LlamaCppParams,
    blackwell: bool,
) -> None:
    # Windows, chunks, compressed caches, fixed states, KV sharing, MTP, under every accounting,
    # vLLM block and device (Blackwell pages dense MLA in 32) and llama.cpp entry point.
    try:
        architecture = architecture_of(spec)
        workload = Workload(
            0,
            accounting=accounting,
            kv_dtype=kv_dtype,
            block_size=block_size,
            llamacpp=llamacpp,
            vllm_device=VllmDevice("B200", (10, 0)) if blackwell else None,
        )
        compiled_model(architecture, workload)[0].at(1)
    except (LccostError, ValueError):
        reject()  # a dtype or block the accounting refuses, at every L
    if cache_period(architecture, workload) > 20_000:
        reject()  # an lcm of unrelated chunks and blocks: too long to scan here
    check_cache_strides(architecture, workload)


def _kinds(union: object) -> set[str]:
    members = typing.get_args(typing.get_args(union)[0])
    return {member.model_fields["kind"].default for member in members}


def test_the_strategies_draw_every_mechanism_kind() -> None:
    # The generated specs above reach every mixer and feed-forward block of the unions.
    mixers: set[str] = set()
    feed_forwards: set[str] = set()

    @settings(max_examples=400)
    @given(ANY_ATTENTION, ffn_specs())
    def draw(mixer: dict[str, Any], feed_forward: dict[str, Any]) -> None:
        mixers.add(mixer["kind"])
        feed_forwards.add(feed_forward["kind"])

    draw()
    assert (mixers, feed_forwards) == (_kinds(AttentionSpec), _kinds(FeedForwardSpec))


# --- engine peaks -------------------------------------------------------------------------

PEAK_SPECS = [
    name
    for name in SHIPPED
    if all(unmodelled_reason(api.load(name), e) is None for e in (Engine.TRANSFORMERS, Engine.VLLM))
]


def test_the_peak_is_modelled_for_some_shipped_specs() -> None:
    # Gemma 4 (four variants each) and Llama 3.1; the others' mechanisms have no peak model.
    assert "llama-3.1-8b" in PEAK_SPECS and "gemma-4-e2b" in PEAK_SPECS


@pytest.mark.parametrize("name", PEAK_SPECS)
@pytest.mark.parametrize(
    "settings_",
    [
        {"accounting": "reference"},
        {"accounting": "vllm"},
        {"accounting": "vllm", "block_size": 48},
    ],
    ids=["reference", "vllm", "vllm-48"],
)
def test_the_vllm_peak_is_monotone_at_the_stride_fit_searches(
    name: str, settings_: dict[str, Any]
) -> None:
    # fit --engine vllm bisects on this peak whatever --accounting says: weights + the paged
    # cache (--accounting vllm) + one chunk's activations + the sampler's logits. Batch 3:
    # the chunk of 2,048 tokens is full from L = 683 on.
    architecture = api.load(name)
    workload = api.make_workload(0, 3, **settings_)
    stride = peak_period(architecture, workload, Engine.VLLM)
    windows = [layer.attention.sliding_window() for layer in architecture.layers]
    last = 3 * max([stride, 683, *(w for w in windows if w is not None)])
    peaks = [
        engine_peak(architecture, replace(workload, context_tokens=L), Engine.VLLM).total_bytes
        for L in range(last + stride + 1)
    ]
    assert all(peaks[L + stride] >= peaks[L] for L in range(last + 1))


def _around(points: Sequence[int], radius: int) -> list[int]:
    return sorted({L for p in points for L in range(max(0, p - radius), p + radius + 1)})


@pytest.mark.parametrize("name", PEAK_SPECS)
@pytest.mark.parametrize("attn", list(AttentionImpl))
def test_the_transformers_peak_is_monotone_at_the_stride_fit_searches(
    name: str, attn: AttentionImpl
) -> None:
    # Every term grows with L; what changes at a sliding window W (its mask is materialised,
    # SDPA converts it and repeats K/V from L = W on) is checked at every L around W and 2W,
    # the first lengths and around 128k. (A walk over every layer per L: too slow for every L.)
    architecture = api.load(name)
    workload = api.make_workload(0, 2)
    stride = peak_period(architecture, workload, Engine.TRANSFORMERS)
    windows = [w for layer in architecture.layers if (w := layer.attention.sliding_window())]
    lengths = _around([0, *windows, *(2 * w for w in windows), 131072], 24)

    def peak(tokens: int) -> int:
        at = replace(workload, context_tokens=tokens)
        return engine_peak(architecture, at, Engine.TRANSFORMERS, attn).total_bytes

    peaks = {L: peak(L) for L in {*lengths, *(L + stride for L in lengths)}}
    assert all(peaks[L + stride] >= peaks[L] for L in lengths)


# --- the violations found, by hand ----------------------------------------------------------

# One layer of full attention (H = K = 1, d = 8) and one sliding window of W = 5, D = 16,
# V = 10 tied, dense gated MLPs of I = 8. Weights: per layer q, k, v, o 4 x 128 = 512 and MLP
# 3 x 16 x 8 = 384; two layers 1,792 + embedding 160 = 1,952 parameters, 3,904 bytes in bf16.
# One token's K and V in one layer: 2 x 1 x 8 values x 2 bytes = 32 bytes.
TINY = """\
name: tiny
hidden_size: 16
vocab_size: 10
tie_word_embeddings: true
layers:
  - attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8}
    ffn: {kind: dense, intermediate_size: 8}
  - attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8, window: 5}
    ffn: {kind: dense, intermediate_size: 8}
"""
WEIGHTS, ENTRY = 3904, 32


def test_fit_on_the_vllm_engine_searches_the_paged_cache_s_stride(write_spec: Any) -> None:
    # fit --engine vllm --accounting reference: the vLLM peak holds the vLLM-paged cache
    # whatever the accounting, so fit must search at that cache's stride (the page), not the
    # reference cache's (1). Blocks of 4: layer 0 holds cdiv(L, 4) x 4 slots; layer 1 frees
    # the blocks wholly before its last W - 1 = 4 tokens (lccost.accounting):
    #   L = 1..4: 4 + 4 = 8;  L = 5..7: 8 + 8 = 16;  L = 8: 8 + 4 = 12;  L = 9..11: 20.
    # Peak = weights 3,904 + cache + one chunk's activations, a chunk of 1 token:
    # (2 x 16 + 3 x 8) x 2 = 112 + the sampler's logits, 256 sequences x 10 x 4 = 10,240.
    # Room for 12 slots: L = 8 fits but 5, 6 and 7 on the way do not: the longest context is 4.
    # (The bisection from 2^40 halves down to the boundary fits(8), not fits(9); with a
    # stride of 1 it took 8.)
    architecture = api.load(write_spec(TINY, "tiny.yaml"))
    workload = api.make_workload(0, accounting="reference", block_size=4)
    room = WEIGHTS + 112 + 10240 + 12 * ENTRY
    result = fit(
        architecture,
        workload,
        room,
        Reserve(size_bytes=0),
        engine=Engine.VLLM,
        max_batched_tokens=1,
        context=8,
    )
    assert result.weight_bytes == WEIGHTS
    assert result.longest_context == 4
    assert peak_period(architecture, workload, Engine.VLLM) == 4


def test_the_largest_batch_on_the_vllm_engine_counts_the_peak_on_the_way(
    write_spec: Any,
) -> None:
    # As above (blocks of 4, chunks of 1 token): b sequences at L hold b x slots(L) x 32 bytes.
    # At L = 8 a sequence holds 12 slots, but on the way, at L = 5..7, 16. Room for 36 slots:
    # 3 sequences fit after 8 tokens (36), only 2 on the way there (3 x 16 = 48 > 36).
    architecture = api.load(write_spec(TINY, "tiny.yaml"))
    workload = api.make_workload(0, accounting="vllm", block_size=4)
    result = fit(
        architecture,
        workload,
        WEIGHTS + 112 + 10240 + 36 * ENTRY,
        Reserve(size_bytes=0),
        engine=Engine.VLLM,
        max_batched_tokens=1,
        context=8,
    )
    assert result.largest_batch == 2
    # the peak reported is the largest on the way: 16 slots of one sequence at L = 5..7
    assert result.peak_bytes == WEIGHTS + 112 + 10240 + 16 * ENTRY


MTP_CHUNKED = """\
name: mtp-chunked
hidden_size: 16
vocab_size: 10
tie_word_embeddings: true
max_context: 1000
layers:
  - attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8}
    ffn: {kind: dense, intermediate_size: 8}
mtp:
  counted: true
  layers:
    - attention: {kind: chunked_attention, query_heads: 1, kv_heads: 1, head_dim: 8, chunk: 4}
      ffn: {kind: dense, intermediate_size: 8}
"""


def test_fit_counts_the_stride_of_an_mtp_layer_s_cache(write_spec: Any) -> None:
    # vLLM, blocks of 1: the decoder's full layer holds L tokens, the counted MTP layer (its
    # cache is part of the model's, lccost.mechanisms.mtp) a chunked one of C = 4, which holds
    # the L mod 4 tokens of its current chunk (chunked.py). 32 bytes a token:
    #   cache(L) = 32 x (L + L mod 4): L = 0..8 -> 0, 64, 128, 192, 128, 192, 256, 320, 256.
    # The stride is lcm(1, lcm(C, B) = 4) = 4, and the peak on the way to L = 4 is 192 (L = 3).
    architecture = api.load(write_spec(MTP_CHUNKED, "mtp.yaml"))
    workload = api.make_workload(0, accounting="vllm", block_size=1)
    held = [
        cost(architecture, replace(workload, context_tokens=L)).kv_cache_bytes for L in range(9)
    ]
    assert held == [0, 64, 128, 192, 128, 192, 256, 320, 256]
    assert cache_period(architecture, workload) == 4
    weights = cost(architecture, workload).params_total * 2
    # Room for 500 tokens' entries: L + L mod 4 <= 500 up to L = 498; L = 499 holds 502, and
    # L = 500 holds 500 again. The bisection (limit 1000) tries 500 first, which fits, and ends
    # on fits(500), not fits(501); the 4 lengths before 501 show 499 failing: 498.
    result = fit(architecture, workload, weights + 32 * 500, Reserve(size_bytes=0), context=4)
    assert result.longest_context == 498
    assert result.peak_cache_bytes_per_sequence == 192


CHUNKED = """\
name: chunked
hidden_size: 16
vocab_size: 10
tie_word_embeddings: true
layers:
  - attention: {kind: chunked_attention, query_heads: 1, kv_heads: 1, head_dim: 8, chunk: 100}
    ffn: {kind: dense, intermediate_size: 8}
"""


@pytest.mark.parametrize(
    ("params", "cells"),
    [
        # llama-server defaults: 4 sequences, unified: pad(min(1024, 100 x 4 + 512), 256)
        (LlamaCppParams.server(), 1024),
        # llama-cli: 1 sequence, one stream: pad(min(1024, 100 + 512), 256)
        (LlamaCppParams.cli(), 768),
        # --parallel 2, not unified: kv_size = pad(1024 / 2, 256) = 512 per stream, two streams,
        # each pad(min(512, 100 + 512), 256) = 512
        (LlamaCppParams.server(parallel=2), 1024),
        # the library: swa_full, the whole kv_size
        (LlamaCppParams.library(), 1024),
        # --parallel 2 --kv-unified: pad(min(1024, 100 x 2 + 512), 256) = 768
        (LlamaCppParams.server(parallel=2, kv_unified=True), 768),
    ],
)
def test_a_chunked_layer_follows_the_llamacpp_knobs(
    write_spec: Any, params: LlamaCppParams, cells: int
) -> None:
    # llama.cpp sizes a chunked layer's cache (LLAMA_SWA_TYPE_CHUNKED) as any sliding cache
    # of n_swa = C (src/llama-kv-cache-iswa.cpp:73-81): per stream GGML_PAD(min(kv_size,
    # C x (unified ? n_seq_max : 1) + n_ubatch), 256). -c 1000: n_ctx = 1024, n_ubatch 512.
    # F16: 32 bytes a cell.
    architecture = api.load(write_spec(CHUNKED, "chunked.yaml"))
    workload = api.make_workload(1000, accounting="llamacpp", llamacpp=params)
    assert cost(architecture, workload).kv_cache_bytes == 32 * cells
