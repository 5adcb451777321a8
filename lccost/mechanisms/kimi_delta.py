"""Kimi Delta Attention (KDA): a gated delta rule with a per-channel forget gate (Kimi Linear).

Symbols: D hidden, H heads (``linear_num_heads``), d head dim (``linear_head_dim``; keys and
values alike), k conv kernel (``linear_conv_kernel_dim``), C = 3·H·d conv channels (q, k, v),
Q chunk length of the reference's chunked algorithm (64), L context tokens.

Weights [parameters] (transformers 5.23.0 ``KimiLinearDeltaAttention``): q_proj, k_proj,
v_proj D·H·d each, depthwise conv C·k, the low-rank forget gate f_a D·d and f_b d·H·d, b_proj
D·H (β), the low-rank output gate g_a D·d and g_b d·H·d, o_proj H·d·D; without matrix work
(no FLOPs): the forget gate's A_log H and dt_bias H·d, and the gated output norm's weight d
(``o_norm``, shared by the heads).

State after L tokens [values] (independent of L): conv state, steps·C (k under ``reference``,
k - 1 elsewhere: ``lccost.mechanisms.recurrent``); the delta-rule state, H·d·d, in
``state_dtype`` (fp32 in the reference: ``update_recurrent_state(last_recurrent_state.
to(torch.float32))``).

Decode at L [FLOPs], O(1) in L: 2·(projection weights) + conv (``recurrent.conv_flops``) + the
recurrence per head, S ← diag(exp(g))·S; S ← S + k·(β(v - Sᵀk))ᵀ; o = Sᵀq: 6·H·d·d, useful
only (``recurrent_kimi_delta_attention`` runs it as broadcast multiplies and sums, which
FlopCounterMode does not count).

Prefill of L [FLOPs]: 2·(projection weights)·L + conv + the delta rule. Useful: 6·H·d·d·L.
Executed (``chunk_kimi_delta_attention``, c = cdiv(L, Q) chunks): per chunk and head the matrix
products attn·v_β and attn·(k_β·exp(g)) (2·Q²·d), q·S, k_cumdecay·S and the state update
(3·Q·d·d) and the intra-chunk output (Q²·d): 2·H·c·(3·Q²·d + 3·Q·d·d). The decay-masked
scores and the forward substitution are broadcast multiplies, not counted.

References: Kimi Team, "Kimi Linear: An Expressive, Efficient Attention Architecture" (arXiv
2510.26692) §3; transformers 5.23.0 models/kimi_linear.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lccost.ledger import PartCosts, Term, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.mechanisms.gated_deltanet import REFERENCE_CHUNK_TOKENS
from lccost.mechanisms.recurrent import conv_flops, conv_state_term, state_costs, state_term
from lccost.storage import DTypeName


class KimiDeltaAttention(MechanismSpec):
    """``kind: kimi_delta``: Kimi Linear's KDA layer; its cache is a fixed-size state."""

    kind: Literal["kimi_delta"] = "kimi_delta"
    heads: int = Field(ge=1, description="H (linear_num_heads)")
    head_dim: int = Field(ge=1, description="d: key and value head dim (linear_head_dim)")
    conv_kernel: int = Field(ge=2, description="k (linear_conv_kernel_dim)")
    chunk_size: int = Field(
        REFERENCE_CHUNK_TOKENS,
        ge=1,
        description="Q: chunk length of the reference's chunked algorithm",
    )
    state_dtype: DTypeName | None = Field(
        "fp32", description="dtype of the delta-rule state (the reference: fp32)"
    )

    def summary(self) -> str:
        return f"Kimi delta {self.heads}h x {self.head_dim}, conv {self.conv_kernel}"

    def _states(self, env: LayerEnv) -> tuple[Term, Term]:
        H, d = self.heads, self.head_dim
        return (
            conv_state_term(env, 3 * H * d, self.conv_kernel),
            state_term(env, "delta_state", "H*d*d", self.state_dtype, H=H, d=d),
        )

    def vllm_state_bytes(self, env: LayerEnv) -> int:
        return sum(t.value for t in self._states(env))

    def costs(self, env: LayerEnv) -> PartCosts:
        D, L, H, d, k, Q = (
            env.hidden_size,
            env.context_tokens,
            self.heads,
            self.head_dim,
            self.conv_kernel,
            self.chunk_size,
        )
        projections = ledger(
            term("q_proj+k_proj+v_proj", "3*D*H*d", D=D, H=H, d=d),
            term("f_a_proj+f_b_proj", "D*d + d*H*d", D=D, H=H, d=d),
            term("b_proj", "D*H", D=D, H=H),
            term("g_a_proj+g_b_proj", "D*d + d*H*d", D=D, H=H, d=d),
            term("o_proj", "H*d*D", H=H, d=d, D=D),
        )
        params = projections + ledger(
            term("conv1d", "3*H*d*k", H=H, d=d, k=k),
            term("A_log+dt_bias", "H + H*d", H=H, d=d),
            term("o_norm", "d", d=d),
        )
        held, read, written = state_costs(env, self._states(env), env.attention_token_bytes)
        conv_prefill, conv_decode = conv_flops(3 * H * d, k, L, env.executed)
        if env.executed:
            rule = term("delta_rule", "2*H*cdiv(L, Q)*(3*Q*Q*d + 3*Q*d*d)", H=H, L=L, Q=Q, d=d)
            step = None
        else:
            rule = term("delta_rule", "6*H*d*d*L", H=H, d=d, L=L)
            step = term("delta_rule", "6*H*d*d", H=H, d=d)
        return PartCosts(
            params=params,
            cache_bytes=held,
            cache_read_bytes=read,
            cache_write_bytes=written,
            prefill_flops=weight_flops(projections, L) + ledger(conv_prefill, rule),
            decode_flops=weight_flops(projections, 1) + ledger(conv_decode, step),
        )
