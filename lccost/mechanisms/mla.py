"""Multi-head latent attention (MLA), optionally with DeepSeek V3.2's lightning indexer (DSA).

Symbols: D hidden, H query heads, r_q q_lora_rank (unset: a plain q_proj), c kv_lora_rank,
d_n qk_nope_head_dim, d_r qk_rope_head_dim, d_v v_head_dim; indexer: H_I heads, D_I head dim,
k top-k tokens.

Weights [parameters]: q_a D·r_q, q_b r_q·H·(d_n + d_r) (or q_proj D·H·(d_n + d_r)),
kv_a D·(c + d_r), kv_b c·H·(d_n + d_v), o H·d_v·D. Indexer: wq_b r_q·H_I·D_I, wk D·D_I,
weights_proj D·H_I (DeepSeek-V3.2-Exp ``inference/model.py`` ``Indexer``).

Cache [bytes per token]: the latent c and the rotary key d_r (one entry, not per-head K and V:
DeepSeek-V2 §2.1.3), plus the indexer key D_I when there is an indexer. The reference
(transformers 5.23.0 ``DeepseekV32``) stores them in the model dtype: (512 + 64 + 128) x 2 =
1,408 B in bf16. DeepSeek's production format (``--kv-dtype native``) pins the latent to fp8 with
one fp32 scale per 128, the rope part to bf16 (FlashMLA README: 656 B) and the indexer key to fp8
with one fp32 scale (V3.2-Exp ``k_cache`` + ``k_scale_cache``: 132 B).

Decode at L [FLOPs], useful: weights absorbed (DeepSeek-V2 §2.1.2: W_UK into the query, W_UV
into the output; the absorbed products cost the same as kv_b on one token): 2·(weights) +
QK 2·H·(c + d_r)·n + AV 2·H·c·n, n = min(L + 1, k) with an indexer (top-k tokens), else L + 1.
Executed (transformers 5.23.0, no absorption): kv_b re-expands all L + 1 latents,
2·c·H·(d_n + d_v)·(L + 1), and attention is dense over L + 1 keys, 2·H·(d_n + d_r + d_v)·(L + 1).
Indexer: 2·(its weights) + scores and their per-head weighting 2·H_I·(D_I + 1)·(L + 1), over
every cached token (V3.2 §2.1: O(L) per query).

Prefill of L [FLOPs]: not absorbed (kv_b expands every token): 2·(weights)·L +
2·H·(d_n + d_r + d_v)·S, S = Σ min(i, k) (useful) or L² (executed); indexer
2·H_I·(D_I + 1)·tri(L) (useful) or L² (executed).

References: DeepSeek-AI, DeepSeek-V2 (arXiv 2405.04434) §2.1; DeepSeek-V3.2-Exp technical report
§2.1 (DSA); FlashMLA README (fp8 cache layout).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lccost.accounting import (
    VLLM_DEFAULT_BLOCK_TOKENS,
    VLLM_SPARSE_MLA_BLOCK_TOKENS,
    full_tokens,
    vllm_indexer_key_bytes,
    vllm_mla_entry_bytes,
)
from lccost.conventions import Accounting
from lccost.ledger import PartCosts, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.mechanisms.storage import StorageFormat
from lccost.spec.base import SpecModel


class LightningIndexer(SpecModel):
    """DeepSeek V3.2's lightning indexer: scores every cached token, keeps the top-k."""

    heads: int = Field(ge=1, description="H_I: indexer heads")
    head_dim: int = Field(ge=1, description="D_I: indexer key width")
    top_k: int = Field(ge=1, description="k: tokens each query attends to")


class MLACacheFormat(SpecModel):
    """Storage pinned for ``--kv-dtype native``: the latent, the rotary key part and the
    indexer key."""

    latent: StorageFormat | None = None
    rope: StorageFormat | None = None
    indexer_key: StorageFormat | None = None


