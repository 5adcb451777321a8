"""Short gated convolution: LFM2's mixer, a depthwise causal conv between two gates.

Symbols: D hidden, k conv kernel (``conv_L_cache``), L context tokens.

Weights [parameters] (transformers 5.23.0 ``Lfm2ShortConv``): in_proj D·3D (B, C and x),
depthwise conv D·k, out_proj D·D; with ``bias`` (``conv_bias``) biases on all three, 3·D + D + D,
without matrix work (no FLOPs).
y = out_proj(C ⊙ conv(B ⊙ x)).

State after L tokens [values] (independent of L): the conv state, steps·D (k under
``reference``, k - 1 elsewhere: ``lccost.mechanisms.recurrent``), in the activations' dtype. No
other state.

Decode at L [FLOPs], O(1) in L: 2·(projection weights) + conv (``recurrent.conv_flops``); the
two gates are elementwise (not counted).
Prefill of L [FLOPs]: 2·(projection weights)·L + conv (``recurrent.conv_flops``).

References: Liquid AI, LFM2 model card (huggingface.co/LiquidAI/LFM2-1.2B); transformers 5.23.0
models/lfm2.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lccost.ledger import PartCosts, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.mechanisms.recurrent import conv_flops, conv_state_term, state_costs


class ShortConvolution(MechanismSpec):
    """``kind: short_conv``: LFM2's gated short convolution; its cache is the conv state."""

    kind: Literal["short_conv"] = "short_conv"
    conv_kernel: int = Field(ge=2, description="k: the depthwise conv's kernel (conv_L_cache)")
    bias: bool = Field(False, description="biases on in_proj, conv and out_proj (conv_bias)")

    def summary(self) -> str:
        return f"short conv {self.conv_kernel}"

    def vllm_state_bytes(self, env: LayerEnv) -> int:
        return conv_state_term(env, env.hidden_size, self.conv_kernel).value

    def costs(self, env: LayerEnv) -> PartCosts:
        D, L, k = env.hidden_size, env.context_tokens, self.conv_kernel
        projections = ledger(
            term("in_proj", "D*3*D", D=D),
            term("out_proj", "D*D", D=D),
        )
        params = projections + ledger(
            term("conv", "D*k", D=D, k=k), term("biases", "5*D", D=D) if self.bias else None
        )
        held, read, written = state_costs(
            env, (conv_state_term(env, D, k),), env.attention_token_bytes
        )
        conv_prefill, conv_decode = conv_flops(D, k, L, env.executed)
        return PartCosts(
            params=params,
            cache_bytes=held,
            cache_read_bytes=read,
            cache_write_bytes=written,
            prefill_flops=weight_flops(projections, L) + ledger(conv_prefill),
            decode_flops=weight_flops(projections, 1) + ledger(conv_decode),
        )
