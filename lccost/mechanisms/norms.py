"""Normalisation weights: parameters that do no matrix work.

Symbols: D hidden size, N decoder layers, n_l D-wide norm vectors in every layer, n_f after the
last layer.

Weights [parameters]: N·n_l·D + n_f·D. An RMSNorm holds one D-wide vector (its scale), a
LayerNorm two (scale and bias) or one without bias; a Llama layer has two RMSNorms (before
attention and before the MLP: n_l = 2) and one after the last layer (n_f = 1); Gemma 2/3 layers
have four. FLOPs: none counted (elementwise, like every non-matmul op; FlopCounterMode agrees).

References: Zhang and Sennrich 2019 (RMSNorm); Ba et al. 2016 (LayerNorm); transformers 5.23.0
modeling files (``input_layernorm``, ``post_attention_layernorm``, ``norm``).
"""

from __future__ import annotations

from pydantic import Field

from lccost.ledger import PartCosts, ledger, term
from lccost.strict import SpecModel


class Norms(SpecModel):
    """The model's norm vectors, counted in D-wide vectors."""

    per_layer: int = Field(0, ge=0, description="n_l: D-wide norm vectors in every layer")
    final: int = Field(0, ge=0, description="n_f: D-wide norm vectors after the last layer")


def norm_costs(norms: Norms, D: int, N: int) -> PartCosts:
    params = ledger(
        term("norms.layers", "N*n_l*D", N=N, n_l=norms.per_layer, D=D) if norms.per_layer else None,
        term("norms.final", "n_f*D", n_f=norms.final, D=D) if norms.final else None,
    )
    return PartCosts(params=params)
