"""Multi-head, grouped-query and multi-query attention, full or sliding-window, with cross-layer
KV sharing.

Symbols (per layer): D hidden size, H query heads, K key/value heads (H = K: MHA; K = 1: MQA),
d head dim, W window (keys a query sees, itself included), L context tokens.

Weights [parameters]: q_proj D·H·d, k_proj D·K·d, v_proj D·K·d (absent when K = V, Gemma 4
``attention_k_eq_v``), o_proj H·d·D, output gate D·H per head (Laguna XS.2 ``g_proj``) or D·H·d
per element. A layer that reads another layer's cache has no k_proj/v_proj (transformers 5.23.0
``Gemma4TextAttention``: reuse layers have only q_proj, q_norm, o_proj). Parameters that do no
matrix work (so no FLOPs): biases H·d + 2·K·d on q/k/v (``qkv_bias``; K·d once when K = V) and
D on o_proj (``o_bias``); query/key norms (``qk_norm``) of d weights each when shared by the
heads ("head": Qwen3, Gemma; "head_ln": LayerNorms with bias, 2·d each, Persimmon, Phi) or
H·d and K·d when over all heads ("full": OLMo 2, Cohere);
attention sinks, one learned logit per query head, H (``sinks``: gpt-oss).

Cache [bytes]: K and V, 2·K·d values per token, for the tokens the accounting holds
(``lccost.accounting``). K = V still stores two tensors in the reference: V = v_norm(x·W_k) and
K = RoPE(k_norm(x·W_k)) differ (modeling_gemma4.py L1226), so only weights shrink. A layer that
reads another layer's cache holds nothing.

Per accounting (rules in ``lccost.accounting``): reference min(L, W - 1) on a sliding layer
(transformers keeps W - 1), L on a full one; full-context L on every owning layer, the window
ignored (the textbook 2·N·K·d·L; ``docs/accountings.md``); vllm whole blocks, a sliding layer
freeing only blocks wholly before the window, plus per-token-head scales for int8/int4;
llamacpp the entry point's cells (llama-server's defaults: the context padded to 256, a sliding
layer pad(min(n_ctx, W x 4 + 512), 256) cells; ``lccost.accounting.LlamaCppParams``).

vLLM page (``--accounting vllm`` without ``--block-size``): ``lccost.accounting.vllm_pages``
on the device (16 on every modelled CUDA device: FLASH_ATTN on SM 8.x / 9.0 / 12.x, FLASHINFER
on SM 10.x). Refused: an fp8 cache with head dim 512 on Hopper, where FA4's fp8 kernel needs
64-token pages (vLLM 0.33.0 ``v1/attention/backends/flash_attn.py:300-326``) while vLLM mixes
per-layer FA3 / FA4 for Gemma 4 (``model_executor/models/config.py:301-368``): not modelled.

Decode at L [FLOPs]: 2·(projection weights) + QKᵀ 2·H·d·n + AV 2·H·d·n with
n = L + 1 (full) or min(L + 1, W) (sliding): the new token sees the cached tokens and itself.

Prefill of L [FLOPs]: 2·(projection weights)·L + 4·H·d·S, S = Σ_{i=1..L} min(i, W) (useful:
causal triangle, window-clamped) or S = L² (executed: the eager reference computes the whole
masked L x L score matrix).

References: Vaswani et al. 2017 (MHA); Ainslie et al. 2023, GQA; Shazeer 2019, MQA;
Brandon et al. 2024, "Reducing Transformer Key-Value Cache Size with Cross-Layer Attention";
transformers 5.23.0 models/gemma4 and models/laguna.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from pydantic import Field, model_validator

from lccost.accounting import (
    VllmDevice,
    full_tokens_rule,
    paging_period,
    vllm_kv_scale_bytes,
    vllm_pages,
    window_tokens_rule,
)
from lccost.conventions import Accounting
from lccost.errors import LccostError
from lccost.ledger import Ledger, PartCosts, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec, PeakAttention
from lccost.storage import StorageFormat

VLLM_SM90_FP8_HD512_BLOCK_TOKENS = 64
"""FA4's fp8-dequant kernel on Hopper pages in 64 tokens (``flash_attn.py:300-326``)."""


def vllm_attention_block_tokens(device: VllmDevice, head_dim: int, kv_dtype: str) -> int:
    """Tokens per vLLM page of standard attention on ``device``: ``vllm_pages(device).attention``,
    refused for an fp8 cache of head dim 512 on Hopper (module docstring)."""
    if device.capability[0] == 9 and head_dim == 512 and kv_dtype == "fp8":
        raise LccostError(
            f"--accounting vllm: on {device.describe()} an fp8 cache with head dim 512 runs on "
            f"FA4's {VLLM_SM90_FP8_HD512_BLOCK_TOKENS}-token fp8 pages while other layers may run "
            "on FA3 (vLLM 0.33.0 flash_attn.py:300-326, models/config.py:301-368); lccost does "
            "not model that mix: give --block-size"
        )
    return vllm_pages(device).attention


