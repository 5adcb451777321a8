"""Accounting modes: how many tokens of a layer's cache are counted after L tokens.

Each mechanism knows its bytes per cached token; how many tokens it holds depends on which cache
is being described. The rules, once:

``reference`` (default): what the Hugging Face transformers 5.23.0 reference implementation holds
    in its ``DynamicCache`` between decode steps.
    - full attention: all L tokens;
    - sliding window W: ``min(L, W - 1)``: ``DynamicSlidingWindowLayer`` keeps the last
      ``sliding_window - 1`` tokens after each update, since the next token makes W
      (transformers 5.23.0 ``cache_utils.py``, ``DynamicSlidingWindowLayer.update``).

``full-context``: the back-of-envelope formula of most published figures: every layer that owns
    a cache holds all L tokens. It ignores sliding windows, block rounding and every fixed-size
    state (convolution state, compressor buffers); layers that read another layer's cache still
    hold nothing.

``vllm``: what vLLM's paged allocator holds for one sequence (vLLM v0.11,
    ``vllm/v1/kv_cache_interface.py`` and ``vllm/v1/core/single_type_kv_cache_manager.py``):
    - full attention: ``cdiv(L, block) x block`` token slots (whole pages);
    - sliding window: pages that still hold one of the last ``W - 1`` tokens are kept, the rest
      are freed (``SlidingWindowManager.remove_skipped_blocks``): the slots of the pages that
      cover positions ``[L - (W - 1), L)``;
    - layers with ``kv_sharing_target_layer_name`` get no cache spec (vLLM PR #18212).
"""

from __future__ import annotations

from lccost.conventions import Accounting


def full_tokens(context_tokens: int, accounting: Accounting, block_size: int) -> int:
    """Token slots a full-attention layer holds after L tokens (see the module docstring)."""
    if accounting is Accounting.VLLM:
        return -(-context_tokens // block_size) * block_size
    return context_tokens


def window_tokens(context_tokens: int, window: int, accounting: Accounting,
                  block_size: int) -> int:
    """Token slots a sliding-window layer of window W holds after L tokens."""
    if accounting is Accounting.FULL_CONTEXT:
        return context_tokens
    kept = min(context_tokens, window - 1)
    if accounting is Accounting.VLLM:
        if kept == 0:
            return 0
        first = context_tokens - kept
        first_page, last_page = first // block_size, (context_tokens - 1) // block_size
        return (last_page - first_page + 1) * block_size
    return kept


def counts_states(accounting: Accounting) -> bool:
    """Whether fixed-size states (conv, compressor buffers) are counted: not in full-context."""
    return accounting is not Accounting.FULL_CONTEXT
