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
    hold nothing.

``vllm``: what vLLM's paged allocator holds for one sequence in steady decode, read in vLLM
    0.33.0 (PyPI wheel, ``vllm/_version.py`` commit ``4ba787ec9``); paths below are inside
    ``vllm/``. Blocks count tokens, ``block_size`` B of them (``--block-size``; vLLM's default
    is 16, FlashMLA-sparse backends prefer 64 and DeepSeek V4 256).
    - full attention / MLA: ``cdiv(L, B)`` blocks of B token slots
      (``v1/core/single_type_kv_cache_manager.py`` ``allocate_new_blocks``:
      ``num_required_blocks = cdiv(num_tokens, self.block_size)``);
    - sliding window W: once L tokens are computed, ``get_num_skipped_tokens(L) =
      max(0, L - W + 1)`` tokens are outside the window of the next token, and
      ``remove_skipped_blocks`` frees the blocks ``[0, skipped // B)``: whole blocks wholly
      before the window (``SlidingWindowManager.get_num_skipped_tokens``,
      ``SingleTypeKVCacheManager.remove_skipped_blocks``). Held: ``cdiv(L, B) - skipped // B``
      blocks. (``SlidingWindowSpec.max_memory_usage_bytes``, the admission bound with
      ``max_num_batched_tokens`` and "+1 block", is a peak during chunked prefill, not this.)
    - compressed entries, ``tokens_per_state`` m (DeepSeek V4 ``MLAAttentionSpec``): a block of B
      tokens holds ``B // m`` entries (``v1/kv_cache_interface.py``
      ``KVCacheSpec.get_num_kernel_states``), so ``cdiv(L, B) * (B // m)`` entry slots;
    - page bytes: ``entries per page x entry bytes``, rounded up to the spec's ``alignment``
      where it has one (``_apply_alignment_padding``: DeepSeek V4 pages, 576 B for the
      ``fp8_ds_mla`` layout, 512 B otherwise);
    - layers with ``kv_sharing_target_layer_name`` get no cache spec at all
      (``v1/worker/gpu_model_runner.py`` ``get_kv_cache_spec``: "We skip creating a
      KVCacheSpec for it"), so a KV-sharing layer holds nothing (vLLM PR #18212);
    - entry layouts that differ from the element dtype, shared by several mechanisms:
      ``vllm_kv_scale_bytes`` (attention, CCA), ``vllm_indexer_key_bytes`` (both DeepSeek
      indexers), ``vllm_hybrid_block_size`` (a state padded to one attention page). A layout of
      one mechanism lives in its module, as vLLM's spec classes own their page sizes:
      ``lccost.mechanisms.mla.vllm_mla_entry_bytes``, ``lccost.mechanisms.compressed``
      ``vllm_v4_layout`` and ``vllm_v4_compressor_state_bytes``.
    Not modelled: the cross-group page unification of hybrid models
    (``v1/core/kv_cache_planning.py`` ``unify_kv_cache_spec_page_size`` may scale a smaller
    page's block size up to the largest page, e.g. Gemma 4's sliding layers to 2B) and the
    padding layers added to equalise group sizes (``_get_kv_cache_groups_uniform_page_size``);
    both depend on the whole model and the other requests sharing the pool.

``llamacpp``: what llama.cpp allocates for a context of L tokens (``-c L``) with its library and
    CLI defaults, one sequence (``n_seq_max = 1``, ``kv_unified = false``) and a physical batch
    ``n_ubatch = 512`` (``llama_context_default_params``; ``common/common.h``), read in
    ggml-org/llama.cpp commit ``0c1e570`` (2026-10-01, vendored by llama-cpp-python 0.3.36):
    - the context is padded to 256: ``cparams.n_ctx = GGML_PAD(cparams.n_ctx, 256)``
      (``src/llama-context.cpp``), and a full-attention layer holds ``n_ctx`` cells;
    - sliding window W: ``GGML_PAD(min(n_ctx, n_swa + n_ubatch), 256)`` cells
      (``src/llama-kv-cache-iswa.cpp``, "the SWA cache is always padded to 256");
    - compressed entries (DeepSeek V4): ``GGML_PAD(max(1, cdiv(n_ctx, m)), 256)`` cells
      (``src/llama-kv-cache-dsv4.cpp``, ``dsv4_comp_size``);
    - layers that reuse another layer's cache hold nothing (``src/llama-kv-cache.cpp``: a
      ``reuse`` layer maps to the other layer's tensors, ``map_layer_ids[il] =
      map_layer_ids[il_reuse]``; ``src/llama-model.cpp``, ``n_layer_kv_from_start``);
    - fixed-size states: counted, in the reference layout (llama.cpp's own state layouts are
      not modelled).
"""

from __future__ import annotations

from lccost.conventions import Accounting, number_format
from lccost.errors import LccostError

HELD_TOKENS_RULE: dict[Accounting, str] = {
    Accounting.REFERENCE: "n = tokens held as transformers 5.23.0 holds them: all L on full "
                          "layers, min(L, W - 1) on sliding ones, floor(L/m) compressed entries; "
                          "fixed states counted",
    Accounting.FULL_CONTEXT: "n = L on every layer that owns a cache (windows, pages and "
                             "fixed states ignored), except DeepSeek V4 window branches: "
                             "min(L, W); docs/accountings.md",
    Accounting.VLLM: "n = vLLM token slots: whole pages of the block size; sliding layers keep "
                     "the pages that hold the last W - 1 tokens",
    Accounting.LLAMACPP: "n = llama.cpp cells: the context padded to 256; sliding layers "
                         "pad(min(n_ctx, W + 512), 256)",
}
"""One line per accounting for ``--explain``: what ``n`` (tokens held) means in a cache term."""

LLAMACPP_CONTEXT_PAD = 256
"""llama.cpp pads the context and every SWA / compressed cache to 256 cells
(``src/llama-context.cpp``, ``src/llama-kv-cache-iswa.cpp``, commit 0c1e570)."""

LLAMACPP_UBATCH = 512
"""llama.cpp's default physical batch ``n_ubatch`` (``llama_context_default_params``,
``common/common.h``), which its SWA cache keeps room for."""

VLLM_DEFAULT_BLOCK_TOKENS = 16
"""vLLM's default ``--block-size`` (``CacheConfig.block_size``)."""



