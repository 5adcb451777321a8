"""Accounting modes: how much of a layer's cache is counted after L tokens; the rules shared by
several mechanisms (block rounding, window rules, page bytes, shared vLLM layouts).

Each mechanism knows what one cached token (or one compressed entry, or one fixed-size state)
holds; how many of them are counted, and in which layout, depends on which cache is described.
"After L tokens" is the state between decode steps once L tokens have been processed (see
``lccost.conventions``). Every rule is written once, below, with its source.

``reference`` (default): what the Hugging Face transformers 5.23.0 reference implementation holds
    in its ``DynamicCache``, to the byte.
    - full attention: all L tokens;
    - sliding window W: ``min(L, W - 1)``: ``DynamicSlidingWindowLayer`` keeps the last
      ``sliding_window - 1`` tokens after each update, since the next token makes W
      (transformers 5.23.0 ``cache_utils.py``, ``DynamicSlidingWindowLayer.update``);
    - compressed entries (DeepSeek V4, m tokens each): ``floor(L / m)``, one per closed block
      (``lccost.mechanisms.compressed.compressed_entries``);
    - fixed-size states (conv, compressor buffers): counted, in the reference layout.

``full-context``: the back-of-envelope formula of a mechanism's own publications, defined per
    mechanism in one table, ``docs/accountings.md``: no page rounding, padding or fixed-size
    state; a standard attention layer holds all L tokens (its window ignored: the textbook
    formula), a compressed cache ``floor(L / m)`` entries, DeepSeek V4's window branch its
    ``min(L, W)`` tokens (the V4 report counts it so); layers that read another layer's cache
    hold nothing. A recurrent layer (Mamba2, delta rule, short conv), whose only cache is a
    state, holds that state, its conv k - 1 steps (``lccost.mechanisms.recurrent``).

``vllm``: what vLLM's paged allocator holds for one sequence in steady decode, read in vLLM
    0.33.0 (PyPI wheel, ``vllm/_version.py`` commit ``4ba787ec9``); paths below are inside
    ``vllm/``. Blocks count tokens, ``block_size`` B of them: ``--block-size`` if given, else
    what vLLM's backend selection picks for the mechanism on the device (``--hardware``'s CUDA
    capability; without it Hopper, SM 9.0): ``vllm_pages`` (16 for attention, 64 for sparse
    MLA, dense MLA 16 or 32 on Blackwell) and DeepSeek V4's 256 (``lccost.mechanisms.compressed``).
    - full attention / MLA: ``cdiv(L, B)`` blocks of B token slots
      (``v1/core/single_type_kv_cache_manager.py:214`` ``allocate_new_blocks``:
      ``num_required_blocks = cdiv(num_tokens, self.block_size)``);
    - sliding window W: once L tokens are computed, ``get_num_skipped_tokens(L) =
      max(0, L - W + 1)`` tokens are outside the window of the next token
      (``single_type_kv_cache_manager.py:1148-1183``; its ``extra_retained_tokens`` is 0
      without multi-module speculative decoding), and ``remove_skipped_blocks`` frees the
      blocks ``[0, skipped // B)``: whole blocks wholly before the window (``:682-720``).
      Held: ``cdiv(L, B) - skipped // B`` blocks. (``SlidingWindowSpec.max_memory_usage_bytes``,
      the admission bound with ``max_num_batched_tokens`` and "+1 block", is a peak during
      chunked prefill, not this.)
    - compressed entries, ``tokens_per_state`` m (DeepSeek V4 ``MLAAttentionSpec``): a block of B
      tokens holds ``B // m`` entries (``v1/kv_cache_interface.py:272-275``
      ``KVCacheSpec.get_num_kernel_states``), so ``cdiv(L, B) * (B // m)`` entry slots;
    - page bytes: ``entries per page x entry bytes`` (``kv_cache_interface.py:593``
      ``unpadded_page_size_bytes``), rounded up to the spec's ``alignment`` where it has one
      (``kv_cache_interface.py:719-725`` ``_apply_alignment_padding``: DeepSeek V4 pages, 576 B
      for the ``fp8_ds_mla`` layout, 512 B otherwise, ``models/deepseek_v4/attention.py:877``);
    - layers with ``kv_sharing_target_layer_name`` get no cache spec at all
      (``v1/worker/gpu_model_runner.py:7097-7100``: "We skip creating a KVCacheSpec for it"),
      so a KV-sharing layer holds nothing (vLLM PR #18212);
    - entry layouts that differ from the element dtype, shared by several mechanisms:
      ``vllm_kv_scale_bytes`` (attention, CCA), ``vllm_indexer_key_bytes`` (both DeepSeek
      indexers), ``vllm_hybrid_block_size`` (a state padded to one attention page). A layout of
      one mechanism lives in its module, as vLLM's spec classes own their page sizes:
      ``lccost.mechanisms.mla.vllm_mla_entry_bytes``, ``lccost.mechanisms.compressed``
      ``vllm_v4_layout`` and ``vllm_v4_compressor_state_bytes``. ``--kv-dtype native`` is
      vLLM's own format for the mechanism (``fp8_ds_mla`` for DeepSeek MLA and V4).
    Not modelled (``docs/accountings.md``, "What the engine accountings leave out"): the
    cross-group page unification of hybrid models (``v1/core/kv_cache_planning.py:346``
    ``unify_kv_cache_spec_page_size`` may scale a smaller page's block size up to the largest
    page, e.g. Gemma 4's sliding layers to 2B) and the padding layers added to equalise group
    sizes (``:416`` ``_get_kv_cache_groups_uniform_page_size``); the block-outermost layout's
    per-block padding to the lcm of the layers' stride alignments (``:574-605``
    ``_get_kv_cache_bytes_per_block``, ``v1/kv_cache_interface.py:224-234``
    ``get_block_stride_alignment``, set to a row by the sparse MLA backends'
    ``align_blocks_to_rows``; DeepSeek V3.2's 656 B and 132 B rows: lcm 21,648 B);
    prefix caching's ``mamba_cache_mode = "align"`` for hybrid models
    (``model_executor/models/config.py:763-765``: two or more state pages per request) and the
    ``backend_block_alignment`` rounding of hybrid block sizes
    (``platforms/interface.py:1076-1104``); all depend on the whole model, the pool or options.

``llamacpp``: what llama.cpp allocates for ``-c L``, read in ggml-org/llama.cpp commit
    ``0c1e57098`` (vendored by llama-cpp-python 0.3.36; paths below are inside llama.cpp). The
    allocation depends on the entry point's knobs (``LlamaCppParams``): ``n_seq_max``
    (``--parallel``), ``kv_unified``, ``swa_full`` and ``n_ubatch`` (``--ubatch-size``). Their
    defaults differ by entry point:

    ===============================  ========  ==========  ========  ========
    entry point                      parallel  kv_unified  swa_full  n_ubatch
    ===============================  ========  ==========  ========  ========
    llama-server (lccost's default)  4 (auto)  true        false     512
    llama-cli, llama-completion      1         false       false     512
    C library, llama-cpp-python      1         false       true      512
    ===============================  ========  ==========  ========  ========

    Sources: llama-server ``common/arg.cpp:1403`` (``n_parallel = -1``, auto),
    ``tools/server/server.cpp:156-161`` (auto: 4 slots and ``kv_unified = true``),
    ``common/common.h:454,574``; llama-cli ``common/common.h:454,457,574,575``; the library
    ``src/llama-context.cpp:3756-3789`` (``llama_context_default_params``: ``n_seq_max`` 1,
    ``n_ubatch`` 512, ``swa_full`` true, ``kv_unified`` false), which llama-cpp-python keeps
    unless given (``llama_cpp/llama.py:77,97,363-364``).

    An explicit ``--parallel N`` on llama-server leaves ``kv_unified`` false (only "auto" turns
    it on, ``server.cpp:156-161``; ``--kv-unified`` sets it, ``common/arg.cpp:1724``).
    K and V are ``type_k`` / ``type_v``, F16 unless given (``common/common.h:589-590``,
    ``llama-context.cpp:3780-3781``); its other cache types are quantized blocks (q8_0, q4_0,
    ...: ``common/arg.cpp:304-314``) that lccost does not model.

    - context: ``n_ctx = GGML_PAD(L, 256)`` (``src/llama-context.cpp:290``); per sequence
      ``n_ctx_seq = n_ctx`` when unified, else ``GGML_PAD(n_ctx / n_seq_max, 256)``
      (``llama-context.cpp:292-306``); a cache holds ``n_stream`` = 1 (unified) or
      ``n_seq_max`` streams of ``kv_size = n_ctx_seq`` cells each (``src/llama-model.cpp``
      ``create_memory``: ``cparams.n_ctx_seq``; ``src/llama-kv-cache.cpp:84``
      ``n_stream(unified ? 1 : n_seq_max)``, ``:233-234`` tensors of ``kv_size x n_stream``);
    - physical batch: ``n_ubatch = min(min(n_ctx, n_batch), ubatch)``, ``n_batch`` = 2048
      (``llama-context.cpp:246-248``; ``common/common.h:453``);
    - full attention / MLA: ``kv_size x n_stream`` cells;
    - sliding window W, per stream: ``GGML_PAD(min(kv_size, W x (unified ? n_seq_max : 1) +
      n_ubatch), 256)`` cells, or ``kv_size`` with ``swa_full``
      (``src/llama-kv-cache-iswa.cpp:73-81``);
    - DeepSeek V3.2 (``src/llama-kv-cache-dsa.cpp:33-53``): a K-only MLA cache of
      ``c + d_r`` values and an indexer-key cache of ``D_I`` values, both ``type_k``, both
      ``kv_size x n_stream`` cells (``llama-kv-cache.cpp:225-234``: MLA has no V tensor);
    - DeepSeek V4 (``src/llama-kv-cache-dsv4.cpp``): always one stream per sequence, whatever
      ``kv_unified`` (``:1243-1244``, ``:1287``); the window an iswa cache as above with
      ``unified`` false; compressed caches ``GGML_PAD(max(1, cdiv(kv_size, m)), 256)`` cells
      per stream (``:28-29``, ``:1294``, ``:1302``, ``:1310``);
    - layers that reuse another layer's cache hold nothing (``src/llama-kv-cache.cpp:256-270``:
      ``map_layer_ids[il] = map_layer_ids[il_reuse]``; Gemma 3n / 4 ``reuse`` callback,
      ``src/llama-model.cpp:2779-2788``);
    - fixed-size states: counted, in the reference layout (llama.cpp's own state layouts are
      not modelled), except the recurrent layers' (Mamba2, delta rule, short conv), which
      follow llama.cpp's fp32 recurrent cells (``lccost.mechanisms.recurrent``).
    Not modelled: ``--fit`` (llama-server may shrink the context to fit the device),
    ``--kv-unified-per-slot``, speculative-decoding contexts and the quantized cache types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lccost.conventions import Accounting, number_format
from lccost.errors import LccostError

HELD_TOKENS_RULE: dict[Accounting, str] = {
    Accounting.REFERENCE: "n = tokens held as transformers 5.23.0 holds them: all L on full "
    "layers, min(L, W - 1) on sliding ones, floor(L/m) compressed entries; "
    "fixed states counted",
    Accounting.FULL_CONTEXT: "n = L on every layer that owns a cache (windows, pages and "
    "fixed states ignored), except DeepSeek V4 window branches: "
    "min(L, W); a fixed-state layer (Mamba2, delta rule, short conv) "
    "holds its state, conv k - 1 steps; docs/accountings.md",
    Accounting.VLLM: "n = vLLM token slots: whole pages of the block size; sliding layers keep "
    "the pages that hold the last W - 1 tokens",
    Accounting.LLAMACPP: "n = llama.cpp cells: the context padded to 256, per stream; sliding "
    "layers pad(min(n_ctx_seq, W x seqs + n_ubatch), 256) unless "
    "swa_full",
}
"""One line per accounting for ``--explain``: what ``n`` (tokens held) means in a cache term."""

LLAMACPP_CONTEXT_PAD = 256
"""llama.cpp pads the context and every SWA / compressed cache to 256 cells
(``src/llama-context.cpp``, ``src/llama-kv-cache-iswa.cpp``, commit 0c1e570)."""

LLAMACPP_UBATCH = 512
"""llama.cpp's default physical batch ``n_ubatch`` (``common/common.h:454``;
``llama_context_default_params``, ``src/llama-context.cpp:3758``)."""

LLAMACPP_BATCH = 2048
"""llama.cpp's default logical batch ``n_batch``, which caps ``n_ubatch``
(``common/common.h:453``, ``src/llama-context.cpp:248``)."""

LLAMACPP_SERVER_AUTO_SLOTS = 4
"""llama-server's slots when ``--parallel`` is left at "auto" (``tools/server/server.cpp:156-161``:
``n_parallel = 4`` and ``kv_unified = true``)."""


@dataclass(frozen=True)
class LlamaCppParams:
    """The llama.cpp knobs that size its cache, with the entry point they come from.

    ``n_seq_max``: sequences (llama-server slots, ``--parallel``); ``kv_unified``: one cache
    stream shared by all sequences (else one stream per sequence); ``swa_full``: sliding layers
    hold the whole context; ``n_ubatch``: the physical batch (``--ubatch-size``) the sliding
    cache keeps room for. Defaults: llama-server's (the module docstring's table).
    """

    n_seq_max: int = LLAMACPP_SERVER_AUTO_SLOTS
    kv_unified: bool = True
    swa_full: bool = False
    n_ubatch: int = LLAMACPP_UBATCH
    entry_point: str = "llama-server defaults"

    def __post_init__(self) -> None:
        if self.n_seq_max < 1 or self.n_ubatch < 1:
            raise ValueError(
                f"llama.cpp needs --parallel and --ubatch-size of 1 or more, not "
                f"{self.n_seq_max} and {self.n_ubatch}"
            )

    @classmethod
    def server(
        cls,
        parallel: int | None = None,
        kv_unified: bool | None = None,
        swa_full: bool = False,
        ubatch: int = LLAMACPP_UBATCH,
    ) -> LlamaCppParams:
        """llama-server's values: ``--parallel`` unset is "auto", 4 slots with a unified cache;
        an explicit ``--parallel N`` keeps ``kv_unified`` false unless ``--kv-unified``
        (``common/arg.cpp:1403``, ``tools/server/server.cpp:156-161``)."""
        slots = LLAMACPP_SERVER_AUTO_SLOTS if parallel is None else parallel
        unified = (parallel is None) if kv_unified is None else kv_unified
        defaults = (
            parallel is None and kv_unified is None and not swa_full and ubatch == LLAMACPP_UBATCH
        )
        return cls(
            slots,
            unified,
            swa_full,
            ubatch,
            "llama-server defaults" if defaults else "llama-server",
        )

    @classmethod
    def cli(cls) -> LlamaCppParams:
        """llama-cli / llama-completion: one sequence, not unified, ``swa_full`` false
        (``common/common.h:457,574,575``)."""
        return cls(1, False, False, LLAMACPP_UBATCH, "llama-cli defaults")

    @classmethod
    def library(cls) -> LlamaCppParams:
        """``llama_context_default_params`` (C library, llama-cpp-python): one sequence, not
        unified, ``swa_full`` true (``src/llama-context.cpp:3759,3788-3789``)."""
        return cls(1, False, True, LLAMACPP_UBATCH, "llama.cpp library defaults")

    def describe(self) -> str:
        """One line for captions: the entry point and every knob."""
        return (
            f"llama.cpp 0c1e57098, {self.entry_point}: -c L, --parallel {self.n_seq_max}, "
            f"kv_unified {str(self.kv_unified).lower()}, swa_full "
            f"{str(self.swa_full).lower()}, --ubatch-size {self.n_ubatch}, cache F16 "
            "unless --kv-dtype"
        )

    def context_cells(self, context_tokens: int) -> tuple[int, int]:
        """``(kv_size, n_stream)`` for ``-c L``: ``kv_size = n_ctx_seq`` cells per stream, and 1
        stream when unified, else ``n_seq_max`` (``src/llama-context.cpp:290-306``,
        ``src/llama-kv-cache.cpp:84``)."""
        n_ctx = round_up(context_tokens, LLAMACPP_CONTEXT_PAD)
        if self.kv_unified:
            return n_ctx, 1
        return round_up(n_ctx // self.n_seq_max, LLAMACPP_CONTEXT_PAD), self.n_seq_max

    def ubatch_tokens(self, context_tokens: int) -> int:
        """``n_ubatch = min(min(n_ctx, n_batch), --ubatch-size)``
        (``llama-context.cpp:246-248``)."""
        n_ctx = round_up(context_tokens, LLAMACPP_CONTEXT_PAD)
        return min(min(n_ctx, LLAMACPP_BATCH), self.n_ubatch)

    def swa_cells(self, context_tokens: int, window: int, unified: bool | None = None) -> int:
        """Cells of a sliding layer, all streams: per stream ``GGML_PAD(min(kv_size,
        W x (unified ? n_seq_max : 1) + n_ubatch), 256)``, or ``kv_size`` with ``swa_full``
        (``src/llama-kv-cache-iswa.cpp:73-81``). ``unified`` overrides ``kv_unified`` for a
        cache that sets its own (DeepSeek V4 keeps one stream per sequence,
        ``llama-kv-cache-dsv4.cpp:1243-1244``); ``kv_size`` is ``n_ctx_seq`` as the context
        computed it from the public setting either way."""
        kv_size, _ = self.context_cells(context_tokens)
        unified = self.kv_unified if unified is None else unified
        streams = 1 if unified else self.n_seq_max
        if self.swa_full:
            return kv_size * streams
        seqs = self.n_seq_max if unified else 1
        per_stream = round_up(
            min(kv_size, window * seqs + self.ubatch_tokens(context_tokens)), LLAMACPP_CONTEXT_PAD
        )
        return per_stream * streams


LLAMACPP_SERVER = LlamaCppParams()
"""llama-server's defaults, the ``llamacpp`` accounting's default (the serving entry point)."""


@dataclass(frozen=True)
class VllmDevice:
    """The GPU whose vLLM attention-backend selection sets the page size: a name for labels and
    its CUDA compute capability (``major``, ``minor``), from ``--hardware``."""

    name: str
    capability: tuple[int, int]

    def describe(self) -> str:
        return f"{self.name} (SM {self.capability[0]}.{self.capability[1]})"


VLLM_DEFAULT_DEVICE = VllmDevice("Hopper", (9, 0))
"""Without ``--hardware``, vLLM's page sizes are those it picks on Hopper (SM 9.0, H100/H200),
its most common deployment and the device of the DeepSeek V3.2 / V4 recipes."""


@dataclass(frozen=True)
class VllmPages:
    """The page sizes [tokens] vLLM 0.33.0's backend selection gives on one device, with the
    backends that set them: standard attention, dense MLA, sparse MLA (DeepSeek V3.2)."""

    attention: int
    attention_backend: str
    dense_mla: int
    dense_mla_backend: str
    sparse_mla: int | None

    def describe(self) -> str:
        sparse = "" if self.sparse_mla is None else f", sparse MLA {self.sparse_mla}"
        return (
            f"pages of {self.attention} tokens for attention ({self.attention_backend}), "
            f"{self.dense_mla} for dense MLA ({self.dense_mla_backend}){sparse}"
        )


def vllm_pages(device: VllmDevice) -> VllmPages:
    """vLLM 0.33.0's default page sizes on ``device`` (paths inside ``vllm/``).

    vLLM takes the first valid backend of the device's priority list
    (``platforms/cuda.py:84-181`` ``_get_backend_priorities``; the lowest priority number wins,
    ``:478-482``), then the smallest block every backend of the model accepts, the default 16
    if it can (``platforms/interface.py:700-748`` ``_preferred_block_size_for_backends``;
    ``config/cache.py:185`` ``DEFAULT_BLOCK_SIZE = 16``; ``v1/attention/backend.py:155-163``).

    - standard attention, SM 8.x / 9.0 / 12.x: FLASH_ATTN first (``platforms/cuda.py:168-181``),
      ``MultipleOf(16)`` (``v1/attention/backends/flash_attn.py:357-367``): 16. SM 10.x, a
      causal decoder without a multimodal prefix: FLASHINFER first (``platforms/cuda.py:159-167``),
      16, 32, 64 (more only for trtllm-gen; ``v1/attention/backends/flashinfer.py:585-604``): 16.
      FlashAttention's 128-token pages for head dim 256 on Blackwell (``flash_attn.py:329-355``,
      ``fa_utils.py:14,224-233``) apply only when FLASH_ATTN is forced (not modelled).
    - dense MLA: SM 8.x / 9.0 FLASH_ATTN_MLA (``platforms/cuda.py:149-155``, ``MultipleOf(16)``,
      ``v1/attention/backends/mla/flashattn_mla.py:49-50``): 16; SM 10.x FLASHINFER_MLA
      (``platforms/cuda.py:122-133``), 32 or 64 (``mla/flashinfer_mla.py:204-205``): 32;
      SM 12.x TRITON_MLA (``platforms/cuda.py:134-138``, ``mla/triton_mla.py:114-115``): 16.
    - sparse MLA (DeepSeek V3.2), SM 9.0 / 10.x: the sparse backends page in multiples of 64
      (Hopper FLASH_ATTN_MLA_SPARSE, ``mla/flashattn_mla_sparse.py:51``; Blackwell
      FLASHMLA_SPARSE, ``mla/flashmla_sparse.py:164-165``, or FLASHINFER_MLA_SPARSE
      ``MultipleOf(32)`` for an fp8 cache), and the V3.2 indexer backend takes ``[64]``
      (``mla/indexer.py:286``): 64. Not ``platforms/cuda.py``: no rule there raises the block
      to 64. SM 8.x / 12.x: not modelled (None).
    Refused for other devices (ROCm, Apple, SM < 8).
    """
    major = device.capability[0]
    if major == 10:
        return VllmPages(16, "FLASHINFER", 32, "FLASHINFER_MLA", 64)
    if major == 9:
        return VllmPages(16, "FLASH_ATTN", 16, "FLASH_ATTN_MLA", 64)
    if major == 8:
        return VllmPages(16, "FLASH_ATTN", 16, "FLASH_ATTN_MLA", None)
    if major == 12:
        return VllmPages(16, "FLASH_ATTN", 16, "TRITON_MLA", None)
    raise vllm_unsupported_device(device, "this device")


def vllm_unsupported_device(device: VllmDevice, what: str) -> LccostError:
    """The refusal for a device whose vLLM backend selection lccost does not model."""
    return LccostError(
        f"--accounting vllm: which page size vLLM 0.33.0 picks for {what} on {device.describe()} "
        "is not modelled (lccost.accounting.vllm_pages); give --block-size"
    )


VLLM_DEFAULT_BLOCK_TOKENS = 16
"""vLLM's default ``--block-size`` (``CacheConfig.block_size``)."""


