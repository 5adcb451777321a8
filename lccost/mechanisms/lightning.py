"""Lightning attention: MiniMax's linear attention with a decayed K^T V state per head.

Symbols: D hidden, H heads, d head dim, B block length (``block_size``, 256), L context tokens.

Weights [parameters] (transformers 5.23.0 ``MiniMaxLightningAttention``): qkv_proj D·3·H·d,
output_gate D·H·d (a sigmoid gate on the normalised output), out_proj H·d·D; without matrix
work (no FLOPs): the output RMSNorm's weight H·d (``norm``).

State after L tokens [values] (independent of L): the K^T V state S, H·d·d, in the activations'
dtype (``MiniMaxCache.linear_cache``: the ``attn_weights_inter`` tensor, the values' dtype),
unless the spec pins ``state_dtype``. No conv state. Counted under every accounting
(``lccost.mechanisms.recurrent``).

Decode at L [FLOPs], O(1) in L: 2·(weights) + per head the state update S ← λ·S + kᵀv (a d x d
outer product) and the readout q·S: 4·H·d·d, executed and useful alike (the reference runs
both as ``torch.matmul``; the decay λ is elementwise).

Prefill of L [FLOPs]: 2·(weights)·L + the block algorithm. Executed (the reference's loop over
blocks b_i of B tokens, the last one partial): per block and head q·kᵀ and (scores·decay)·v,
2·b_i²·d, and q·S and kᵀv, 2·b_i·d²: 4·H·d·Σ b_i² + 4·H·d²·L with Σ b_i² = floor(L/B)·B² +
(L mod B)². Useful (the recurrence): 4·H·d²·L.

References: MiniMax, "MiniMax-01: Scaling Foundation Models with Lightning Attention" (arXiv
2501.08313) §2.2; Qin et al., "Lightning Attention-2" (arXiv 2401.04658); transformers 5.23.0
models/minimax.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lccost.ledger import PartCosts, Term, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.mechanisms.recurrent import state_costs, state_term
from lccost.storage import DTypeName


class LightningAttention(MechanismSpec):
    """``kind: lightning``: MiniMax's lightning (linear) attention; its cache is the state."""

    kind: Literal["lightning"] = "lightning"
    heads: int = Field(ge=1, description="H")
    head_dim: int = Field(ge=1, description="d")
    block_size: int = Field(256, ge=1, description="B: block length of the reference's loop")
    state_dtype: DTypeName | None = Field(
        None, description="dtype of the K^T V state; null = the weight dtype (the reference)"
    )

    def summary(self) -> str:
        return f"lightning {self.heads}h x {self.head_dim}"

    def _states(self, env: LayerEnv) -> tuple[Term]:
        H, d = self.heads, self.head_dim
        return (state_term(env, "kv_state", "H*d*d", self.state_dtype, H=H, d=d),)

    def vllm_state_bytes(self, env: LayerEnv) -> int:
        return sum(t.value for t in self._states(env))

    def costs(self, env: LayerEnv) -> PartCosts:
        D, L, H, d, B = (
            env.hidden_size,
            env.context_tokens,
            self.heads,
            self.head_dim,
            self.block_size,
        )
        matmuls = ledger(
            term("qkv_proj", "D*3*H*d", D=D, H=H, d=d),
            term("output_gate", "D*H*d", D=D, H=H, d=d),
            term("out_proj", "H*d*D", H=H, d=d, D=D),
        )
        params = matmuls + ledger(term("norm", "H*d", H=H, d=d))
        held, read, written = state_costs(env, self._states(env), env.attention_token_bytes)
        if env.executed:
            prefill = term(
                "lightning_blocks",
                "4*H*d*((L//B)*B*B + (L%B)*(L%B)) + 4*H*d*d*L",
                H=H,
                d=d,
                L=L,
                B=B,
            )
        else:
            prefill = term("lightning_state", "4*H*d*d*L", H=H, d=d, L=L)
        return PartCosts(
            params=params,
            cache_bytes=held,
            cache_read_bytes=read,
            cache_write_bytes=written,
            prefill_flops=weight_flops(matmuls, L) + ledger(prefill),
            decode_flops=weight_flops(matmuls, 1)
            + ledger(term("lightning_state", "4*H*d*d", H=H, d=d)),
        )
