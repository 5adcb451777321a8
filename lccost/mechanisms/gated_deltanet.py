"""Gated DeltaNet: linear attention with a gated delta-rule state (Qwen3-Next, Qwen3.5).

Symbols: D hidden, H_k query/key heads (``linear_num_key_heads``), H_v value heads
(``linear_num_value_heads``, a multiple of H_k), d_k key head dim, d_v value head dim,
k conv kernel (``linear_conv_kernel_dim``), C = 2·H_k·d_k + H_v·d_v conv channels (q, k, v),
Q chunk length of the reference's chunked algorithm (64), L context tokens.

Weights [parameters] (transformers 5.23.0 ``Qwen3NextGatedDeltaNet``; Qwen3.5 splits the same
matrices differently): in_proj_qkvz D·(2·H_k·d_k + 2·H_v·d_v) (q, k, v and the output gate z),
in_proj_ba D·2·H_v (β and the decay a), depthwise conv C·k (no bias), out_proj H_v·d_v·D;
without matrix work (no FLOPs): A_log and dt_bias, 2·H_v, and the gated RMSNorm's weight d_v
(``Qwen3NextRMSNormGated(head_v_dim)``, shared by the heads).

State after L tokens [values] (independent of L): conv state, steps·C (k under ``reference``,
k - 1 elsewhere: ``lccost.mechanisms.recurrent``); the delta-rule state S, one d_k x d_v matrix
per value head, H_v·d_k·d_v, in ``state_dtype`` (fp32 in the reference:
``torch_chunk_gated_delta_rule`` casts to float32 and returns the state in it).

Decode at L [FLOPs], O(1) in L: 2·(projection weights) + conv (``recurrent.conv_flops``) + the
recurrence per value head, S ← S·exp(g); S ← S + k·(β(v - Sᵀk))ᵀ; o = Sᵀq: three d_k x d_v
products, 6·H_v·d_k·d_v, useful only: the reference (``torch_recurrent_gated_delta_rule``) runs
them as broadcast multiplies and sums, not matrix products, so the executed count (FlopCounterMode)
has none.

Prefill of L [FLOPs]: 2·(projection weights)·L + conv + the delta rule. Useful (the recurrence):
6·H_v·d_k·d_v·L. Executed (``torch_chunk_gated_delta_rule``, the prompt padded to c = cdiv(L, Q)
chunks, q and k repeated to H_v heads): per chunk and value head, k_β·kᵀ and q·kᵀ (2·Q²·d_k), the
intra-chunk output (Q²·d_v), and the state read, the state output and the state update
(3·Q·d_k·d_v): 2·H_v·c·(2·Q²·d_k + Q²·d_v + 3·Q·d_k·d_v) (the two triangular solves are not
matrix products and are not counted).

References: Yang, Kautz & Hatamizadeh, "Gated Delta Networks" (arXiv 2412.06464) §2-3; Qwen team,
Qwen3-Next model card; transformers 5.23.0 models/qwen3_next (``torch_chunk_gated_delta_rule``,
``torch_recurrent_gated_delta_rule``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lccost.ledger import PartCosts, Term, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.mechanisms.recurrent import conv_flops, conv_state_term, state_costs, state_term
from lccost.storage import DTypeName

REFERENCE_CHUNK_TOKENS = 64
"""Q: ``torch_chunk_gated_delta_rule(chunk_size=64)``, the default the modeling code keeps."""


class GatedDeltaNet(MechanismSpec):
    """``kind: gated_deltanet``: gated delta-rule linear attention with a short conv on q, k, v."""

    kind: Literal["gated_deltanet"] = "gated_deltanet"
    key_heads: int = Field(ge=1, description="H_k: query/key heads (linear_num_key_heads)")
    value_heads: int = Field(ge=1, description="H_v: value heads (linear_num_value_heads)")
    key_head_dim: int = Field(ge=1, description="d_k (linear_key_head_dim)")
    value_head_dim: int = Field(ge=1, description="d_v (linear_value_head_dim)")
    conv_kernel: int = Field(ge=2, description="k: the conv's kernel (linear_conv_kernel_dim)")
    chunk_size: int = Field(
        REFERENCE_CHUNK_TOKENS,
        ge=1,
        description="Q: chunk length of the reference's chunked algorithm",
    )
    state_dtype: DTypeName | None = Field(
        "fp32",
        description="dtype of the delta-rule state (the reference: fp32); null = weight dtype",
    )

    @model_validator(mode="after")
    def _heads_group(self) -> GatedDeltaNet:
        if self.value_heads % self.key_heads:
            raise ValueError(
                f"value_heads ({self.value_heads}) must be a multiple of key_heads "
                f"({self.key_heads})"
            )
        return self

    def summary(self) -> str:
        return (
            f"Gated DeltaNet {self.key_heads}qk/{self.value_heads}v x "
            f"{self.key_head_dim}/{self.value_head_dim}, conv {self.conv_kernel}"
        )

    @property
    def conv_channels(self) -> int:
        """C = 2·H_k·d_k + H_v·d_v: q, k and v go through the conv."""
        return 2 * self.key_heads * self.key_head_dim + self.value_heads * self.value_head_dim

    def _states(self, env: LayerEnv) -> tuple[Term, Term]:
        H_v, d_k, d_v = self.value_heads, self.key_head_dim, self.value_head_dim
        return (
            conv_state_term(env, self.conv_channels, self.conv_kernel),
            state_term(
                env, "delta_state", "H_v*d_k*d_v", self.state_dtype, H_v=H_v, d_k=d_k, d_v=d_v
            ),
        )

    def vllm_state_bytes(self, env: LayerEnv) -> int:
        return sum(t.value for t in self._states(env))

    def costs(self, env: LayerEnv) -> PartCosts:
        D, L, H_k, H_v, d_k, d_v, k, Q = (
            env.hidden_size,
            env.context_tokens,
            self.key_heads,
            self.value_heads,
            self.key_head_dim,
            self.value_head_dim,
            self.conv_kernel,
            self.chunk_size,
        )
        C = self.conv_channels
        projections = ledger(
            term(
                "in_proj_qkvz", "D*(2*H_k*d_k+2*H_v*d_v)", D=D, H_k=H_k, d_k=d_k, H_v=H_v, d_v=d_v
            ),
            term("in_proj_ba", "D*2*H_v", D=D, H_v=H_v),
            term("out_proj", "H_v*d_v*D", H_v=H_v, d_v=d_v, D=D),
        )
        params = projections + ledger(
            term("conv1d", "C*k", C=C, k=k),
            term("A_log+dt_bias", "2*H_v", H_v=H_v),
            term("gated_norm", "d_v", d_v=d_v),
        )
        states = self._states(env)
        held, read, written = state_costs(env, states, env.attention_token_bytes)
        conv_prefill, conv_decode = conv_flops(C, k, L, env.executed)
        if env.executed:
            rule = term(
                "delta_rule",
                "2*H_v*cdiv(L, Q)*(2*Q*Q*d_k + Q*Q*d_v + 3*Q*d_k*d_v)",
                H_v=H_v,
                L=L,
                Q=Q,
                d_k=d_k,
                d_v=d_v,
            )
            step = None
        else:
            rule = term("delta_rule", "6*H_v*d_k*d_v*L", H_v=H_v, d_k=d_k, d_v=d_v, L=L)
            step = term("delta_rule", "6*H_v*d_k*d_v", H_v=H_v, d_k=d_k, d_v=d_v)
        return PartCosts(
            params=params,
            cache_bytes=held,
            cache_read_bytes=read,
            cache_write_bytes=written,
            prefill_flops=weight_flops(projections, L) + ledger(conv_prefill, rule),
            decode_flops=weight_flops(projections, 1) + ledger(conv_decode, step),
        )