class MultiHeadLatentAttention(MechanismSpec):
    """``kind: mla``: DeepSeek's multi-head latent attention, optionally with an indexer."""

    kind: Literal["mla"] = "mla"
    query_heads: int = Field(ge=1, description="H")
    q_lora_rank: int | None = Field(None, ge=1, description="r_q; unset = plain q_proj")
    kv_lora_rank: int = Field(ge=1, description="c: the cached latent width")
    qk_nope_head_dim: int = Field(ge=1, description="d_n")
    qk_rope_head_dim: int = Field(ge=1, description="d_r: the cached rotary key width")
    v_head_dim: int = Field(ge=1, description="d_v")
    indexer: LightningIndexer | None = None
    cache_format: MLACacheFormat | None = None

    def summary(self) -> str:
        sparse = f" + indexer top-{self.indexer.top_k}" if self.indexer else ""
        return f"MLA {self.query_heads}h latent {self.kv_lora_rank}+{self.qk_rope_head_dim}{sparse}"

    def vllm_page_token_bytes(self, env: LayerEnv) -> int:
        """vLLM's MLA entry (``vllm_mla_entry_bytes``): what a hybrid model's state pages are
        padded to when its attention is MLA (``_align_hybrid_block_size`` builds the 1-token
        page from ``MLAAttentionSpec`` when ``use_mla``)."""
        return vllm_mla_entry_bytes(self.kv_lora_rank, self.qk_rope_head_dim,
                                    env.workload.effective_kv_dtype, self.indexer is not None)

    def costs(self, env: LayerEnv) -> PartCosts:
        D, H, L = env.hidden_size, self.query_heads, env.context_tokens
        c, d_r, d_n, d_v = (self.kv_lora_rank, self.qk_rope_head_dim, self.qk_nope_head_dim,
                            self.v_head_dim)
        r_q = self.q_lora_rank
        workload = env.workload
        fmt = self.cache_format or MLACacheFormat()
        params = ledger(
            term("q_a_proj", "D*r_q", D=D, r_q=r_q) if r_q else None,
            term("q_b_proj", "r_q*H*(d_n+d_r)", r_q=r_q, H=H, d_n=d_n, d_r=d_r) if r_q else None,
            None if r_q else term("q_proj", "D*H*(d_n+d_r)", D=D, H=H, d_n=d_n, d_r=d_r),
            term("kv_a_proj", "D*(c+d_r)", D=D, c=c, d_r=d_r),
            term("kv_b_proj", "c*H*(d_n+d_v)", c=c, H=H, d_n=d_n, d_v=d_v),
            term("o_proj", "H*d_v*D", H=H, d_v=d_v, D=D),
        )
        block = env.block_size(VLLM_SPARSE_MLA_BLOCK_TOKENS if self.indexer else
                               VLLM_DEFAULT_BLOCK_TOKENS)
        n_held = full_tokens(L, workload.accounting, block)
        vllm = workload.accounting is Accounting.VLLM
        latent_entry = (vllm_mla_entry_bytes(c, d_r, workload.effective_kv_dtype,
                                             sparse=self.indexer is not None) if vllm
                        else workload.cache_entry_bytes(((c, fmt.latent), (d_r, fmt.rope))))
        cache = ledger(term("latent_cache", "n*e", n=n_held, e=latent_entry))
        written = ledger(term("latent_write", "e", e=latent_entry))
        idx = self.indexer
        k = idx.top_k if idx else L + 1  # without an indexer every token is attended
        read = ledger(term("latent_read", "min(n, k)*e", n=n_held, k=k, e=latent_entry))
        if env.executed:
            # transformers 5.23.0 DeepseekV3/V32Attention: no weight absorption; kv_b_proj
            # re-expands every cached latent each step, and attention is dense (the top-k is a
            # mask, not a gather).
            weights = ledger(*(t for t in weight_flops(params, 1) if t.name != "kv_b_proj"))
            decode = weights + ledger(
                term("kv_b_proj", "2*c*H*(d_n+d_v)*(L+1)", c=c, H=H, d_n=d_n, d_v=d_v, L=L),
                term("attn_qk+av", "2*H*(d_n+d_r+d_v)*(L+1)", H=H, d_n=d_n, d_r=d_r, d_v=d_v,
                     L=L),
            )
            prefill_attn = term("attn_qk+av", "2*H*(d_n+d_r+d_v)*L*L", H=H, d_n=d_n, d_r=d_r,
                                d_v=d_v, L=L)
        else:
            decode = weight_flops(params, 1) + ledger(
                term("attn_qk+av", "2*H*(2*c+d_r)*min(L+1, k)", H=H, c=c, d_r=d_r, L=L, k=k))
            prefill_attn = term("attn_qk+av", "2*H*(d_n+d_r+d_v)*sum_window(L, k)", H=H,
                                d_n=d_n, d_r=d_r, d_v=d_v, L=L, k=k)
        prefill = weight_flops(params, L) + ledger(prefill_attn)

        if idx is not None:
            H_I, D_I = idx.heads, idx.head_dim
            indexer = ledger(
                term("indexer.wq_b", "r_q*H_I*D_I", r_q=r_q or D, H_I=H_I, D_I=D_I),
                term("indexer.wk", "D*D_I", D=D, D_I=D_I),
                term("indexer.weights_proj", "D*H_I", D=D, H_I=H_I),
            )
            params += indexer
            key_entry = (vllm_indexer_key_bytes(D_I) if vllm
                         else workload.cache_entry_bytes(((D_I, fmt.indexer_key),)))
            cache += ledger(term("indexer_key_cache", "n*e", n=n_held, e=key_entry))
            written += ledger(term("indexer_key_write", "e", e=key_entry))
            read += ledger(term("indexer_key_read", "n*e", n=n_held, e=key_entry))
            # Scores q·k for every head and token, then the per-head weighting (a matmul too).
            decode += weight_flops(indexer, 1) + ledger(
                term("indexer_scores", "2*H_I*(D_I+1)*(L+1)", H_I=H_I, D_I=D_I, L=L))
            prefill += weight_flops(indexer, L) + ledger(
                term("indexer_scores", "2*H_I*(D_I+1)*L*L", H_I=H_I, D_I=D_I, L=L)
                if env.executed else
                term("indexer_scores", "2*H_I*(D_I+1)*tri(L)", H_I=H_I, D_I=D_I, L=L))
        return PartCosts(
            params=params,
            cache_bytes=cache,
            cache_read_bytes=read,
            cache_write_bytes=written,
            prefill_flops=prefill,
            decode_flops=decode,
        )
