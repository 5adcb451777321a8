"""Feed-forward blocks: a dense MLP, or a mixture of experts.

Symbols: D hidden size, I intermediate width, E routed experts, k experts active per token,
S shared experts of width I_s, R router hidden width (an MLP router).

Weights [parameters]: a gated MLP (SwiGLU / GeGLU) has gate, up and down: 3·D·I; an ungated one
has up and down: 2·D·I. MoE: E·3·D·I routed + S·3·D·I_s shared + the router, D·E for a linear
router, or D·R + 2·R·R + R·(E + extra) for ZAYA1's MLP router (down_proj, fc1, fc2, out over
E experts plus its ``extra_router_classes`` "skip" class; transformers 5.23.0 models/zaya), plus
D for a shared-expert gate (Qwen3-Next ``shared_expert_gate``, a D x 1 linear layer).

Parameters without matrix work (no FLOPs): MLP biases, gated 2·I + D, ungated I + D
(``bias``); a router bias E (``router_bias``); an expert-selection bias E that is a parameter
(``score_correction_bias``: DeepSeek V3's ``e_score_correction_bias``); an MLP router's
R-wide biases, norm and state scale (``router_vectors``: ZAYA1 4, 5 after the first layer);
per-expert biases
E·(2·I + D) gated (``expert_bias``: gpt-oss). A shared-expert gate D·1 (``shared_expert_gate``:
Qwen2-MoE) is a matrix product and counts as active weights. A learned activation's scalars
(``activation_params``: Apertus' xIELU has 2) and an inner norm of width I (``inner_norm``:
BitNet's ``ffn_sub_norm``) hold parameters too.

Active per token: k routed + all shared experts + the router. Hash-routed layers (DeepSeek V4's
first ``num_hash_layers``) pick experts by token id; transformers and the V4 reference still
compute the gate scores, so they cost the same.

Cache: none, in every accounting (``docs/accountings.md``).

FLOPs: decode 2·(active weights); prefill 2·(active weights)·L (every token uses k experts; which
ones does not change the count). Executed, where the reference runs every expert on every token
and zeroes the unchosen ones' weights (transformers 5.23.0 ``Llama4TextMoe.forward``:
``hidden_states.repeat(num_experts, 1)`` into ``Llama4TextExperts``' ``torch.bmm``): 2·(all
weights) per token (``reference_runs_all_experts``).

References: Shazeer et al. 2017 (MoE); Dai et al. 2024, DeepSeekMoE (shared experts);
Shazeer 2020, GLU variants.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from lccost.ledger import Ledger, PartCosts, ledger, term, weight_flops
from lccost.mechanisms.base import LayerEnv, MechanismSpec, PeakMLP


def _mlp(name: str, D: int, I: int, gated: bool, count: int = 1) -> Ledger:
    formula = "n*3*D*I" if gated else "n*2*D*I"
    return ledger(term(name, formula, n=count, D=D, I=I))


def _mlp_bias(name: str, D: int, I: int, gated: bool, count: int = 1) -> Ledger:
    formula = "n*(2*I + D)" if gated else "n*(I + D)"
    return ledger(term(name, formula, n=count, D=D, I=I))


class DenseMLP(MechanismSpec):
    """``kind: dense``: one MLP of width ``intermediate_size``."""

    kind: Literal["dense"] = "dense"
    intermediate_size: int = Field(ge=1, description="I: the MLP's inner width")
    gated: bool = Field(True, description="gate, up and down projections (SwiGLU/GeGLU)")
    bias: bool = Field(False, description="the projections have biases")
    activation_params: int = Field(
        0, ge=0, description="learned scalars of the activation (Apertus xIELU: 2)"
    )
    inner_norm: bool = Field(False, description="an RMSNorm of width I before down_proj (BitNet)")

    def summary(self) -> str:
        return f"dense {self.intermediate_size}"

    def peak_mlp(self) -> PeakMLP:
        return PeakMLP(self.intermediate_size, self.gated)

    def costs(self, env: LayerEnv) -> PartCosts:
        params = _mlp("mlp", env.hidden_size, self.intermediate_size, self.gated)
        biases = (
            _mlp_bias("mlp_bias", env.hidden_size, self.intermediate_size, self.gated)
            if self.bias
            else ledger()
        ) + ledger(
            term("activation_params", "a", a=self.activation_params)
            if self.activation_params
            else None,
            term("inner_norm", "I", I=self.intermediate_size) if self.inner_norm else None,
        )
        return PartCosts(
            params=params + biases,
            prefill_flops=weight_flops(params, env.context_tokens),
            decode_flops=weight_flops(params, 1),
        )


class MixtureOfExperts(MechanismSpec):
    """``kind: moe``: routed experts (k of E active) plus always-on shared experts."""

    kind: Literal["moe"] = "moe"
    experts: int = Field(ge=1, description="E: routed experts")
    active_experts: int = Field(ge=1, description="k: routed experts each token uses")
    expert_intermediate_size: int = Field(ge=1, description="I: one expert's inner width")
    shared_experts: int = Field(0, ge=0, description="S: experts every token uses")
    shared_intermediate_size: int | None = Field(
        None, ge=1, description="I_s: a shared expert's width (default: the routed width)"
    )
    gated: bool = True
    routing: Literal["learned", "hash"] = Field(
        "learned", description="hash: experts chosen by token id (DeepSeek V4 first layers)"
    )
    router_hidden_size: int | None = Field(
        None, ge=1, description="R: an MLP router's width (ZAYA1); unset = linear router D·E"
    )
    extra_router_classes: int = Field(
        0, ge=0, description="router outputs beyond the experts (ZAYA1's skip class: 1)"
    )
    router_bias: bool = Field(False, description="the linear router has a bias (E)")
    router_vectors: int = Field(
        0, ge=0, description="R-wide vectors of an MLP router: biases, norm, state scale"
    )
    score_correction_bias: bool = Field(
        False, description="a learned expert-selection bias of E (DeepSeek V3 noaux_tc)"
    )
    expert_bias: bool = Field(False, description="every expert's projections have biases")
    shared_bias: bool = Field(False, description="the shared experts' projections have biases")
    shared_expert_gate: bool = Field(
        False, description="a D x 1 sigmoid gate on the shared experts (Qwen2-MoE, Qwen3-Next)"
    )
    reference_runs_all_experts: bool = Field(
        False,
        description="the reference runs every expert on every token, weighting the "
        "unchosen ones by 0 (Llama 4): --flops executed counts all E",
    )

    @model_validator(mode="after")
    def _active_fits(self) -> MixtureOfExperts:
        if self.active_experts > self.experts:
            raise ValueError(
                f"active_experts ({self.active_experts}) cannot exceed experts ({self.experts})"
            )
        return self

    def summary(self) -> str:
        shared = f" + {self.shared_experts} shared" if self.shared_experts else ""
        return (
            f"MoE {self.active_experts}/{self.experts} x {self.expert_intermediate_size}"
            f"{shared}{' (hash)' if self.routing == 'hash' else ''}"
        )

    def _router(self, D: int) -> Ledger:
        E = self.experts + self.extra_router_classes
        if self.router_hidden_size is None:
            return ledger(term("router", "D*E", D=D, E=E))
        return ledger(term("router", "D*R + 2*R*R + R*E", D=D, R=self.router_hidden_size, E=E))

    def _vector_params(self, D: int, I: int, I_s: int, experts: int) -> Ledger:
        """Biases (of ``experts`` routed experts): parameters without matrix work (no FLOPs)."""
        E = self.experts + self.extra_router_classes
        return (
            ledger(
                term("router_bias", "E", E=E) if self.router_bias else None,
                term("router_vectors", "n*R", n=self.router_vectors, R=self.router_hidden_size or 0)
                if self.router_vectors
                else None,
                term("score_correction_bias", "E", E=self.experts)
                if self.score_correction_bias
                else None,
            )
            + (
                _mlp_bias("expert_bias", D, I, self.gated, experts)
                if self.expert_bias
                else ledger()
            )
            + (
                _mlp_bias("shared_bias", D, I_s, self.gated, self.shared_experts)
                if self.shared_bias and self.shared_experts
                else ledger()
            )
        )

    def costs(self, env: LayerEnv) -> PartCosts:
        D, I = env.hidden_size, self.expert_intermediate_size
        I_s = self.shared_intermediate_size or I
        shared = (
            _mlp("shared_experts", D, I_s, self.gated, self.shared_experts)
            if self.shared_experts
            else ledger()
        )
        router = self._router(D) + ledger(
            term("shared_expert_gate", "D", D=D) if self.shared_expert_gate else None
        )
        params = _mlp("routed_experts", D, I, self.gated, self.experts) + shared + router
        active = _mlp("active_experts", D, I, self.gated, self.active_experts) + shared + router
        run = params if env.executed and self.reference_runs_all_experts else active
        return PartCosts(
            params=params + self._vector_params(D, I, I_s, self.experts),
            active_params=active + self._vector_params(D, I, I_s, self.active_experts),
            prefill_flops=weight_flops(run, env.context_tokens),
            decode_flops=weight_flops(run, 1),
        )
