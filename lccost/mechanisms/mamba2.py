"""Mamba2 state-space layer (SSD), the mixer of Nemotron-H, Granite 4.0-H, Bamba, Zamba2, Falcon-H1.

Symbols: D hidden, H heads (``mamba_num_heads``), P head dim (``mamba_head_dim``), N state size
(``ssm_state_size``), G groups of B and C (``n_groups``), k conv kernel (``conv_kernel``),
Q chunk length of the chunked scan (``chunk_size``), C = H·P + 2·G·N conv channels (x, B, C),
c = cdiv(L, Q) chunks, L context tokens.

Weights [parameters] (transformers 5.23.0 ``NemotronHMamba2Mixer``): in_proj D·(2·H·P + 2·G·N
+ H) (gate z, x B C, dt), depthwise conv C·k, out_proj H·P·D; without matrix work (no FLOPs):
the per-head vectors A_log, D and dt_bias, 3·H, the gated RMSNorm's weight H·P
(``MambaRMSNormGated(intermediate_size)``), the conv bias C (``use_conv_bias``, on by default)
and, with ``bias`` (``use_bias``), the projections' biases 2·H·P + 2·G·N + H + D.

State after L tokens [values] (independent of L): conv state, steps·C (k under ``reference``,
k - 1 elsewhere: ``lccost.mechanisms.recurrent``), in the activations' dtype; SSM state H·P·N,
in ``state_dtype`` (fp32 in the reference whatever the weights: ``mamba2_chunk_scan`` computes
in float32; Nemotron-H's ``mamba_ssm_cache_dtype`` "float32").

Decode at L [FLOPs], O(1) in L: 2·(projection weights) + conv (``recurrent.conv_flops``) + the
readout y = h·C, 2·H·P·N (``mamba2_selective_state_update``: ``torch.bmm``) + the state update
h = h·exp(dt·A) + dt·B·x, 2·H·P·N, useful only: the reference runs it as broadcast multiplies,
which are not matrix products (FlopCounterMode does not count them).

Prefill of L [FLOPs]: 2·(projection weights)·L + conv + the scan. Useful (the recurrence, per
token update and readout): 4·H·P·N·L. Executed (the reference's chunked SSD, ``mamba2_chunk_scan``,
padded to whole chunks): the five einsums, 2·H·(c·Q²·N (C·Bᵀ) + c·Q²·P (intra-chunk outputs)
+ c·Q·P·N (chunk states) + (c+1)²·P·N (inter-chunk recurrence) + c·Q·P·N (state outputs)).

References: Dao & Gu, "Transformers are SSMs" (Mamba-2, arXiv 2405.21060) §6-7 (SSD, chunked
algorithm); NVIDIA, Nemotron-H (arXiv 2504.03624); transformers 5.23.0 models/nemotron_h.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lccost.ledger import PartCosts, Term, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.mechanisms.recurrent import conv_flops, conv_state_term, state_costs, state_term
from lccost.storage import DTypeName


class Mamba2(MechanismSpec):
    """``kind: mamba2``: a Mamba2 (SSD) mixer; its cache is a fixed-size state."""

    kind: Literal["mamba2"] = "mamba2"
    heads: int = Field(ge=1, description="H: SSM heads (mamba_num_heads)")
    head_dim: int = Field(ge=1, description="P: channels per head (mamba_head_dim)")
    state_size: int = Field(ge=1, description="N: state per channel (ssm_state_size)")
    groups: int = Field(1, ge=1, description="G: groups sharing B and C (n_groups)")
    conv_kernel: int = Field(ge=2, description="k: the causal depthwise conv's kernel")
    chunk_size: int = Field(ge=1, description="Q: chunk length of the reference's chunked scan")
    state_dtype: DTypeName | None = Field(
        "fp32", description="dtype of the SSM state (the reference: fp32); null = weight dtype"
    )
    conv_bias: bool = Field(True, description="a bias on the conv (use_conv_bias)")
    bias: bool = Field(False, description="biases on in_proj and out_proj (use_bias)")

    @model_validator(mode="after")
    def _groups_divide_heads(self) -> Mamba2:
        if self.heads % self.groups:
            raise ValueError(f"heads ({self.heads}) must be a multiple of groups ({self.groups})")
        return self

    def summary(self) -> str:
        return (
            f"Mamba2 {self.heads}h x {self.head_dim}, state {self.state_size}, "
            f"conv {self.conv_kernel}"
        )

    @property
    def conv_channels(self) -> int:
        """C = H·P + 2·G·N: x, B and C go through the conv."""
        return self.heads * self.head_dim + 2 * self.groups * self.state_size

    def _states(self, env: LayerEnv) -> tuple[Term, Term]:
        H, P, N = self.heads, self.head_dim, self.state_size
        return (
            conv_state_term(env, self.conv_channels, self.conv_kernel),
            state_term(env, "ssm_state", "H*P*N", self.state_dtype, H=H, P=P, N=N),
        )

    def vllm_state_bytes(self, env: LayerEnv) -> int:
        return sum(t.value for t in self._states(env))

    def costs(self, env: LayerEnv) -> PartCosts:
        D, L, H, P, N, G, k, Q = (
            env.hidden_size,
            env.context_tokens,
            self.heads,
            self.head_dim,
            self.state_size,
            self.groups,
            self.conv_kernel,
            self.chunk_size,
        )
        C = self.conv_channels
        projections = ledger(
            term("in_proj", "D*(2*H*P+2*G*N+H)", D=D, H=H, P=P, G=G, N=N),
            term("out_proj", "H*P*D", H=H, P=P, D=D),
        )
        params = projections + ledger(
            term("conv1d", "C*k", C=C, k=k),
            term("A_log+D+dt_bias", "3*H", H=H),
            term("gated_norm", "H*P", H=H, P=P),
            term("conv1d_bias", "C", C=C) if self.conv_bias else None,
            term("proj_bias", "2*H*P + 2*G*N + H + D", H=H, P=P, G=G, N=N, D=D)
            if self.bias
            else None,
        )
        states = self._states(env)
        held, read, written = state_costs(env, states, env.attention_token_bytes)
        conv_prefill, conv_decode = conv_flops(C, k, L, env.executed)
        if env.executed:
            scan = term(
                "ssd_scan",
                (
                    "2*H*(cdiv(L, Q)*Q*Q*(N+P) + 2*cdiv(L, Q)*Q*P*N"
                    " + (cdiv(L, Q)+1)**2*P*N)*min(L, 1)"
                ),
                H=H,
                Q=Q,
                N=N,
                P=P,
                L=L,
            )
            update = None
        else:
            scan = term("ssm_scan", "4*H*P*N*L", H=H, P=P, N=N, L=L)
            update = term("ssm_update", "2*H*P*N", H=H, P=P, N=N)
        return PartCosts(
            params=params,
            cache_bytes=held,
            cache_read_bytes=read,
            cache_write_bytes=written,
            prefill_flops=weight_flops(projections, L) + ledger(conv_prefill, scan),
            decode_flops=weight_flops(projections, 1)
            + ledger(conv_decode, term("ssm_readout", "2*H*P*N", H=H, P=P, N=N), update),
        )
