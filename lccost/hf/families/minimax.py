"""MiniMax (MiniMax-Text-01): lightning-attention layers and GQA softmax-attention layers, each
followed by a MoE without shared experts.

transformers 5.23.0 models/minimax: ``MiniMaxConfig`` (``attribute_map``: ``num_experts`` ->
``num_local_experts``; ``__post_init__``: ``layer_types`` default full attention on even
layers, lightning on odd ones); ``MiniMaxLightningAttention`` (an output RMSNorm of H·d);
``MiniMaxAttention`` (head_dim = ``head_dim`` or hidden_size / num_attention_heads);
``MiniMaxSparseMoeBlock`` (router D x E); two norms per layer and a final one.

Defaults: transformers 5.23.0 models/minimax/configuration_minimax.py, MiniMaxConfig.
"""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = f.str_list("layer_types", n, ("full_attention", "linear_attention")) or [
        "full_attention" if (i + 1) % 2 else "linear_attention" for i in range(n)
    ]
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, f.integer("num_key_value_heads"))
    d = b.head_dim(f)
    if f.opt_int("sliding_window") is not None:
        # MiniMaxCache is a plain DynamicCache: it keeps every token while the mask slides, a
        # layer lccost has no kind for.
        f.report(
            "sliding_window",
            "a sliding window on MiniMax's softmax layers is not "
            "modelled by lccost (transformers masks the window but caches "
            "every token), so the import is refused rather than guessed",
        )
    full = b.attention(H, K, d)
    lightning = {
        "kind": "lightning",
        "heads": H,
        "head_dim": d,
        "block_size": f.integer("block_size"),
    }
    experts = f.integer("num_local_experts")
    ffn = b.moe(
        experts, min(f.integer("num_experts_per_tok"), experts), f.integer("intermediate_size")
    )
    return Built(
        b.top(f),
        [
            {"attention": dict(full if t == "full_attention" else lightning), "ffn": dict(ffn)}
            for t in types
        ],
    )


FAMILY = Family(
    model_type="minimax",
    class_name="MiniMaxConfig",
    source="transformers 5.23.0 models/minimax/configuration_minimax.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": None,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "sliding_window": None,
        "num_experts_per_tok": 2,
        "num_local_experts": 8,
        "layer_types": None,
        "block_size": 256,
        "full_attn_alpha_factor": 1,
        "full_attn_beta_factor": 1,
        "linear_attn_alpha_factor": 1,
        "linear_attn_beta_factor": 1,
        "mlp_alpha_factor": 1,
        "mlp_beta_factor": 1,
    },
    attribute_map={"num_experts": "num_local_experts"},
    ignored=dict.fromkeys(
        (
            "full_attn_alpha_factor",
            "full_attn_beta_factor",
            "linear_attn_alpha_factor",
            "linear_attn_beta_factor",
            "mlp_alpha_factor",
            "mlp_beta_factor",
        ),
        "a residual scaling constant; shapes and FLOP counts do not depend on it",
    ),
    build=build,
)
