"""Multi-head latent attention (MLA), optionally with DeepSeek V3.2's lightning indexer (DSA).

Symbols: D hidden, H query heads, r_q q_lora_rank (unset: a plain q_proj), c kv_lora_rank,
d_n qk_nope_head_dim, d_r qk_rope_head_dim, d_v v_head_dim; indexer: H_I heads, D_I head dim,
k top-k tokens.

Weights [parameters]: q_a D·r_q, q_b r_q·H·(d_n + d_r) (or q_proj D·H·(d_n + d_r)),
kv_a D·(c + d_r), kv_b c·H·(d_n + d_v), o H·d_v·D. Indexer: wq_b r_q·H_I·D_I, wk D·D_I,
weights_proj D·H_I (DeepSeek-V3.2-Exp ``inference/model.py`` ``Indexer``). Without matrix work
(no FLOPs): the latent norms r_q + c (``latent_norms``: ``q_a_layernorm``, ``kv_a_layernorm``)
and the indexer's key LayerNorm 2·D_I.

Cache [bytes per token]: the latent c and the rotary key d_r (one entry, not per-head K and V:
DeepSeek-V2 §2.1.3), plus the indexer key D_I when there is an indexer. The reference
(transformers 5.23.0 ``DeepseekV32``) stores them in the model dtype: (512 + 64 + 128) x 2 =
1,408 B in bf16. DeepSeek's production format (``--kv-dtype native``) pins the latent to fp8 with
one fp32 scale per 128, the rope part to bf16 (FlashMLA README: 656 B) and the indexer key to fp8
with one fp32 scale (V3.2-Exp ``k_cache`` + ``k_scale_cache``: 132 B). Storage is per engine:
under ``vllm``, ``native`` is vLLM's ``fp8_ds_mla`` (``vllm_mla_entry_bytes``) and the indexer
key its 132 B fp8 layout; under ``llamacpp`` there is no such layout: llama.cpp keeps a K-only
MLA cache of c + d_r values and an indexer-key cache of D_I values, both ``type_k`` (F16 unless
given; ``native`` is F16), ``kv_size x n_stream`` cells each (llama.cpp 0c1e57098
``src/llama-kv-cache-dsa.cpp:33-53``, ``src/llama-kv-cache.cpp:225-234``: ``has_v = !is_mla``):
(576 + 128) x 2 = 1,408 B per token and layer.

Per accounting: reference and full-context L entries (no window, no state: full-context is
the reference here, as in DeepSeek-V2 §2.1.3's (d_c + d_R)·l per token); vllm whole blocks of
the device's MLA page (``vllm_mla_block_tokens``: 64 sparse, dense 16 or 32 on Blackwell) of
vLLM's layouts (``vllm_mla_entry_bytes``; indexer keys
``lccost.accounting.vllm_indexer_key_bytes``); llamacpp ``kv_size x n_stream`` cells (the
context padded to 256; ``lccost.accounting.LlamaCppParams``).

Decode at L [FLOPs], useful: weights absorbed (DeepSeek-V2 §2.1.2: W_UK into the query, W_UV
into the output; the absorbed products cost the same as kv_b on one token): 2·(weights) +
QK 2·H·(c + d_r)·n + AV 2·H·c·n, n = min(L + 1, k) with an indexer (top-k tokens), else L + 1.
Executed (transformers 5.23.0, no absorption): kv_b re-expands all L + 1 latents,
2·c·H·(d_n + d_v)·(L + 1), and attention is dense over L + 1 keys, 2·H·(d_n + d_r + d_v)·(L + 1).
Indexer: 2·(its weights) + scores 2·H_I·D_I·(L + 1), over every cached token (V3.2 §2.1: O(L)
per query); the per-head weighting is not counted (``lccost.conventions``, lightning indexers).
Executed adds it, 2·H_I·(L + 1): transformers' ``DeepseekV32Indexer`` runs it as a matmul.

Prefill of L [FLOPs]: not absorbed (kv_b expands every token): 2·(weights)·L +
2·H·(d_n + d_r + d_v)·S, S = Σ min(i, k) (useful) or L² (executed); indexer
2·H_I·D_I·tri(L) (useful) or 2·H_I·(D_I + 1)·L² (executed).

References: DeepSeek-AI, DeepSeek-V2 (arXiv 2405.04434) §2.1; DeepSeek-V3.2-Exp technical report
§2.1 (DSA); FlashMLA README (fp8 cache layout).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lccost.accounting import (
    VllmDevice,
    bits,
    full_tokens_rule,
    no_vllm_cache,
    paging_period,
    vllm_indexer_key_bytes,
    vllm_pages,
    vllm_unsupported_device,
)
from lccost.conventions import NATIVE_KV, Accounting
from lccost.errors import LccostError
from lccost.ledger import Ledger, PartCosts, Term, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.storage import StorageFormat
from lccost.strict import SpecModel

VLLM_FP8_DS_MLA_BYTES = 656
"""vLLM's ``fp8_ds_mla`` MLA entry (DeepSeek V3.2 geometry, 512 latent + 64 rotary dims):
512 fp8 e4m3 values + 4 fp32 scales (one per 128) + 64 bf16 rotary values = 512 + 16 + 128
(vLLM 0.33.0 ``v1/attention/backends/mla/flashmla_sparse.py`` layout note;
``model_executor/layers/attention/mla_attention.py`` ``get_kv_cache_spec``:
``state_content_bytes={"fp8_ds_mla": 656, "nvfp4_ds_mla": 352}``)."""

VLLM_NVFP4_DS_MLA_BYTES = 352
"""vLLM's ``nvfp4_ds_mla`` MLA entry: 512 e2m1 values packed 2 per byte + 64 fp8 rotary values
+ 32 fp8 scales (one per 16) = 256 + 64 + 32 (same sources as ``VLLM_FP8_DS_MLA_BYTES``)."""


def vllm_mla_block_tokens(device: VllmDevice, sparse: bool) -> int:
    """Tokens per vLLM page of MLA on ``device``: ``vllm_pages(device)``'s sparse MLA page (64;
    it comes from the sparse MLA backends and the V3.2 indexer backend, not from a rule in
    ``platforms/cuda.py``) with an indexer, its dense MLA page (16; 32 on Blackwell) without;
    refused where the sparse page is not modelled."""
    pages = vllm_pages(device)
    if not sparse:
        return pages.dense_mla
    if pages.sparse_mla is None:
        raise vllm_unsupported_device(device, "sparse MLA (DeepSeek V3.2)")
    return pages.sparse_mla


def vllm_mla_entry_bytes(latent_dim: int, rope_dim: int, kv_dtype: str, sparse: bool) -> int:
    """Bytes of one MLA cache entry (latent ``c`` + rotary key ``d_r``) in vLLM.

    One tensor of ``c + d_r`` values per token, no separate V (``MLAAttentionSpec``:
    ``head_size_v = 0``). 16- and 32-bit dtypes: ``(c + d_r) x bytes`` (1,152 B for V3 in
    bf16). Sparse MLA (DeepSeek V3.2, with an indexer) runs on FlashMLA-sparse, which serves
    every quantized cache dtype except ``nvfp4_ds_mla`` as ``fp8_ds_mla``, 656 B (vLLM 0.33.0
    ``model_executor/layers/attention/mla_attention.py``
    ``_canonicalize_sparse_mla_kv_cache_dtype``); ``--kv-dtype native`` (DeepSeek's fp8 layout)
    is ``fp8_ds_mla`` too, and lccost reads ``--kv-dtype nvfp4`` as vLLM's ``nvfp4_ds_mla``,
    352 B. Dense MLA: per-tensor fp8, ``c + d_r`` bytes.
    """
    if kv_dtype != NATIVE_KV and bits(kv_dtype) >= 16:
        return (latent_dim + rope_dim) * bits(kv_dtype) // 8
    if kv_dtype in ("fp4", "mxfp4"):
        raise no_vllm_cache(kv_dtype, "MLA")
    if not sparse:
        if kv_dtype in (NATIVE_KV, "fp8"):
            return latent_dim + rope_dim
        raise no_vllm_cache(kv_dtype, "dense MLA; use fp8 or a 16-bit dtype")
    if (latent_dim, rope_dim) != (512, 64):
        raise LccostError(
            f"--accounting vllm: vLLM's fp8_ds_mla / nvfp4_ds_mla layouts are fixed to a "
            f"512-wide latent and 64 rotary dims, not {latent_dim} + {rope_dim}"
        )
    return VLLM_NVFP4_DS_MLA_BYTES if kv_dtype == "nvfp4" else VLLM_FP8_DS_MLA_BYTES


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
    latent_norms: bool = Field(False, description="RMSNorms on the q and kv latents (r_q + c)")
    indexer: LightningIndexer | None = None
    cache_format: MLACacheFormat | None = None

    def summary(self) -> str:
        sparse = f" + indexer top-{self.indexer.top_k}" if self.indexer else ""
        return f"MLA {self.query_heads}h latent {self.kv_lora_rank}+{self.qk_rope_head_dim}{sparse}"

    def vllm_page_token_bytes(self, env: LayerEnv) -> int:
        """vLLM's MLA entry (``vllm_mla_entry_bytes``): what a hybrid model's state pages are
        padded to when its attention is MLA (``_align_hybrid_block_size`` builds the 1-token
        page from ``MLAAttentionSpec`` when ``use_mla``)."""
        return vllm_mla_entry_bytes(
            self.kv_lora_rank,
            self.qk_rope_head_dim,
            env.workload.effective_kv_dtype,
            self.indexer is not None,
        )

    def _block_tokens(self, env: LayerEnv) -> int:
        """vLLM's block: ``--block-size``, else ``vllm_mla_block_tokens`` on the device."""
        workload = env.workload
        if workload.block_size is not None or workload.accounting is not Accounting.VLLM:
            return env.block_size()
        return vllm_mla_block_tokens(workload.device, sparse=self.indexer is not None)

    def cache_period(self, env: LayerEnv) -> int:
        """The page (vllm) or cell padding (llamacpp) the cache grows by; 1 otherwise."""
        return paging_period(env.workload.accounting, self._block_tokens(env))

    def context_problems(self, max_context: int) -> list[tuple[tuple[str, ...], str]]:
        """A top-k above ``max_context`` tokens selects nothing more: a mistyped spec."""
        if self.indexer is None or self.indexer.top_k <= max_context:
            return []
        return [
            (
                ("indexer", "top_k"),
                f"top_k {self.indexer.top_k} exceeds the {max_context} "
                f"entries that exist at max_context {max_context}",
            )
        ]

    def _params(self, D: int) -> Ledger:
        H, r_q = self.query_heads, self.q_lora_rank
        c, d_r, d_n, d_v = (
            self.kv_lora_rank,
            self.qk_rope_head_dim,
            self.qk_nope_head_dim,
            self.v_head_dim,
        )
        return ledger(
            term("q_a_proj", "D*r_q", D=D, r_q=r_q) if r_q else None,
            term("q_b_proj", "r_q*H*(d_n+d_r)", r_q=r_q, H=H, d_n=d_n, d_r=d_r) if r_q else None,
            None if r_q else term("q_proj", "D*H*(d_n+d_r)", D=D, H=H, d_n=d_n, d_r=d_r),
            term("kv_a_proj", "D*(c+d_r)", D=D, c=c, d_r=d_r),
            term("kv_b_proj", "c*H*(d_n+d_v)", c=c, H=H, d_n=d_n, d_v=d_v),
            term("o_proj", "H*d_v*D", H=H, d_v=d_v, D=D),
        )

    # --- cache, per accounting -------------------------------------------------------------

    def _format(self) -> MLACacheFormat:
        return self.cache_format or MLACacheFormat()

    def _latent_entry_bytes(self, env: LayerEnv) -> int:
        """One latent + rotary key: vLLM's layout under vllm (``vllm_mla_entry_bytes``), else
        c + d_r values in the cache format (pinned parts under ``native``)."""
        workload, fmt = env.workload, self._format()
        if workload.accounting is Accounting.VLLM:
            return vllm_mla_entry_bytes(
                self.kv_lora_rank,
                self.qk_rope_head_dim,
                workload.effective_kv_dtype,
                sparse=self.indexer is not None,
            )
        return workload.cache_entry_bytes(
            ((self.kv_lora_rank, fmt.latent), (self.qk_rope_head_dim, fmt.rope))
        )

    def _indexer_key_bytes(self, env: LayerEnv, indexer: LightningIndexer) -> int:
        """One indexer key: vLLM's fp8 key under vllm, else D_I values in the cache format."""
        if env.workload.accounting is Accounting.VLLM:
            return vllm_indexer_key_bytes(indexer.head_dim)
        return env.workload.cache_entry_bytes(((indexer.head_dim, self._format().indexer_key),))

    # --- FLOPs, per convention --------------------------------------------------------------

    def _attention_flops(self, env: LayerEnv, params: Ledger) -> tuple[Ledger, Ledger]:
        """(decode, prefill) FLOPs of the weights and the attention (module docstring)."""
        H, L = self.query_heads, env.context_tokens
        c, d_r, d_n, d_v = (
            self.kv_lora_rank,
            self.qk_rope_head_dim,
            self.qk_nope_head_dim,
            self.v_head_dim,
        )
        prefill_weights = weight_flops(params, L)
        if env.executed:
            # transformers 5.23.0 DeepseekV3/V32Attention: no weight absorption; kv_b_proj
            # re-expands every cached latent each step, and attention is dense (the top-k is a
            # mask, not a gather).
            weights = ledger(*(t for t in weight_flops(params, 1) if t.name != "kv_b_proj"))
            decode = weights + ledger(
                term("kv_b_proj", "2*c*H*(d_n+d_v)*(L+1)", c=c, H=H, d_n=d_n, d_v=d_v, L=L),
                term("attn_qk+av", "2*H*(d_n+d_r+d_v)*(L+1)", H=H, d_n=d_n, d_r=d_r, d_v=d_v, L=L),
            )
            return decode, prefill_weights + ledger(
                term("attn_qk+av", "2*H*(d_n+d_r+d_v)*L*L", H=H, d_n=d_n, d_r=d_r, d_v=d_v, L=L)
            )
        # Useful: absorbed decode over min(L + 1, k) latents (k the indexer's top-k), or all
        # L + 1 without an indexer. No symbol may stand for a value derived from L:
        # --generate re-evaluates each formula at L + 1, L + 2, ... with the other symbols as
        # bound, so such a symbol would go stale (issue 16).
        if self.indexer is not None:
            k = self.indexer.top_k
            decode_attn = term(
                "attn_qk+av", "2*H*(2*c+d_r)*min(L+1, k)", H=H, c=c, d_r=d_r, L=L, k=k
            )
            prefill_attn = term(
                "attn_qk+av",
                "2*H*(d_n+d_r+d_v)*sum_window(L, k)",
                H=H,
                d_n=d_n,
                d_r=d_r,
                d_v=d_v,
                L=L,
                k=k,
            )
        else:
            decode_attn = term("attn_qk+av", "2*H*(2*c+d_r)*(L+1)", H=H, c=c, d_r=d_r, L=L)
            prefill_attn = term(
                "attn_qk+av", "2*H*(d_n+d_r+d_v)*tri(L)", H=H, d_n=d_n, d_r=d_r, d_v=d_v, L=L
            )
        return (
            weight_flops(params, 1) + ledger(decode_attn),
            prefill_weights + ledger(prefill_attn),
        )

    def _indexer_scores(self, env: LayerEnv, indexer: LightningIndexer) -> tuple[Term, Term]:
        """(decode, prefill) scoring of every cached token. useful: the score products q·k,
        2·H_I·D_I per token scored (``lccost.conventions``, lightning indexers). executed:
        transformers' ``DeepseekV32Indexer`` also applies the per-head weighting as a matmul
        (weights[1 x H_I] @ scores[H_I x T]), which FlopCounterMode counts: 2·H_I·(D_I + 1)."""
        H_I, D_I, L = indexer.heads, indexer.head_dim, env.context_tokens
        if env.executed:
            return (
                term("indexer_scores", "2*H_I*(D_I+1)*(L+1)", H_I=H_I, D_I=D_I, L=L),
                term("indexer_scores", "2*H_I*(D_I+1)*L*L", H_I=H_I, D_I=D_I, L=L),
            )
        return (
            term("indexer_scores", "2*H_I*D_I*(L+1)", H_I=H_I, D_I=D_I, L=L),
            term("indexer_scores", "2*H_I*D_I*tri(L)", H_I=H_I, D_I=D_I, L=L),
        )

    # --- the parts --------------------------------------------------------------------------

    def _latent_part(self, env: LayerEnv, n_held: int) -> PartCosts:
        params = self._params(env.hidden_size)
        entry = self._latent_entry_bytes(env)
        idx = self.indexer
        decode, prefill = self._attention_flops(env, params)
        r_q, c = self.q_lora_rank, self.kv_lora_rank
        norms = ledger(
            term("q_a_layernorm", "r_q", r_q=r_q) if r_q and self.latent_norms else None,
            term("kv_a_layernorm", "c", c=c) if self.latent_norms else None,
        )
        return PartCosts(
            params=params + norms,
            cache_bytes=ledger(term("latent_cache", "n*e", n=n_held, e=entry)),
            cache_read_bytes=ledger(
                term("latent_read", "min(n, k)*e", n=n_held, k=idx.top_k, e=entry)
                if idx
                else term("latent_read", "n*e", n=n_held, e=entry)
            ),
            cache_write_bytes=ledger(term("latent_write", "e", e=entry)),
            prefill_flops=prefill,
            decode_flops=decode,
        )

    def _indexer_part(self, env: LayerEnv, n_held: int, indexer: LightningIndexer) -> PartCosts:
        D, L, r_q = env.hidden_size, env.context_tokens, self.q_lora_rank
        H_I, D_I = indexer.heads, indexer.head_dim
        params = ledger(
            term("indexer.wq_b", "r_q*H_I*D_I", r_q=r_q or D, H_I=H_I, D_I=D_I),
            term("indexer.wk", "D*D_I", D=D, D_I=D_I),
            term("indexer.weights_proj", "D*H_I", D=D, H_I=H_I),
        )
        key = self._indexer_key_bytes(env, indexer)
        decode_scores, prefill_scores = self._indexer_scores(env, indexer)
        return PartCosts(
            params=params + ledger(term("indexer.k_norm", "2*D_I", D_I=D_I)),
            cache_bytes=ledger(term("indexer_key_cache", "n*e", n=n_held, e=key)),
            cache_read_bytes=ledger(term("indexer_key_read", "n*e", n=n_held, e=key)),
            cache_write_bytes=ledger(term("indexer_key_write", "e", e=key)),
            prefill_flops=weight_flops(params, L) + ledger(prefill_scores),
            decode_flops=weight_flops(params, 1) + ledger(decode_scores),
        )

    def costs(self, env: LayerEnv) -> PartCosts:
        accounting, block, llamacpp = (
            env.workload.accounting,
            self._block_tokens(env),
            env.workload.llamacpp,
        )
        n_held = env.per_context(full_tokens_rule(accounting, block, llamacpp))
        latent = self._latent_part(env, n_held)
        if self.indexer is None:
            return latent
        return latent + self._indexer_part(env, n_held, self.indexer)
