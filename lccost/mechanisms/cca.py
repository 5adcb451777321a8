"""Compressed convolutional attention (CCA), ZAYA1's attention in a compressed latent space.

Symbols: D hidden, H latent query heads, K KV heads, d head dim, C = (H + K)·d the channels of
concat[q, k] that the convolutions mix, k0 the depthwise kernel (``cca_time0``), k1 the grouped
kernel (``cca_time1``; H + K groups of d channels), L context tokens, W an optional window.

Weights [parameters] (transformers 5.23.0 ``ZayaCCAProjection``): q_proj D·H·d, k_proj D·K·d,
v_proj_current and v_proj_delayed D·K·d/2 each, o_proj H·d·D, depthwise conv C·k0, grouped conv
C·d·k1; without matrix work (no FLOPs): the two conv biases, C each, and the q/k norm's
temperature, 2 values (``qk_norm.temp``).

Cache after L tokens [values]: K and V, 2·K·d per token, plus a fixed-size state: the conv
state, the pre-convolution q/k projections of the last (k0 - 1) + (k1 - 1) tokens, C values
each, and the value-shift state, the delayed value projection of the last token, K·d/2 values
(``ZayaCCAProjection.forward``: ``update_conv_state``, ``update_recurrent_state``).

Per accounting: reference K and V as for ``attention``, plus both states; full-context L tokens
of K and V (a window ignored, as for ``attention``), no state (``docs/accountings.md``); vllm
whole blocks, the states held as one Mamba-style page padded to one attention page (the block
raised to fit it: ``lccost.accounting.vllm_hybrid_block_size``); llamacpp padded cells, states
in the reference layout.

Decode at L [FLOPs]: 2·(projection weights) + depthwise conv 2·C·k0·k1 (the grouped conv needs
k1 depthwise outputs, recomputed from the conv state) + grouped conv 2·C·d·k1 + attention
4·H·d·n, n = L + 1 (or min(L + 1, W)).
Prefill of L [FLOPs]: 2·(projection weights)·L + 2·C·k0·(L + k1 - 1) + 2·C·d·k1·L +
4·H·d·S, S = Σ min(i, W) (useful) or L² (executed).

References: Figliolia et al., "Compressed Convolutional Attention", arXiv 2510.04476 §II-B;
Zyphra, ZAYA1-8B technical report, arXiv 2605.05365 App. C; transformers 5.23.0 models/zaya.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lccost.accounting import (
    counts_states,
    full_tokens_rule,
    paging_period,
    vllm_hybrid_block_size,
    vllm_kv_scale_bytes,
    vllm_pages,
    window_tokens_rule,
)
from lccost.conventions import Accounting
from lccost.ledger import Ledger, PartCosts, Term, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec


class CompressedConvolutionalAttention(MechanismSpec):
    """``kind: cca``: attention on compressed q/k mixed by two causal convolutions."""

    kind: Literal["cca"] = "cca"
    query_heads: int = Field(ge=1, description="H: latent query heads")
    kv_heads: int = Field(ge=1, description="K")
    head_dim: int = Field(ge=1, description="d")
    conv_kernel: int = Field(ge=1, description="k0: depthwise kernel (cca_time0)")
    grouped_conv_kernel: int = Field(ge=1, description="k1: grouped kernel (cca_time1)")
    window: int | None = Field(None, ge=1, description="W: optional sliding window")

    @model_validator(mode="after")
    def _shapes(self) -> CompressedConvolutionalAttention:
        if self.query_heads % self.kv_heads:
            raise ValueError(
                f"query_heads ({self.query_heads}) must be a multiple of kv_heads ({self.kv_heads})"
            )
        if (self.kv_heads * self.head_dim) % 2:
            raise ValueError(
                "kv_heads x head_dim must be even: half of each value comes from "
                "the current token, half from the previous one"
            )
        return self

    def summary(self) -> str:
        return f"CCA {self.query_heads}q/{self.kv_heads}kv x {self.head_dim}"

    def query_heads_per_kv_head(self) -> int:
        return self.query_heads // self.kv_heads

    def sliding_window(self) -> int | None:
        return self.window

    def _state_elements(self) -> tuple[int, int]:
        """(conv state, value-shift state) values: ((k0 - 1) + (k1 - 1))·C and K·d/2."""
        C = (self.query_heads + self.kv_heads) * self.head_dim
        return (
            (self.conv_kernel - 1) + (self.grouped_conv_kernel - 1)
        ) * C, self.kv_heads * self.head_dim // 2

    def _vllm_entry_bytes(self, env: LayerEnv) -> int:
        workload = env.workload
        return workload.cache_entry_bytes(
            ((2 * self.kv_heads * self.head_dim, None),)
        ) + vllm_kv_scale_bytes(self.kv_heads, workload.effective_kv_dtype)

    def _vllm_state_bytes(self, env: LayerEnv) -> int:
        return env.workload.weight_format.whole_bytes_for(sum(self._state_elements()))

    def _vllm_block_tokens(self, env: LayerEnv) -> int:
        """Tokens per page under ``vllm``: the block raised until one page holds the CCA state
        (``lccost.accounting.vllm_hybrid_block_size``)."""
        return vllm_hybrid_block_size(
            self._vllm_state_bytes(env),
            self._vllm_entry_bytes(env),
            env.block_size(vllm_pages(env.workload.device).attention),
        )

    def cache_period(self, env: LayerEnv) -> int:
        """vllm: its raised block; llamacpp: the 256-cell padding; 1 otherwise."""
        accounting = env.workload.accounting
        if accounting is Accounting.VLLM:
            return self._vllm_block_tokens(env)
        return paging_period(accounting, env.block_size())

    # --- cache, per accounting -------------------------------------------------------------

    def _entry_bytes(self, env: LayerEnv) -> int:
        """One token's K and V: 2·K·d values; under vllm with its per-token-head scales."""
        if env.workload.accounting is Accounting.VLLM:
            return self._vllm_entry_bytes(env)
        return env.workload.cache_entry_bytes(((2 * self.kv_heads * self.head_dim, None),))

    def _held_tokens(self, env: LayerEnv) -> int:
        """K/V tokens held (``lccost.accounting`` rules); vllm pages at its raised block."""
        accounting = env.workload.accounting
        block = self._vllm_block_tokens(env) if accounting is Accounting.VLLM else env.block_size()
        llamacpp, window = env.workload.llamacpp, self.window
        if window is None:
            return env.per_context(full_tokens_rule(accounting, block, llamacpp))
        return env.per_context(window_tokens_rule(window, accounting, block, llamacpp))

    def _states(self, env: LayerEnv) -> tuple[Ledger, Ledger]:
        """(held, moved per decode step) of the conv and value-shift states, per accounting.

        vllm: one Mamba-style page in the model dtype, padded to one attention page
        (``lccost.accounting.vllm_hybrid_block_size``), held; the states themselves are moved.
        full-context: none. reference, llamacpp: both states in the reference layout.
        """
        accounting, workload = env.workload.accounting, env.workload
        if accounting is Accounting.VLLM:
            page = term(
                "state_page", "B*e", B=self._vllm_block_tokens(env), e=self._vllm_entry_bytes(env)
            )
            return ledger(page), ledger(term("states", "s", s=self._vllm_state_bytes(env)))
        if not counts_states(accounting):
            return ledger(), ledger()
        conv_elements, shift_elements = self._state_elements()
        states = ledger(
            term("conv_state", "s", s=workload.state_bytes(conv_elements)),
            term("value_shift_state", "s", s=workload.state_bytes(shift_elements)),
        )
        return states, states

    # --- FLOPs, per convention --------------------------------------------------------------

    def _attention_flops(self, env: LayerEnv) -> tuple[Term, Term]:
        """(decode, prefill) attention over n = L + 1 or min(L + 1, W) keys; prefill useful
        Σ min(i, W) or tri(L), executed L² (the eager reference's whole masked matrix)."""
        L, H, d = env.context_tokens, self.query_heads, self.head_dim
        if self.window is None:
            decode = term("attn_qk+av", "4*H*d*(L+1)", H=H, d=d, L=L)
            useful = term("attn_qk+av", "4*H*d*tri(L)", H=H, d=d, L=L)
        else:
            W = self.window
            decode = term("attn_qk+av", "4*H*d*min(L+1, W)", H=H, d=d, L=L, W=W)
            useful = term("attn_qk+av", "4*H*d*sum_window(L, W)", H=H, d=d, L=L, W=W)
        executed = term("attn_qk+av", "4*H*d*L*L", H=H, d=d, L=L)
        return decode, executed if env.executed else useful

    def costs(self, env: LayerEnv) -> PartCosts:
        D, L, H, K, d = (
            env.hidden_size,
            env.context_tokens,
            self.query_heads,
            self.kv_heads,
            self.head_dim,
        )
        k0, k1 = self.conv_kernel, self.grouped_conv_kernel
        C = (H + K) * d
        projections = ledger(
            term("q_proj", "D*H*d", D=D, H=H, d=d),
            term("k_proj", "D*K*d", D=D, K=K, d=d),
            term("v_proj_current", "D*K*d//2", D=D, K=K, d=d),
            term("v_proj_delayed", "D*K*d//2", D=D, K=K, d=d),
            term("o_proj", "H*d*D", H=H, d=d, D=D),
        )
        convs = ledger(
            term("conv_depthwise", "C*k0", C=C, k0=k0),
            term("conv_grouped", "C*d*k1", C=C, d=d, k1=k1),
        )
        entry, held = self._entry_bytes(env), self._held_tokens(env)
        state, moved = self._states(env)
        decode_attn, prefill_attn = self._attention_flops(env)
        return PartCosts(
            params=projections
            + convs
            + ledger(term("conv_biases", "2*C", C=C), term("qk_temperature", "2")),
            cache_bytes=ledger(term("kv_cache", "n*e", n=held, e=entry)) + state,
            cache_read_bytes=ledger(term("kv_read", "n*e", n=held, e=entry)) + moved,
            cache_write_bytes=ledger(term("kv_write", "e", e=entry)) + moved,
            prefill_flops=weight_flops(projections, L)
            + ledger(
                term("conv_depthwise", "2*C*k0*(L+k1-1)", C=C, k0=k0, k1=k1, L=L),
                term("conv_grouped", "2*C*d*k1*L", C=C, d=d, k1=k1, L=L),
                prefill_attn,
            ),
            decode_flops=weight_flops(projections, 1)
            + ledger(
                term("conv_depthwise", "2*C*k0*k1", C=C, k0=k0, k1=k1),
                term("conv_grouped", "2*C*d*k1", C=C, d=d, k1=k1),
                decode_attn,
            ),
        )