def cdiv(a: int, b: int) -> int:
    """ceil(a / b) for integers (vLLM ``cdiv``)."""
    return -(-a // b)


def round_up(value: int, multiple: int) -> int:
    """``GGML_PAD`` / vLLM ``round_up``: ``value`` rounded up to a multiple of ``multiple``."""
    return cdiv(value, multiple) * multiple


def llamacpp_context(context_tokens: int) -> int:
    """``n_ctx`` for ``-c L``: L padded to 256 (``src/llama-context.cpp:290``)."""
    return round_up(context_tokens, LLAMACPP_CONTEXT_PAD)


def every_token(context_tokens: int) -> int:
    """L: the slots of a cache that holds every token (``full_tokens`` under reference and
    full-context). ``LayerEnv.per_context`` passes this rule on as L itself, so the compiled fast
    path multiplies by L instead of calling a function at every point."""
    return context_tokens


def full_tokens(
    context_tokens: int,
    accounting: Accounting,
    block_size: int,
    llamacpp: LlamaCppParams = LLAMACPP_SERVER,
) -> int:
    """Token slots a full-attention (or MLA) layer holds after L tokens.

    reference, full-context: L. vllm: ``cdiv(L, B) x B``. llamacpp: ``kv_size x n_stream``
    (``LlamaCppParams.context_cells``). (Rules and sources: the module docstring.)
    """
    return full_tokens_rule(accounting, block_size, llamacpp)(context_tokens)


def full_tokens_rule(
    accounting: Accounting,
    block_size: int,
    llamacpp: LlamaCppParams = LLAMACPP_SERVER,
) -> Callable[[int], int]:
    """``full_tokens`` as a function of L, the accounting's branch chosen once (a mechanism's
    ``env.per_context``: the compiled fast path calls it at every point)."""
    if accounting is Accounting.VLLM:
        return lambda L: cdiv(L, block_size) * block_size
    if accounting is Accounting.LLAMACPP:

        def cells(L: int) -> int:
            kv_size, streams = llamacpp.context_cells(L)
            return kv_size * streams

        return cells
    return every_token


def window_tokens(
    context_tokens: int,
    window: int,
    accounting: Accounting,
    block_size: int,
    llamacpp: LlamaCppParams = LLAMACPP_SERVER,
) -> int:
    """Token slots a sliding-window layer of window W (keys a query sees, itself included)
    holds after L tokens.

    reference: ``min(L, W - 1)``. full-context: L. vllm: the blocks not yet freed,
    ``(cdiv(L, B) - max(0, L - W + 1) // B) x B``. llamacpp: ``LlamaCppParams.swa_cells``.
    """
    return window_tokens_rule(window, accounting, block_size, llamacpp)(context_tokens)


def window_tokens_rule(
    window: int,
    accounting: Accounting,
    block_size: int,
    llamacpp: LlamaCppParams = LLAMACPP_SERVER,
) -> Callable[[int], int]:
    """``window_tokens`` as a function of L, the accounting's branch chosen once (as
    ``full_tokens_rule``). Nothing is held after 0 tokens."""
    if accounting is Accounting.FULL_CONTEXT:
        return every_token  # L, 0 at L = 0
    if accounting is Accounting.VLLM:

        def blocks(L: int) -> int:
            if L == 0:
                return 0
            skipped = max(0, L - window + 1)
            return (cdiv(L, block_size) - skipped // block_size) * block_size

        return blocks
    if accounting is Accounting.LLAMACPP:
        return lambda L: llamacpp.swa_cells(L, window) if L else 0
    kept = window - 1
    return lambda L: min(L, kept)


def paging_period(accounting: Accounting, block_size: int) -> int:
    """Tokens after which the page rounding of a cache repeats: 1 under reference and
    full-context, the block B under vllm, 256 under llamacpp (its context padding). A cache held
    in such pages grows at least once per period (``MechanismSpec.cache_period``)."""
    if accounting is Accounting.VLLM:
        return block_size
    if accounting is Accounting.LLAMACPP:
        return LLAMACPP_CONTEXT_PAD
    return 1


def counts_states(accounting: Accounting) -> bool:
    """Whether fixed-size states (conv, compressor buffers) are counted: not in full-context."""
    return accounting is not Accounting.FULL_CONTEXT


# --- vLLM layouts -----------------------------------------------------------------------------


def vllm_page_bytes(entries_per_page: int, entry_bytes: int, alignment: int | None = None) -> int:
    """Bytes of one vLLM page: ``entries x entry bytes``, rounded up to ``alignment`` if given.

    vLLM 0.33.0 ``v1/kv_cache_interface.py``: ``AttentionSpec.unpadded_page_size_bytes`` =
    heads x states x state bytes, and ``_apply_alignment_padding`` = ``round_up(page,
    alignment)`` for the DeepSeek V4 specs.
    """
    page = entries_per_page * entry_bytes
    return round_up(page, alignment) if alignment else page


def bits(kv_dtype: str) -> int:
    """Bits of one value of ``kv_dtype``."""
    return number_format(kv_dtype).element_bits


def no_vllm_cache(kv_dtype: str, what: str) -> LccostError:
    """The refusal for a cache dtype vLLM does not serve for ``what``."""
    return LccostError(f"--accounting vllm: vLLM has no {kv_dtype} cache for {what}")


def vllm_kv_scale_bytes(kv_heads: int, kv_dtype: str) -> int:
    """Scale bytes per token per layer that vLLM adds to a K/V page for ``kv_dtype``.

    vLLM's only int8 and int4 KV caches are per-token-head (``int8_per_token_head``,
    ``int4_per_token_head``): one fp32 scale per head for K and one for V, packed after each
    head's data, ``2 x K x 4`` bytes per token (vLLM 0.33.0
    ``v1/attention/backends/triton_attn.py`` ``TritonAttentionBackend.customize_spec``:
    ``content = (hs_k + hs_v) * dtype_size + 2 * scale_bytes``). fp8 is per-tensor (one scale
    per layer, no page bytes). nvfp4 packs one fp8 scale per 16 values (``head_size // 2 +
    head_size // 16`` per head: ``utils/torch_utils.py`` ``nvfp4_kv_cache_full_dim``), which the
    nvfp4 number format already counts, so 0 here. fp4 and mxfp4 have no vLLM KV cache.
    """
    if kv_dtype in ("int8", "int4"):
        return 2 * kv_heads * 4
    if kv_dtype in ("fp4", "mxfp4"):
        raise LccostError(
            f"--accounting vllm: vLLM has no {kv_dtype} KV cache; its 4-bit KV caches are nvfp4 "
            "and int4 (per token-head)"
        )
    return 0


def vllm_indexer_key_bytes(head_dim: int, fp4: bool = False) -> int:
    """Bytes of one lightning-indexer key in vLLM, whatever ``--kv-dtype``.

    Default fp8: ``D_I`` fp8 values + one fp32 scale per 128 = 132 B for ``D_I`` = 128 (vLLM
    0.33.0 ``model_executor/models/deepseek_v2.py`` ``Indexer``: ``head_dim=self.head_dim +
    self.head_dim // self.quant_block_size * 4``, dtype uint8; the same for DeepSeek V4,
    ``models/deepseek_v4/attention.py`` ``DeepseekV4Indexer``). With
    ``use_fp4_indexer_cache`` (V4 only, off by default): MXFP4, ``D_I / 2 + D_I / 32`` = 68 B.
    """
    if fp4:
        return head_dim // 2 + head_dim // 32
    return head_dim + head_dim // 128 * 4


def vllm_hybrid_block_size(
    state_bytes: int, attention_bytes_per_token: int, block_size: int
) -> int:
    """The block size vLLM uses for a hybrid attention + state (Mamba-style) model, and so the
    bytes of its state page: ``block x attention bytes per token``.

    vLLM pads each layer's state (one page, ``MambaSpec``, ``mamba_cache_mode`` "none") to
    exactly one attention page, raising the attention block size to
    ``B x cdiv(state, B x attention bytes per token)`` when one page of B tokens is smaller
    than the state (vLLM 0.33.0 ``platforms/interface.py:940-1128``
    ``_align_hybrid_block_size``, ``:1098-1100``: ``attn_block_size =
    kernel_block_alignment_size * cdiv(mamba_page_size, kernel_block_alignment_size *
    attn_page_size_1_token)``, then ``:1128`` ``mamba_page_size_padded = attn_page_size``).
    Assumes B is a multiple of the backend's kernel block, no ``backend_block_alignment``
    rounding (``:1076-1104``) and ``mamba_cache_mode`` "none" (``config/cache.py:304``; prefix
    caching turns it to "align" for hybrid models, ``model_executor/models/config.py:763-765``,
    not modelled). ZAYA's CCA conv and value-shift states are such a state: **inferred**, not
    read in the pinned version. ``model_executor/models/zaya.py`` is not in vLLM 0.33.0 (absent
    from its wheel); it was read at vllm-project/vllm commit 15aac33e (a snapshot in the
    stored index, not a release), where ``ZayaForCausalLM`` is ``IsHybrid`` and builds its
    qkv projection from ``model_executor/layers/mamba/cca.py``, ``cca_state_shape`` with conv
    kernel ``(cca_time0 - 1) + (cca_time1 - 1)`` and a ``K x d / 2`` shift state, and asserts
    prefix caching off (so "align" mode does not arise); the state is taken in the model dtype
    (``cca_state_dtype`` with ``mamba_cache_dtype`` "auto").
    """
    return block_size * max(1, cdiv(state_bytes, block_size * attention_bytes_per_token))
