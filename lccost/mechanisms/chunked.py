"""Chunked local attention (Llama 4's ``attention_chunk_size``): each query sees only the keys of
its own chunk of C tokens, itself included.

Symbols: D hidden, H query heads, K key/value heads, d head dim, C chunk length, L context
tokens. Token i (0-based) sees tokens floor(i/C)·C .. i: (i mod C) + 1 keys.

Weights [parameters]: as GQA attention, q_proj D·H·d, k_proj and v_proj D·K·d, o_proj H·d·D.

Cache after L tokens [tokens of K and V, 2·K·d values each], by accounting:
- ``reference``: min(L, C - 1). transformers 5.23.0 caches a chunked layer exactly as a sliding
  window of C ("from a cache point of view, sliding and chunked are the same in how they should
  behave, only the mask differs": ``cache_utils.py`` ``DYNAMIC_LAYER_TYPE_MAPPING``
  ``"chunked_attention": DynamicSlidingWindowLayer``, window ``attention_chunk_size``), which
  keeps the last C - 1 tokens whatever the chunk boundary;
- ``full-context``: L;
- ``vllm``: the pages from the current chunk's start on: ``cdiv(L, B) - (floor(L/C)·C) // B``
  pages of B tokens (vLLM 0.33.0 ``v1/core/single_type_kv_cache_manager.py``
  ``ChunkedLocalAttentionManager.get_num_skipped_tokens``: ``num_computed_tokens //
  attention_chunk_size * attention_chunk_size``, then ``remove_skipped_blocks``);
- ``llamacpp``: its chunked SWA cache, sized as a window of C (``LLAMA_SWA_TYPE_CHUNKED``,
  ``src/llama-kv-cache-iswa.cpp:73-81``) under the entry point's knobs:
  ``lccost.accounting.window_tokens`` with the workload's ``LlamaCppParams``.

Decode at L [FLOPs]: 2·(weights) + QKᵀ and AV, 4·H·d·n: useful n = (L mod C) + 1, the keys of
the chunk; executed n = min(L + 1, C): the reference attends to all it caches plus the new
token and masks the keys before the chunk.
Prefill of L [FLOPs]: 2·(weights)·L + 4·H·d·S, S = Σ_i ((i mod C) + 1) = floor(L/C)·tri(C) +
tri(L mod C) (useful) or L² (executed: the eager reference computes the masked L x L scores).

References: Meta, Llama 4 model card (attention_chunk_size 8192, NoPE on every fourth layer);
transformers 5.23.0 models/llama4 and cache_utils.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

from pydantic import Field, model_validator

from lccost.accounting import paging_period, window_tokens_rule
from lccost.conventions import Accounting
from lccost.ledger import PartCosts, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec


def chunk_tokens(C: int, env: LayerEnv) -> Callable[[int], int]:
    """Token slots a chunked layer holds after L tokens (module docstring), as a function of
    L, the accounting's branch chosen once (``env.per_context``)."""
    accounting = env.workload.accounting
    if accounting is Accounting.VLLM:
        B = env.block_size()
        return lambda L: (-(-L // B) - (L // C * C) // B) * B
    # llama.cpp sizes it as a window of C with the entry point's knobs (--parallel,
    # --kv-unified, --swa-full, --ubatch-size), as any sliding cache.
    return window_tokens_rule(C, accounting, env.block_size(), env.workload.llamacpp)


class ChunkedAttention(MechanismSpec):
    """``kind: chunked_attention``: GQA attention within fixed chunks of ``chunk`` tokens."""

    kind: Literal["chunked_attention"] = "chunked_attention"
    query_heads: int = Field(ge=1, description="H")
    kv_heads: int = Field(ge=1, description="K")
    head_dim: int = Field(ge=1, description="d")
    chunk: int = Field(ge=1, description="C: tokens per chunk (attention_chunk_size)")

    @model_validator(mode="after")
    def _heads_group(self) -> ChunkedAttention:
        if self.query_heads % self.kv_heads:
            raise ValueError(
                f"query_heads ({self.query_heads}) must be a multiple of kv_heads ({self.kv_heads})"
            )
        return self

    def summary(self) -> str:
        return f"GQA chunked {self.chunk} {self.query_heads}q/{self.kv_heads}kv x {self.head_dim}"

    def vllm_page_token_bytes(self, env: LayerEnv) -> int:
        return env.workload.cache_entry_bytes(((2 * self.kv_heads * self.head_dim, None),))

    def cache_period(self, env: LayerEnv) -> int:
        """S, cache(L + S) >= cache(L): under ``vllm`` the pages before the current chunk are
        freed at each chunk boundary, so the cache falls there and repeats every lcm(C, B)
        tokens (cdiv(L + S, B) and floor((L + S)/C)·C both move by S/B pages); else the
        window's padding (``paging_period``: min(L, C - 1) and L grow with L)."""
        accounting = env.workload.accounting
        if accounting is Accounting.VLLM:
            return math.lcm(self.chunk, env.block_size())
        return paging_period(accounting, env.block_size())

    def costs(self, env: LayerEnv) -> PartCosts:
        D, L, H, K, d, C = (
            env.hidden_size,
            env.context_tokens,
            self.query_heads,
            self.kv_heads,
            self.head_dim,
            self.chunk,
        )
        params = ledger(
            term("q_proj", "D*H*d", D=D, H=H, d=d),
            term("k_proj", "D*K*d", D=D, K=K, d=d),
            term("v_proj", "D*K*d", D=D, K=K, d=d),
            term("o_proj", "H*d*D", H=H, d=d, D=D),
        )
        entry = env.workload.cache_entry_bytes(((2 * K * d, None),))
        held = env.per_context(chunk_tokens(C, env))
        if env.executed:
            decode = term("attn_qk+av", "4*H*d*min(L+1, C)", H=H, d=d, L=L, C=C)
            prefill = term("attn_qk+av", "4*H*d*L*L", H=H, d=d, L=L)
        else:
            decode = term("attn_qk+av", "4*H*d*(L%C+1)", H=H, d=d, L=L, C=C)
            prefill = term("attn_qk+av", "4*H*d*((L//C)*tri(C)+tri(L%C))", H=H, d=d, L=L, C=C)
        return PartCosts(
            params=params,
            cache_bytes=ledger(term("kv_cache", "n*e", n=held, e=entry)),
            cache_read_bytes=ledger(term("kv_read", "n*e", n=held, e=entry)),
            cache_write_bytes=ledger(term("kv_write", "e", e=entry)),
            prefill_flops=weight_flops(params, L) + ledger(prefill),
            decode_flops=weight_flops(params, 1) + ledger(decode),
        )
