"""Multi-token prediction (MTP) layers: what one speculative draft step adds.

Symbols: D hidden, V vocabulary, n MTP depth (modules chained, one draft token each), L context
tokens. Each module i takes the main model's last hidden state and the embedding of the token
after it, normalises both, projects their concatenation 2D -> D (``fc`` / ``eh_proj``) and runs
one decoder layer, whose attention keeps its own cache; the shared LM head then drafts a token.

Weights [parameters]: n x (fc 2·D·D + the layer's weights); the embedding and LM head are the
main model's (shared, not counted again); norms are vectors, not counted.

Cache after L tokens: each MTP layer's own cache, as its mechanism counts it (the layer sees
the same L tokens).

Decode at L [FLOPs], one speculative step: per module 2·(fc) + the layer's decode at L + the LM
head 2·D·V. Prefill of L: per module the layer and fc over the prompt (to fill its cache),
2·(fc)·L + the layer's prefill, and the LM head for the last token, 2·D·V.

Excluded unless the spec says ``mtp: {counted: true}`` (a variant spec does: see
``configs/variants/*-mtp.yaml``): the reference implementations (transformers 5.23.0) drop the
MTP weights on load and never run them; vLLM runs them only with speculative decoding on.

References: DeepSeek-AI, DeepSeek-V3 technical report (arXiv 2412.19437) §2.2 (MTP modules:
``M_k`` of size 2D x D, shared embedding and output head); Qwen3-Next model card (MTP);
vLLM ``model_executor/models/qwen3_next_mtp.py`` (``fc`` 2·hidden -> hidden, one
full-attention decoder layer per MTP module).
"""

from __future__ import annotations

from collections.abc import Sequence

from lccost.ledger import Ledger, PartCosts, ledger, term, weight_flops


def mtp_costs(layers: Sequence[PartCosts], n: int, D: int, V: int, L: int) -> PartCosts:
    """The costs of ``n`` MTP modules (one per draft token); ``layers`` are the costs of their
    decoder layers' parts (mixers and feed-forward blocks)."""
    fc = ledger(term("mtp.fc", "n*2*D*D", n=n, D=D))
    head = ledger(term("mtp.lm_head", "n*2*D*V", n=n, D=D, V=V))

    def summed(quantity: str) -> Ledger:
        total = Ledger()
        for part in layers:
            total += getattr(part, quantity)
        return total

    return PartCosts(
        params=fc + summed("params"),
        active_params=fc + summed("active"),
        cache_bytes=summed("cache_bytes"),
        cache_read_bytes=summed("cache_read_bytes"),
        cache_write_bytes=summed("cache_write_bytes"),
        prefill_flops=weight_flops(fc, L)
        + summed("prefill_flops")
        + ledger(term("mtp.lm_head", "2*D*V", D=D, V=V)),
        decode_flops=weight_flops(fc, 1) + summed("decode_flops") + head,
    )
