"""Token embeddings, the LM head, and Gemma 4's per-layer embeddings (PLE).

Symbols: V vocabulary, D hidden, N decoder layers; PLE: V_p its vocabulary, p its width per layer.

Token embedding [parameters]: V·D, gathered (one row of D values per token, no FLOPs); learned
absolute position embeddings (GPT-2 ``wpe``, OPT) P·D more, gathered the same way.
LM head: V·D more parameters unless tied to the embedding, and a bias of V when it has one
(GPT-J, Phi: ``lm_head_bias``; no FLOPs); 2·D·V FLOPs per token whose logits
are computed (decode: 1; prefill: the last prompt token only, ``logits_to_keep=1``).

Per-layer embeddings (transformers 5.23.0 ``Gemma4TextModel``, L1576-1581 and L1792; Gemma 3n):
a table of V_p x (N·p) parameters (gathered: N·p values per token), ``per_layer_model_projection``
D·N·p, and in every layer ``per_layer_input_gate`` D·p and ``per_layer_projection`` p·D.
FLOPs per token: 2·(D·N·p + N·2·D·p). Its ``per_layer_projection_norm`` holds p weights (no FLOPs).

"Effective" parameters (the Gemma model cards' term) = total - embedding tables (token + PLE):
the parameters that do matrix work for a token.
"""

from __future__ import annotations

from pydantic import Field

from lccost.ledger import Ledger, PartCosts, ledger, term, weight_flops
from lccost.strict import SpecModel


class Encoder(SpecModel):
    """A modality encoder (vision, audio tower) that text tokens never use: its parameters count
    in ``params_total`` (model cards' totals include them) and nowhere else."""

    name: str = Field(min_length=1)
    params: int = Field(ge=0)
    source: str = Field(min_length=1)


def encoder_costs(encoders: list[Encoder]) -> PartCosts:
    return PartCosts(
        params=ledger(*(term(e.name, "P", P=e.params) for e in encoders)), active_params=ledger()
    )


class PerLayerEmbeddings(SpecModel):
    """Gemma 4 E2B/E4B per-layer embeddings: a second table giving each layer p values per token."""

    dim: int = Field(ge=1, description="p: hidden_size_per_layer_input")
    vocab_size: int = Field(ge=1, description="V_p: vocab_size_per_layer_input")


def embedding_tables(
    V: int, D: int, ple: PerLayerEmbeddings | None, N: int, positions: int = 0
) -> Ledger:
    """The gathered tables: token embedding V·D, learned positions P·D, the PLE table V_p·N·p."""
    return ledger(
        term("embed_tokens", "V*D", V=V, D=D),
        term("embed_positions", "P*D", P=positions, D=D) if positions else None,
        term("ple_table", "V_p*N*p", V_p=ple.vocab_size, N=N, p=ple.dim) if ple else None,
    )


def embeddings_costs(
    V: int,
    D: int,
    tied: bool,
    ple: PerLayerEmbeddings | None,
    N: int,
    context_tokens: int,
    positions: int = 0,
    lm_head_bias: bool = False,
) -> PartCosts:
    """Costs of the token embedding, the PLE projections and the LM head."""
    tables = embedding_tables(V, D, ple, N, positions)
    head = ledger(term("lm_head", "V*D", V=V, D=D))
    ple_matmuls = (
        ledger(
            term("ple.model_projection", "D*N*p", D=D, N=N, p=ple.dim),
            term("ple.layer_gate_and_projection", "N*2*D*p", N=N, D=D, p=ple.dim),
        )
        if ple
        else ledger()
    )
    ple_norm = ledger(term("ple.projection_norm", "p", p=ple.dim)) if ple else ledger()
    head_bias = ledger(term("lm_head_bias", "V", V=V)) if lm_head_bias else ledger()
    params = tables + ple_matmuls + ple_norm + (ledger() if tied else head) + head_bias
    return PartCosts(
        params=params,
        active_params=ple_matmuls + head + head_bias,
        prefill_flops=weight_flops(ple_matmuls, context_tokens) + weight_flops(head, 1),
        decode_flops=weight_flops(ple_matmuls, 1) + weight_flops(head, 1),
    )
