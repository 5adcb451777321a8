"""DeepSeek V4 attention: compressed sparse attention (CSA), heavily compressed attention (HCA),
and pure sliding-window layers, all shared-KV MQA with a sliding-window branch.

Symbols: D hidden, H query heads, c head dim (one K = V head), d_r rotary dims, r_q q_lora_rank,
g output groups of rank d_g, W window, m compression rate (CSA 4, HCA 128); CSA indexer: H_I
heads, D_I head dim, k top-k compressed entries. L context tokens.

Weights [parameters] (transformers 5.23.0 ``DeepseekV4Attention``; V4 report §2.3):
q_a D·r_q, q_b r_q·H·c, kv D·c, grouped o_a H·c·d_g (g groups of H·c/g -> d_g), o_b g·d_g·D.
Compressor: kv and gate projections, D·2c each for CSA (two overlapping series Ca, Cb), D·c each
for HCA. CSA indexer: its own compressor D·2D_I twice, q_b r_q·H_I·D_I, weights_proj D·H_I.
Without matrix work (no FLOPs): attention sinks H, the q and kv norms r_q + c; a compressor's
position bias m·w and kv norm c (w = 2c CSA, c HCA); the CSA indexer's m·2D_I and D_I.

Cache after L tokens [values]:
- window: min(L, W - 1) entries of c (K = V: one tensor; ``DeepseekV4HCACache.update`` keeps
  the last ``sliding_window - 1``; pure sliding layers store it twice in the reference, see
  ``V4SlidingAttention._window_copies``);
- compressed: floor(L/m) entries of c, plus for CSA floor(L/m) indexer keys of D_I;
- state (reference layout, ``DeepseekV4HCACache``/``CSACache``): the projections of the
  L mod m tokens since the last closed block, kv and gate (2·(L mod m)·w, w = 2c for CSA, c for
  HCA; 2·(L mod m)·2D_I for the CSA indexer), and for CSA, once a block has closed, the overlap
  state: the last block's Ca slice of kv and gate, 2·m·c (2·m·D_I for the indexer).
Per accounting: reference as above; full-context floor(L/m) entries (and keys) plus the window
branch's min(L, W) entries, once, and no compressor state: the V4 report counts the window as
its n_win tokens (``docs/accountings.md``); vllm ``vllm_v4_layout`` entries in 576/512 B-aligned
pages, 64-token window blocks, B = 256 compressed blocks, fp32 compressor state pages
(``vllm_v4_compressor_state_bytes``); llamacpp one stream per sequence whatever
``kv_unified`` (llama.cpp 0c1e57098 ``src/llama-kv-cache-dsv4.cpp:1243-1257``, ``:1287``), each
a window of pad(min(kv_size, W + n_ubatch), 256) cells and GGML_PAD(max(1, cdiv(kv_size, m)),
256) compressed cells (``compressed_entries``), state in the reference layout, counted once.
``--kv-dtype native`` (DeepSeek's inference code and vLLM): each entry 448 fp8 values with one
ue8m0 scale per 64, the 64 rotary dims in bf16, one pad byte = 584 B (V4 report §2.3.4 and
§3.5.1; vLLM ``deepseek_v4_attention.py``); indexer keys MXFP4 = 64 + 4 B = 68 B (V4 report
§5.2.1); compressor state in fp32.

Decode at L [FLOPs]: 2·(weights) + core attention 2·H·n·2c (QK over c, AV over c, K = V) over
n = min(L + 1, W) window keys plus the compressed entries the new token sees, e = floor((L+1)/m)
(an entry is visible once its block of m has closed; ``causal_threshold`` in
``DeepseekV4HCACompressor``): all e for HCA, min(e, k) for CSA (useful) or all e (executed: the
reference computes dense scores and masks). CSA indexer scoring: 2·H_I·D_I·e.

Prefill of L [FLOPs]: 2·(weights)·L + 2·H·2c·(Σ min(i, W) + Σ min(floor(i/m), k) or
Σ floor(i/m)) (useful), or 2·H·2c·L·(L + floor(L/m)) (executed: every query against the whole
prompt and every compressed entry, masked); indexer 2·H_I·D_I·Σ floor(i/m) (useful) or
2·H_I·D_I·L·floor(L/m) (executed).

References: DeepSeek-AI, "DeepSeek-V4: Towards Highly Efficient Million-Token Context
Intelligence" (2026) §2.3.1 (CSA), §2.3.2 (HCA), §2.3.4, §3.5.1, §5.2.1; transformers 5.23.0
models/deepseek_v4.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from pydantic import Field, model_validator

from lccost.accounting import (
    LLAMACPP_CONTEXT_PAD,
    LLAMACPP_SERVER,
    LlamaCppParams,
    bits,
    cdiv,
    no_vllm_cache,
    paging_period,
    round_up,
    vllm_indexer_key_bytes,
    vllm_page_bytes,
    vllm_pages,
    vllm_unsupported_device,
    window_tokens,
    window_tokens_rule,
)
from lccost.conventions import NATIVE_KV, Accounting
from lccost.errors import LccostError
from lccost.ledger import Ledger, PartCosts, Term, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.storage import StorageFormat
from lccost.strict import SpecModel

VLLM_V4_BLOCK_TOKENS = 256
"""The block size vLLM serves DeepSeek V4 with (``--block-size 256`` in its V4 recipe; a block
must hold whole compressed entries of 4 and 128 tokens)."""

VLLM_V4_SWA_BLOCK_TOKENS = 64
"""DeepSeek V4's sliding-window cache uses its own block of 64 tokens, whatever ``--block-size``
(vLLM 0.33.0 ``v1/attention/backends/mla/sparse_swa.py``, ``DeepseekV4SWACache(block_size=64)``,
which ``models/deepseek_v4/attention.py`` constructs without a block size)."""

VLLM_V4_PACKED_ALIGNMENT = 576
"""Page alignment of DeepSeek V4 caches in the ``fp8_ds_mla`` layout (the decode kernel's TMA
stride); ``VLLM_V4_PLAIN_ALIGNMENT`` otherwise (``models/deepseek_v4/attention.py``
``get_kv_cache_spec``: ``alignment=576 if uses_fp8_ds_mla_layout else 512``)."""

VLLM_V4_PLAIN_ALIGNMENT = 512


def compressed_entries(
    context_tokens: int,
    tokens_per_entry: int,
    accounting: Accounting,
    block_size: int,
    llamacpp: LlamaCppParams = LLAMACPP_SERVER,
) -> int:
    """Entry slots a compressed cache of one entry per m tokens (DeepSeek V4 CSA / HCA and the
    CSA indexer keys) holds after L tokens.

    reference, full-context: ``floor(L / m)`` (closed blocks only). vllm:
    ``cdiv(L, B) x (B // m)``; vLLM needs m to divide B (V4 is served with B = 256).
    llamacpp: ``GGML_PAD(max(1, cdiv(kv_size, m)), 256)`` per stream, one stream per sequence
    whatever ``kv_unified`` (llama.cpp 0c1e57098 ``src/llama-kv-cache-dsv4.cpp:28-29``,
    ``:1287``, ``:1294``, ``:1302``, ``:1310``).
    """
    return compressed_entries_rule(tokens_per_entry, accounting, block_size, llamacpp)(
        context_tokens
    )


def compressed_entries_rule(
    tokens_per_entry: int,
    accounting: Accounting,
    block_size: int,
    llamacpp: LlamaCppParams = LLAMACPP_SERVER,
) -> Callable[[int], int]:
    """``compressed_entries`` as a function of L, the accounting's branch chosen once (a
    mechanism's ``env.per_context``: the compiled fast path calls it at every point)."""
    m = tokens_per_entry
    # Refused at every L, 0 included: a layout vLLM cannot page is wrong at any context.
    if accounting is Accounting.VLLM and block_size % m:
        raise LccostError(
            f"--accounting vllm: a block of {block_size} tokens does not hold whole entries "
            f"of {m} tokens; vLLM pages DeepSeek V4 compressed caches in blocks that are a "
            f"multiple of {m} (it serves V4 with --block-size 256)"
        )
    if accounting is Accounting.VLLM:
        per_block = block_size // m
        return lambda L: cdiv(L, block_size) * per_block if L else 0
    if accounting is Accounting.LLAMACPP:

        def cells(L: int) -> int:
            if L == 0:
                return 0
            kv_size, _ = llamacpp.context_cells(L)
            return round_up(max(1, cdiv(kv_size, m)), LLAMACPP_CONTEXT_PAD) * llamacpp.n_seq_max

        return cells
    return lambda L: L // m


def vllm_v4_layout(head_dim: int, rope_dim: int, kv_dtype: str) -> tuple[int, int]:
    """``(entry bytes, page alignment)`` of a DeepSeek V4 cache entry (window and compressed)
    in vLLM.

    fp8 or ``native``: the ``fp8_ds_mla`` layout, ``c - d_r`` fp8 values, ``d_r`` bf16 rotary
    values, one ue8m0 scale per 64 fp8 values and 1 pad byte = 448 + 128 + 7 + 1 = 584 B for
    c = 512, d_r = 64, pages aligned to 576 B (vLLM 0.33.0
    ``v1/attention/backends/mla/flashmla_sparse.py`` layout note;
    ``models/deepseek_v4/attention.py`` ``_resolve_dsv4_kv_cache_dtype``, which refuses any
    other quantized dtype, and ``get_kv_cache_spec``: ``state_content_bytes=584``,
    ``alignment=576``). 16- and 32-bit dtypes: plain rows of c values (the FlashInfer sparse
    path), pages aligned to 512 B.
    """
    if kv_dtype in (NATIVE_KV, "fp8"):
        nope = head_dim - rope_dim
        return nope + 2 * rope_dim + nope // 64 + 1, VLLM_V4_PACKED_ALIGNMENT
    if bits(kv_dtype) >= 16:
        return head_dim * bits(kv_dtype) // 8, VLLM_V4_PLAIN_ALIGNMENT
    raise no_vllm_cache(kv_dtype, "DeepSeek V4; it serves fp8 (fp8_ds_mla) or 16-bit caches")


def vllm_v4_state_block_tokens(compress_rate: int, overlap: bool) -> int:
    """Tokens per page of a V4 compressor's state in vLLM: 4 (m = 4) or 8 (m = 128), else one
    block of ``coff x m`` (``vllm_v4_compressor_state_bytes``)."""
    return {4: 4, 128: 8}.get(compress_rate, (2 if overlap else 1) * compress_rate)


def vllm_v4_compressor_state_bytes(
    context_tokens: int, compress_rate: int, head_dim: int, alignment: int, overlap: bool
) -> int:
    """Bytes of one DeepSeek V4 compressor's state in vLLM after L tokens.

    vLLM keeps, per token, the fp32 kv and score projections, ``2 x coff x d`` values
    (``coff`` = 2 for the overlapping CSA compressor, else 1), in a sliding window of
    ``coff x m`` tokens, paged in blocks of 4 tokens (m = 4) or 8 (m = 128), pages aligned like
    the V4 caches (vLLM 0.33.0 ``models/deepseek_v4/compressor.py`` ``CompressorStateCache``:
    ``sliding_window = coff * compress_ratio``, ``block_size`` 4 / 8, ``state_dim = 2 * coff *
    head_dim``, float32; ``DeepseekCompressor``: ``overlap = compress_ratio == 4``). Held: the
    window rule of ``window_tokens``, in whole pages. ``d`` is the compressed head (512) for the
    attention compressor, ``D_I`` (128) for the indexer's. vLLM serves only m = 4 and 128; for
    another rate (a hypothetical spec) lccost pages the window in one block of ``coff x m``.
    """
    coff = 2 if overlap else 1
    block = vllm_v4_state_block_tokens(compress_rate, overlap)
    slots = window_tokens(context_tokens, coff * compress_rate, Accounting.VLLM, block)
    return slots // block * vllm_page_bytes(block, 2 * coff * head_dim * 4, alignment)


class V4CacheFormat(SpecModel):
    """Storage pinned for ``--kv-dtype native``: an entry's non-rotary and rotary parts, the pad
    bytes that align an entry, the indexer keys and the compressor state."""

    nope: StorageFormat | None = None
    rope: StorageFormat | None = None
    entry_pad_bytes: int = Field(0, ge=0)
    indexer_key: StorageFormat | None = None
    state: StorageFormat | None = None


class CompressedIndexer(SpecModel):
    """CSA's lightning indexer over compressed entries."""

    heads: int = Field(ge=1, description="H_I")
    head_dim: int = Field(ge=1, description="D_I")
    top_k: int = Field(ge=1, description="k: compressed entries each query attends to")


class _V4Attention(MechanismSpec):
    """What every V4 layer has: the attention projections and the sliding-window branch.

    Each accounting / FLOP-convention choice is made once, in the method named for it:
    ``_layout`` (entry bytes and page alignment per accounting), ``_window_held`` (window
    entries per accounting), ``_pages`` (vllm pages or plain entries), ``_window_part`` and
    ``_compressed_part`` (useful or executed FLOPs), ``_state`` (compressor buffers per
    accounting).
    """

    query_heads: int = Field(ge=1, description="H")
    head_dim: int = Field(ge=1, description="c: the single shared K = V head")
    rope_head_dim: int = Field(ge=0, description="d_r: rotary dims of the head")
    q_lora_rank: int = Field(ge=1, description="r_q")
    output_groups: int = Field(ge=1, description="g: groups of the grouped output projection")
    output_rank: int = Field(ge=1, description="d_g: each group's rank")
    window: int = Field(ge=1, description="W: the sliding-window branch, itself included")
    cache_format: V4CacheFormat | None = None

    @model_validator(mode="after")
    def _shapes(self) -> _V4Attention:
        if self.rope_head_dim > self.head_dim:
            raise ValueError(
                f"rope_head_dim ({self.rope_head_dim}) exceeds head_dim ({self.head_dim})"
            )
        if (self.query_heads * self.head_dim) % self.output_groups:
            raise ValueError(
                f"query_heads x head_dim ({self.query_heads * self.head_dim}) must "
                f"split evenly into output_groups ({self.output_groups})"
            )
        return self

    # --- weights ----------------------------------------------------------------------------

    def _vectors(self) -> Ledger:
        """Parameters without matrix work: sinks, norms, compressor position biases."""
        H, c, r_q = self.query_heads, self.head_dim, self.q_lora_rank
        base = ledger(term("sinks", "H", H=H), term("q_a_norm+kv_norm", "r_q + c", r_q=r_q, c=c))
        m = getattr(self, "compress_rate", None)
        if m is None:
            return base
        w = c if isinstance(self, HeavilyCompressedAttention) else 2 * c
        base += ledger(term("compressor.position_bias+kv_norm", "m*w + c", m=m, w=w, c=c))
        indexer = getattr(self, "indexer", None)
        if indexer is not None:
            base += ledger(
                term("indexer.position_bias+kv_norm", "m*2*D_I + D_I", m=m, D_I=indexer.head_dim)
            )
        return base

    def _base_params(self, D: int) -> Ledger:
        H, c, r_q, g, d_g = (
            self.query_heads,
            self.head_dim,
            self.q_lora_rank,
            self.output_groups,
            self.output_rank,
        )
        return ledger(
            term("q_a_proj", "D*r_q", D=D, r_q=r_q),
            term("q_b_proj", "r_q*H*c", r_q=r_q, H=H, c=c),
            term("kv_proj", "D*c", D=D, c=c),
            term("o_a_proj", "H*c*d_g", H=H, c=c, d_g=d_g),
            term("o_b_proj", "g*d_g*D", g=g, d_g=d_g, D=D),
        )

    def _weights_part(self, params: Ledger, env: LayerEnv) -> PartCosts:
        """The weights and their FLOPs: 2·P per token; the vectors (sinks, norms, position
        biases) hold parameters without FLOPs."""
        return PartCosts(
            params=params + self._vectors(),
            prefill_flops=weight_flops(params, env.context_tokens),
            decode_flops=weight_flops(params, 1),
        )

    # --- cache layout, per accounting -------------------------------------------------------

    def _format(self) -> V4CacheFormat:
        return self.cache_format or V4CacheFormat()

    def _layout(self, env: LayerEnv) -> tuple[int, int | None]:
        """(entry bytes, page alignment). vllm: ``vllm_v4_layout``. Otherwise the entry in the
        cache format (under ``native``, the pinned fp8 / bf16 parts and pad), no pages."""
        workload = env.workload
        if workload.accounting is Accounting.VLLM:
            # The 256-token pages are those of the sparse MLA devices (SM 9.0, 10.x;
            # lccost.accounting.vllm_pages); elsewhere refused.
            if workload.block_size is None and vllm_pages(workload.device).sparse_mla is None:
                raise vllm_unsupported_device(workload.device, "DeepSeek V4")
            return vllm_v4_layout(self.head_dim, self.rope_head_dim, workload.effective_kv_dtype)
        fmt = self._format()
        entry = env.workload.cache_entry_bytes(
            ((self.head_dim - self.rope_head_dim, fmt.nope), (self.rope_head_dim, fmt.rope)),
            pad_bytes=fmt.entry_pad_bytes,
        )
        return entry, None

    def _pages(
        self,
        name: str,
        slots_at: Callable[[int], int],
        entry: int,
        slots_per_page: int,
        env: LayerEnv,
    ) -> Term:
        """``slots_at(L)`` x ``entry`` bytes; under vllm, whole pages of ``slots_per_page``
        slots, each rounded up to the layout's alignment (``lccost.accounting.vllm_page_bytes``).
        """
        _, alignment = self._layout(env)
        if env.workload.accounting is Accounting.VLLM:
            return term(
                name,
                "p*s",
                p=env.per_context(lambda L: slots_at(L) // slots_per_page),
                s=vllm_page_bytes(slots_per_page, entry, alignment),
            )
        return term(name, "n*e", n=env.per_context(slots_at), e=entry)

    def _window_copies(self, env: LayerEnv) -> int:
        """Tensors the window branch stores: one (K = V share storage)."""
        return 1

    def _window_block_tokens(self, env: LayerEnv) -> int:
        """vLLM pages the window in its own 64-token blocks; llama.cpp pads it to 256 cells."""
        if env.workload.accounting is Accounting.VLLM:
            return VLLM_V4_SWA_BLOCK_TOKENS
        return env.block_size(VLLM_V4_BLOCK_TOKENS)

    def _window_held(self, env: LayerEnv) -> Callable[[int], int]:
        """Window entries held after L tokens, as a function of L. full-context: min(L, W), the
        V4 report's own count (its Fig. 1 KV ratios come out only with the window held as n_win
        entries: deepseek.md §4; docs/accountings.md). Otherwise the shared window rule
        (``lccost.accounting.window_tokens``)."""
        W, accounting, block = self.window, env.workload.accounting, self._window_block_tokens(env)
        if accounting is Accounting.FULL_CONTEXT:
            return lambda L: min(L, W)
        if accounting is Accounting.LLAMACPP:
            # llama.cpp keeps V4's window one stream per sequence, whatever kv_unified
            # (src/llama-kv-cache-dsv4.cpp:1243-1257).
            llamacpp = env.workload.llamacpp
            return lambda L: llamacpp.swa_cells(L, W, unified=False)
        return window_tokens_rule(W, accounting, block)

    def cache_period(self, env: LayerEnv) -> int:
        """The window's page (vllm) or padding (llamacpp); 1 otherwise."""
        return paging_period(env.workload.accounting, self._window_block_tokens(env))

    # --- the window branch ------------------------------------------------------------------

    def _window_part(self, env: LayerEnv) -> PartCosts:
        """Cache, traffic and attention FLOPs of the sliding-window branch."""
        L, W, H, c = env.context_tokens, self.window, self.query_heads, self.head_dim
        entry = self._layout(env)[0] * self._window_copies(env)
        held_at = self._window_held(env)
        prefill = (
            term("window_attn", "2*H*2*c*L*L", H=H, c=c, L=L)
            if env.executed
            else term("window_attn", "2*H*2*c*sum_window(L, W)", H=H, c=c, L=L, W=W)
        )
        return PartCosts(
            cache_bytes=ledger(
                self._pages("window_cache", held_at, entry, self._window_block_tokens(env), env)
            ),
            cache_read_bytes=ledger(
                term("window_read", "n*e", n=env.per_context(held_at), e=entry)
            ),
            cache_write_bytes=ledger(term("window_write", "e", e=entry)),
            decode_flops=ledger(term("window_attn", "2*H*2*c*min(L+1, W)", H=H, c=c, L=L, W=W)),
            prefill_flops=ledger(prefill),
        )

    # --- the compressed branch (CSA, HCA) ---------------------------------------------------

    def _compressed_period(self, env: LayerEnv, m: int, overlap: bool) -> int:
        """lcm of the window's period, m (the compressor frees its m - 1 buffered tokens when a
        block closes), the compressed cache's pages and, under vllm, the state's pages."""
        accounting = env.workload.accounting
        period = math.lcm(
            _V4Attention.cache_period(self, env),
            m,
            paging_period(accounting, env.block_size(VLLM_V4_BLOCK_TOKENS)),
        )
        if accounting is Accounting.VLLM:
            period = math.lcm(period, vllm_v4_state_block_tokens(m, overlap))
        return period

    def _state(
        self, env: LayerEnv, m: int, overlap: bool, indexer: CompressedIndexer | None
    ) -> Ledger:
        """The compressor buffers held after L tokens, per accounting.

        full-context: none (a fixed-size state). vllm: its fp32 state pages
        (``vllm_v4_compressor_state_bytes``; the indexer's compressor too). reference and
        llamacpp, the reference layout (module docstring): kv and gate of the L mod m open
        tokens, coff·(c + D_I) wide each (coff = 2 with overlap), and with overlap, once a
        block has closed, the last block's Ca slices, 2·m·(c + D_I).
        """
        c, accounting = self.head_dim, env.workload.accounting
        if accounting is Accounting.FULL_CONTEXT:
            return ledger()
        if accounting is Accounting.VLLM:
            alignment = self._layout(env)[1]
            assert alignment is not None  # vllm_v4_layout always aligns
            return ledger(
                term(
                    "compressor_state",
                    "s",
                    s=env.per_context(
                        lambda L: vllm_v4_compressor_state_bytes(L, m, c, alignment, overlap)
                    ),
                ),
                term(
                    "indexer_compressor_state",
                    "s",
                    s=env.per_context(
                        lambda L: vllm_v4_compressor_state_bytes(
                            L, m, indexer.head_dim, alignment, overlap
                        )
                    ),
                )
                if indexer
                else None,
            )
        width = c + (indexer.head_dim if indexer else 0)
        coff = 2 if overlap else 1
        state_bytes = env.workload.state_bytes_rule(self._format().state)

        def state_at(L: int) -> int:
            elements = 2 * (L % m) * coff * width + (2 * m * width if overlap and m <= L else 0)
            return state_bytes(elements)

        return ledger(term("compressor_state", "s", s=env.per_context(state_at)))

    def _indexer_key_bytes(self, env: LayerEnv, indexer: CompressedIndexer) -> int:
        """One indexer key: vLLM's fp8 key (``vllm_indexer_key_bytes``) under vllm, else D_I
        values in the cache format (MXFP4 pinned under ``native``)."""
        if env.workload.accounting is Accounting.VLLM:
            return vllm_indexer_key_bytes(indexer.head_dim)
        return env.workload.cache_entry_bytes(((indexer.head_dim, self._format().indexer_key),))

    def _compressed_part(
        self, env: LayerEnv, m: int, overlap: bool, indexer: CompressedIndexer | None
    ) -> PartCosts:
        """Compressed entries (with CSA's indexer keys), their compressor state, and attention
        over the e = floor((L + 1)/m) entries the new token sees: all of them (HCA; CSA
        executed) or the top-k (CSA useful), plus CSA's indexer scoring 2·H_I·D_I·e."""
        L, H, c = env.context_tokens, self.query_heads, self.head_dim
        entry = self._layout(env)[0]
        accounting, block = env.workload.accounting, env.block_size(VLLM_V4_BLOCK_TOKENS)
        llamacpp = env.workload.llamacpp
        held_at = compressed_entries_rule(m, accounting, block, llamacpp)  # refuses a bad block
        n = env.per_context(held_at)
        per_page = max(1, env.block_size(VLLM_V4_BLOCK_TOKENS) // m)
        closes = "((L+1)//m - L//m)"
        e_seen = "((L+1)//m)"
        k = indexer.top_k if indexer else None
        cache = ledger(self._pages("compressed_cache", held_at, entry, per_page, env))
        read = ledger(
            term("compressed_read", "min(n, k)*e", n=n, k=k, e=entry)
            if k
            else term("compressed_read", "n*e", n=n, e=entry)
        )
        write = ledger(term("compressed_write", f"e*{closes}", e=entry, L=L, m=m))
        if env.executed or k is None:
            # HCA attends every visible entry; the reference computes CSA's dense and masks.
            attend_decode = term("compressed_attn", f"2*H*2*c*{e_seen}", H=H, c=c, L=L, m=m)
        else:
            attend_decode = term(
                "compressed_attn", f"2*H*2*c*min({e_seen}, k)", H=H, c=c, L=L, m=m, k=k
            )
        if env.executed:
            attend_prefill = term("compressed_attn", "2*H*2*c*L*(L//m)", H=H, c=c, L=L, m=m)
        elif k is None:
            attend_prefill = term("compressed_attn", "2*H*2*c*sum_floor(L, m)", H=H, c=c, L=L, m=m)
        else:
            attend_prefill = term(
                "compressed_attn", "2*H*2*c*sum_min_floor(L, m, k)", H=H, c=c, L=L, m=m, k=k
            )
        score_decode = score_prefill = None
        if indexer is not None:
            H_I, D_I = indexer.heads, indexer.head_dim
            key = self._indexer_key_bytes(env, indexer)
            cache += ledger(self._pages("indexer_key_cache", held_at, key, per_page, env))
            read += ledger(term("indexer_key_read", "n*e", n=n, e=key))
            write += ledger(term("indexer_key_write", f"e*{closes}", e=key, L=L, m=m))
            # The q·k products only (lccost.conventions, lightning indexers); the reference's
            # weighting is elementwise, so executed counts the same.
            score_decode = term("indexer_scores", f"2*H_I*D_I*{e_seen}", H_I=H_I, D_I=D_I, L=L, m=m)
            score_prefill = (
                term("indexer_scores", "2*H_I*D_I*L*(L//m)", H_I=H_I, D_I=D_I, L=L, m=m)
                if env.executed
                else term("indexer_scores", "2*H_I*D_I*sum_floor(L, m)", H_I=H_I, D_I=D_I, L=L, m=m)
            )
        return PartCosts(
            cache_bytes=cache + self._state(env, m, overlap, indexer),
            cache_read_bytes=read,
            cache_write_bytes=write,
            decode_flops=ledger(score_decode, attend_decode),
            prefill_flops=ledger(score_prefill, attend_prefill),
        )


class V4SlidingAttention(_V4Attention):
    """``kind: v4_sliding``: only the sliding-window branch (V4-Flash layers 0-1, the MTP layer)."""

    kind: Literal["v4_sliding"] = "v4_sliding"

    def summary(self) -> str:
        return f"V4 sliding {self.query_heads}h x {self.head_dim}, window {self.window}"

    def _window_copies(self, env: LayerEnv) -> int:
        """Two under ``reference``: transformers 5.23.0 gives pure sliding layers a plain
        ``DynamicSlidingWindowLayer``, which stores the K = V tensor as keys and again as values
        (only ``DeepseekV4HCACache`` aliases ``values = keys``). One elsewhere."""
        return 2 if env.workload.accounting is Accounting.REFERENCE else 1

    def costs(self, env: LayerEnv) -> PartCosts:
        return self._weights_part(self._base_params(env.hidden_size), env) + self._window_part(env)


class HeavilyCompressedAttention(_V4Attention):
    """``kind: hca``: one entry per ``compress_rate`` tokens (128), attended densely."""

    kind: Literal["hca"] = "hca"
    compress_rate: int = Field(ge=2, description="m': tokens per compressed entry")

    def summary(self) -> str:
        return (
            f"HCA 1/{self.compress_rate} {self.query_heads}h x {self.head_dim}, "
            f"window {self.window}"
        )

    def cache_period(self, env: LayerEnv) -> int:
        return self._compressed_period(env, self.compress_rate, overlap=False)

    def costs(self, env: LayerEnv) -> PartCosts:
        D, c = env.hidden_size, self.head_dim
        params = self._base_params(D) + ledger(
            term("compressor.kv_proj", "D*c", D=D, c=c),
            term("compressor.gate_proj", "D*c", D=D, c=c),
        )
        return (
            self._weights_part(params, env)
            + self._window_part(env)
            + self._compressed_part(env, self.compress_rate, overlap=False, indexer=None)
        )


class CompressedSparseAttention(_V4Attention):
    """``kind: csa``: one entry per ``compress_rate`` tokens (4) from overlapping windows of 2m,
    of which a lightning indexer picks the top-k."""

    kind: Literal["csa"] = "csa"
    compress_rate: int = Field(ge=2, description="m: tokens per compressed entry")
    indexer: CompressedIndexer

    def summary(self) -> str:
        return (
            f"CSA 1/{self.compress_rate} top-{self.indexer.top_k} {self.query_heads}h x "
            f"{self.head_dim}, window {self.window}"
        )

    def cache_period(self, env: LayerEnv) -> int:
        return self._compressed_period(env, self.compress_rate, overlap=True)

    def context_problems(self, max_context: int) -> list[tuple[tuple[str, ...], str]]:
        """A top-k above the floor(max_context / m) entries selects nothing more."""
        most = max_context // self.compress_rate
        if self.indexer.top_k <= most:
            return []
        return [
            (
                ("indexer", "top_k"),
                f"top_k {self.indexer.top_k} exceeds the {most} entries "
                f"that exist at max_context {max_context} / "
                f"{self.compress_rate}",
            )
        ]

    def costs(self, env: LayerEnv) -> PartCosts:
        D, c, r_q = env.hidden_size, self.head_dim, self.q_lora_rank
        H_I, D_I = self.indexer.heads, self.indexer.head_dim
        params = self._base_params(D) + ledger(
            term("compressor.kv_proj", "D*2*c", D=D, c=c),
            term("compressor.gate_proj", "D*2*c", D=D, c=c),
            term("indexer.kv_proj", "D*2*D_I", D=D, D_I=D_I),
            term("indexer.gate_proj", "D*2*D_I", D=D, D_I=D_I),
            term("indexer.q_b_proj", "r_q*H_I*D_I", r_q=r_q, H_I=H_I, D_I=D_I),
            term("indexer.weights_proj", "D*H_I", D=D, H_I=H_I),
        )
        return (
            self._weights_part(params, env)
            + self._window_part(env)
            + self._compressed_part(env, self.compress_rate, overlap=True, indexer=self.indexer)
        )