class Attention(MechanismSpec):
    """``kind: attention``: MHA / GQA / MQA, full (``window`` unset) or sliding-window."""

    kind: Literal["attention"] = "attention"
    query_heads: int = Field(ge=1, description="H: query heads of this layer")
    kv_heads: int = Field(ge=1, description="K: key/value heads (H = K: MHA, K = 1: MQA)")
    head_dim: int = Field(ge=1, description="d: width of one head")
    window: int | None = Field(
        None, ge=1, description="W: keys a query sees, itself included; unset = full attention"
    )
    k_eq_v: bool = Field(False, description="values reuse the key projection (no v_proj)")
    output_gate: Literal["none", "per_head", "per_element"] = Field(
        "none", description="a gate on each head's output (Laguna XS.2: per_head)"
    )
    qkv_bias: bool = Field(False, description="q_proj, k_proj and v_proj have biases")
    o_bias: bool = Field(False, description="o_proj has a bias")
    qk_norm: Literal["none", "head", "head_ln", "full"] = Field(
        "none",
        description="query/key norms: head = d weights each, head_ln = d weights and d "
        "biases each, full = H·d and K·d weights",
    )
    sinks: bool = Field(False, description="a learned sink logit per query head (gpt-oss)")
    kv_source_layer: int | None = Field(
        None, ge=0, description="read this earlier layer's cache instead of holding one"
    )
    cache_format: StorageFormat | None = Field(
        None, description="storage format pinned for --kv-dtype native"
    )

    @model_validator(mode="after")
    def _heads_group(self) -> Attention:
        if self.query_heads % self.kv_heads:
            raise ValueError(
                f"query_heads ({self.query_heads}) must be a multiple of kv_heads "
                f"({self.kv_heads}): each KV head serves a whole group of query heads"
            )
        return self

    @property
    def owns_cache(self) -> bool:
        return self.kv_source_layer is None

    def reads_cache_of(self) -> int | None:
        return self.kv_source_layer

    def sharing_group(self) -> object:
        """HF's layer type (``full_attention`` / ``sliding_attention``): the window."""
        return ("attention", self.window)

    def reading_cache_of(self, layer: int) -> Attention:
        return self.model_copy(update={"kv_source_layer": layer})

    def sharing_problem(self, source: MechanismSpec) -> str | None:
        """A layer reads only a cache of its own kind, window and shape, held by its owner."""
        if not isinstance(source, Attention):
            return "the source must be kind: attention"
        if source.kv_source_layer is not None:
            return (
                f"the source itself reads layer {source.kv_source_layer}; point at the "
                "layer that owns the cache"
            )
        if (source.window, source.kv_heads, source.head_dim) != (
            self.window,
            self.kv_heads,
            self.head_dim,
        ):
            return (
                f"this layer (window {self.window}, {self.kv_heads} kv heads x "
                f"{self.head_dim}) and the source (window {source.window}, "
                f"{source.kv_heads} x {source.head_dim}) differ; a layer can only read a "
                "cache of the same type and shape"
            )
        return None

    def _block_tokens(self, env: LayerEnv) -> int:
        """vLLM's page: ``--block-size``, else ``vllm_attention_block_tokens`` on the device."""
        workload = env.workload
        if workload.block_size is not None or workload.accounting is not Accounting.VLLM:
            return env.block_size()
        return vllm_attention_block_tokens(
            workload.device, self.head_dim, workload.effective_kv_dtype
        )

    def cache_period(self, env: LayerEnv) -> int:
        """The page (vllm) or cell padding (llamacpp) the cache grows by; 1 otherwise."""
        return paging_period(env.workload.accounting, self._block_tokens(env))

    def query_heads_per_kv_head(self) -> int:
        return self.query_heads // self.kv_heads

    def sliding_window(self) -> int | None:
        return self.window

    def context_problems(self, max_context: int) -> list[tuple[tuple[str, ...], str]]:
        """A window wider than ``max_context`` never slides: the layer is full attention, and
        writing it as a window is most likely a slip (say ``window`` unset instead)."""
        if self.window is None or self.window <= max_context:
            return []
        return [
            (
                ("window",),
                f"window {self.window} exceeds max_context {max_context}; "
                "unset window for full attention",
            )
        ]

    def summary(self) -> str:
        span = "full" if self.window is None else f"window {self.window}"
        shape = f"{self.query_heads}q/{self.kv_heads}kv x {self.head_dim}"
        source = "" if self.owns_cache else f", reads layer {self.kv_source_layer}'s KV"
        return f"GQA {span} {shape}{source}"

    def held_tokens(self, env: LayerEnv) -> int:
        """Tokens of K and V this layer's own cache holds after L tokens."""
        workload = env.workload
        accounting, block, window = workload.accounting, self._block_tokens(env), self.window
        llamacpp = workload.llamacpp
        if window is None:
            return env.per_context(full_tokens_rule(accounting, block, llamacpp))
        return env.per_context(window_tokens_rule(window, accounting, block, llamacpp))

    def entry_bytes(self, env: LayerEnv) -> int:
        """Bytes of one token's K and V: 2·K·d values in the cache format, plus under vllm its
        per-token-head scales (``lccost.accounting.vllm_kv_scale_bytes``)."""
        workload = env.workload
        entry = workload.cache_entry_bytes(
            ((2 * self.kv_heads * self.head_dim, self.cache_format),)
        )
        if workload.accounting is Accounting.VLLM:
            entry += vllm_kv_scale_bytes(self.kv_heads, workload.effective_kv_dtype)
        return entry

    def peak_attention(self, env: LayerEnv) -> PeakAttention | None:
        """The shape, with e = ``entry_bytes`` under the ``reference`` accounting: 2·K·d values
        even with ``k_eq_v`` (module docstring: K and V are two different tensors there).
        None (not modelled) with an output gate: its B·L·H(·d) gate tensor is alive at the
        attention point and ``lccost.peak`` has no term for it."""
        if self.output_gate != "none":
            return None
        reference = replace(env, workload=replace(env.workload, accounting=Accounting.REFERENCE))
        return PeakAttention(
            self.query_heads,
            self.kv_heads,
            self.head_dim,
            self.window,
            self.owns_cache,
            self.entry_bytes(reference),
        )

    def _vector_params(self, D: int) -> Ledger:
        """Biases and norm weights: parameters without matrix work (no FLOPs)."""
        H, K, d, owns = self.query_heads, self.kv_heads, self.head_dim, self.owns_cache
        kv_tensors = 0 if not owns else 1 if self.k_eq_v else 2
        return ledger(
            term("qkv_bias", "H*d + n*K*d", H=H, d=d, n=kv_tensors, K=K) if self.qkv_bias else None,
            term("o_bias", "D", D=D) if self.o_bias else None,
            term("qk_norm", "(1 + k)*d", k=int(owns), d=d) if self.qk_norm == "head" else None,
            term("qk_norm", "(1 + k)*2*d", k=int(owns), d=d) if self.qk_norm == "head_ln" else None,
            term("qk_norm", "H*d + k*K*d", H=H, k=int(owns), K=K, d=d)
            if self.qk_norm == "full"
            else None,
            term("sinks", "H", H=H) if self.sinks else None,
        )

    def vllm_page_token_bytes(self, env: LayerEnv) -> int | None:
        """``entry_bytes`` for a layer that holds its own cache."""
        return self.entry_bytes(env) if self.owns_cache else None

    def costs(self, env: LayerEnv) -> PartCosts:
        D, H, K, d, L = (
            env.hidden_size,
            self.query_heads,
            self.kv_heads,
            self.head_dim,
            env.context_tokens,
        )
        owns = self.owns_cache
        matmuls = params = ledger(
            term("q_proj", "D*H*d", D=D, H=H, d=d),
            term("k_proj", "D*K*d", D=D, K=K, d=d) if owns else None,
            term("v_proj", "D*K*d", D=D, K=K, d=d) if owns and not self.k_eq_v else None,
            term("o_proj", "H*d*D", H=H, d=d, D=D),
            term("gate_proj", "D*H", D=D, H=H) if self.output_gate == "per_head" else None,
            term("gate_proj", "D*H*d", D=D, H=H, d=d)
            if self.output_gate == "per_element"
            else None,
        )
        params = params + self._vector_params(D)
        if self.window is None:
            decode_attn = ledger(term("attn_qk+av", "4*H*d*(L+1)", H=H, d=d, L=L))
            useful = term("attn_qk+av", "4*H*d*tri(L)", H=H, d=d, L=L)
        else:
            W = self.window
            decode_attn = ledger(term("attn_qk+av", "4*H*d*min(L+1, W)", H=H, d=d, L=L, W=W))
            useful = term("attn_qk+av", "4*H*d*sum_window(L, W)", H=H, d=d, L=L, W=W)
        prefill_attn = ledger(
            term("attn_qk+av", "4*H*d*L*L", H=H, d=d, L=L) if env.executed else useful
        )

        reader = self if owns else env.kv_source
        # sharing_problem admits only an owning Attention as the source.
        assert isinstance(reader, Attention), "a KV-sharing layer is costed with its source"
        read_tokens, read_entry = reader.held_tokens(env), reader.entry_bytes(env)
        if owns:
            held = ledger(term("kv_cache", "n*e", n=read_tokens, e=read_entry))
            written = ledger(term("kv_write", "e", e=read_entry))
        else:
            held = written = ledger()
        return PartCosts(
            params=params,
            cache_bytes=held,
            cache_read_bytes=ledger(term("kv_read", "n*e", n=read_tokens, e=read_entry)),
            cache_write_bytes=written,
            prefill_flops=weight_flops(matmuls, L) + prefill_attn,
            decode_flops=weight_flops(matmuls, 1) + decode_attn,
        )
