"""Manifold-constrained hyper-connections (mHC): n parallel residual streams.

Symbols: n streams (``hc_mult``), D hidden, N layers. Each layer has two mHC modules (around
attention and around the FFN). A module projects the flattened n·D stream state to the mixing
coefficients: n pre-weights, n post-weights and an n x n residual matrix made doubly stochastic by
Sinkhorn-Knopp (2n + n² outputs), then mixes: pre (n streams -> 1), post (1 -> n), residual
(n x n over D).

Weights [parameters]: per module n·D·(2n + n²), plus (no FLOPs) its bias 2n + n² and 3 scales;
the head's bias n and 1 scale. FLOPs per token per module:
2·n·D·(2n + n²) (projection) + 2·n²·D (the n x n residual mixing, a matrix product). The pre and
post weightings are elementwise (not counted, like every non-matmul op), and so are the Sinkhorn
iterations on an n x n matrix (20 for V4). The final ``hc_head`` collapsing n streams before the
LM head (n·D·n weights) is counted once. (Checked against FlopCounterMode on transformers 5.23.0
``DeepseekV4HyperConnection``: 4·(n·D)·(2n + n²) + 4·n²·D per layer.)

mHC's cost is memory traffic, not FLOPs: the residual stream is n times wider (reported by V4
as ~6.7% training wall time; Xie et al. 2026).

References: Xie et al., "mHC: Manifold-Constrained Hyper-Connections", arXiv 2512.24880;
DeepSeek-V4 report §2.2 and §3.4.2; transformers 5.23.0 ``DeepseekV4HyperConnection``.
"""

from __future__ import annotations

from pydantic import Field

from lccost.ledger import PartCosts, ledger, term, weight_flops
from lccost.strict import SpecModel


class HyperConnections(SpecModel):
    """mHC: ``streams`` residual streams mixed by doubly-stochastic matrices."""

    streams: int = Field(ge=1, description="n: hc_mult")
    sinkhorn_iterations: int = Field(20, ge=0, description="not counted in FLOPs (n x n)")


def hyper_connection_costs(hc: HyperConnections, D: int, N: int, context_tokens: int) -> PartCosts:
    n = hc.streams
    params = ledger(
        term("mhc.coefficient_projections", "N*2*n*D*(2*n+n*n)", N=N, n=n, D=D),
        term("mhc.head", "n*D*n", n=n, D=D),
    )
    vectors = ledger(term("mhc.bias+scale", "N*2*(2*n+n*n+3) + n + 1", N=N, n=n))
    mixing = ledger(term("mhc.residual_mixing", "N*2*2*n*n*D", N=N, n=n, D=D))
    mixing_prefill = ledger(
        term("mhc.residual_mixing", "N*2*2*n*n*D*L", N=N, n=n, D=D, L=context_tokens)
    )
    return PartCosts(
        params=params + vectors,
        prefill_flops=weight_flops(params, context_tokens) + mixing_prefill,
        decode_flops=weight_flops(params, 1) + mixing,
    )