def cdiv(a: int, b: int) -> int:
    """ceil(a / b) for integers (vLLM ``cdiv``)."""
    return -(-a // b)


def round_up(value: int, multiple: int) -> int:
    """``GGML_PAD`` / vLLM ``round_up``: ``value`` rounded up to a multiple of ``multiple``."""
    return cdiv(value, multiple) * multiple


def llamacpp_context(context_tokens: int) -> int:
    """``n_ctx`` for ``-c L``: L padded to 256 (``src/llama-context.cpp``)."""
    return round_up(context_tokens, LLAMACPP_CONTEXT_PAD)


def full_tokens(context_tokens: int, accounting: Accounting, block_size: int) -> int:
    """Token slots a full-attention (or MLA) layer holds after L tokens.

    reference, full-context: L. vllm: ``cdiv(L, B) x B``. llamacpp: ``GGML_PAD(L, 256)``.
    (Rules and sources: the module docstring.)
    """
    if accounting is Accounting.VLLM:
        return cdiv(context_tokens, block_size) * block_size
    if accounting is Accounting.LLAMACPP:
        return llamacpp_context(context_tokens)
    return context_tokens


def window_tokens(context_tokens: int, window: int, accounting: Accounting,
                  block_size: int) -> int:
    """Token slots a sliding-window layer of window W (keys a query sees, itself included)
    holds after L tokens.

    reference: ``min(L, W - 1)``. full-context: L. vllm: the blocks not yet freed,
    ``(cdiv(L, B) - max(0, L - W + 1) // B) x B``. llamacpp:
    ``GGML_PAD(min(n_ctx, W + n_ubatch), 256)`` with ``n_ctx = GGML_PAD(L, 256)``.
    """
    if context_tokens == 0:
        return 0
    if accounting is Accounting.FULL_CONTEXT:
        return context_tokens
    if accounting is Accounting.VLLM:
        skipped = max(0, context_tokens - window + 1)
        return (cdiv(context_tokens, block_size) - skipped // block_size) * block_size
    if accounting is Accounting.LLAMACPP:
        # n_swa x (kv_unified ? n_seq_max : 1) + n_ubatch; one sequence, not unified: W + 512
        n_ctx = llamacpp_context(context_tokens)
        return round_up(min(n_ctx, window + LLAMACPP_UBATCH), LLAMACPP_CONTEXT_PAD)
    return min(context_tokens, window - 1)


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
            "and int4 (per token-head)")
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


def vllm_hybrid_block_size(state_bytes: int, attention_bytes_per_token: int,
                           block_size: int) -> int:
    """The block size vLLM uses for a hybrid attention + state (Mamba-style) model, and so the
    bytes of its state page: ``block x attention bytes per token``.

    vLLM pads each layer's state (one page, ``MambaSpec``, ``mamba_cache_mode`` "none") to
    exactly one attention page, raising the attention block size to
    ``B x cdiv(state, B x attention bytes per token)`` when one page of B tokens is smaller
    than the state (vLLM 0.33.0 ``platforms/interface.py`` ``_align_hybrid_block_size``:
    ``attn_block_size = kernel_block_alignment_size * cdiv(mamba_page_size,
    kernel_block_alignment_size * attn_page_size_1_token)``, then
    ``mamba_page_size_padded = attn_page_size``). Assumes B is a multiple of the backend's
    kernel block. ZAYA's CCA conv and value-shift states are such a state (vLLM
    ``model_executor/models/zaya.py`` @15aac33e, ``IsHybrid``,
    ``get_mamba_state_shape_from_config``), stored in the model dtype
    (``mamba_cache_dtype`` "auto").
    """
    return block_size * max(1, cdiv(state_bytes, block_size * attention_bytes_per_token))
