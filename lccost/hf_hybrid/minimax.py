"""MiniMax (MiniMax-Text-01): lightning-attention layers and GQA softmax-attention layers, each
followed by a MoE without shared experts.

transformers 5.23.0 models/minimax: ``MiniMaxConfig`` (``attribute_map``: ``num_experts`` ->
``num_local_experts``; ``__post_init__``: ``layer_types`` default full attention on even
layers, lightning on odd ones); ``MiniMaxLightningAttention``; ``MiniMaxAttention`` (head_dim
= ``head_dim`` or hidden_size / num_attention_heads; a ``sliding_window`` is refused);
``MiniMaxSparseMoeBlock`` (router D x E).
"""

from __future__ import annotations

from typing import Any

from lccost.errors import SpecError
from lccost.hf_hybrid.fields import Fields, Imported, attention

DEFAULTS: dict[str, Any] = {
    "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
    "head_dim": None, "max_position_embeddings": 4096 * 32, "tie_word_embeddings": False,
    "sliding_window": None, "num_experts_per_tok": 2, "num_local_experts": 8,
    "layer_types": None, "block_size": 256,
}


def build(f: Fields) -> Imported:
    if "num_experts" in f.data and "num_local_experts" not in f.data:
        f = Fields({**f.data, "num_local_experts": f.data["num_experts"]}, f.defaults, f.file)
    N = f.integer("num_hidden_layers")
    types = f.str_list("layer_types", ("full_attention", "linear_attention")) or [
        "full_attention" if (i + 1) % 2 else "linear_attention" for i in range(N)]
    H = f.integer("num_attention_heads")
    d = f.opt_integer("head_dim") or f.integer("hidden_size") // H
    if f.opt_integer("sliding_window") is not None:
        # MiniMaxCache is a plain DynamicCache: it keeps every token while the mask slides, a
        # layer lccost has no kind for.
        raise SpecError(f.file, "a sliding window on MiniMax's softmax layers is not modelled "
                                "(transformers masks the window but caches every token)",
                        field="sliding_window")
    full = attention(H, f.integer("num_key_value_heads"), d)
    lightning = {"kind": "lightning", "heads": H, "head_dim": d,
                 "block_size": f.integer("block_size")}
    ffn = {"kind": "moe", "experts": f.integer("num_local_experts"),
           "active_experts": f.integer("num_experts_per_tok"),
           "expert_intermediate_size": f.integer("intermediate_size")}
    return Imported([{"attention": full if t == "full_attention" else lightning, "ffn": ffn}
                     for t in types[:N]])
