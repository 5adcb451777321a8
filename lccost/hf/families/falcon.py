"""Falcon (modeling_falcon.py: fused query_key_value with K = num_kv_heads
(new_decoder_architecture), 1 (multi_query) or H; LayerNorms with bias, one or two per layer
(parallel_attn, num_ln_in_parallel_attn); an ungated MLP of ffn_hidden_size (4·hidden)).

Defaults: transformers 5.23.0 models/falcon/configuration_falcon.py, FalconConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields, refuse


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("num_attention_heads", f"is {H}, which does not divide hidden_size ({D})")
    d = D // max(H, 1)
    new_arch, multi_query = f.flag("new_decoder_architecture"), f.flag("multi_query")
    kv = f.opt_int("num_kv_heads")
    kv = H if kv is None else kv  # FalconConfig.__post_init__
    if new_arch:
        K = b.check_heads(f, H, kv, "num_kv_heads")
        if K != H:
            # FalconAttention (L313-321) expands K and V to all heads before caching them.
            refuse(
                f,
                "num_kv_heads",
                f"is {K} with new_decoder_architecture: transformers "
                "5.23.0 caches K and V expanded to all "
                f"{H} heads while the projections hold {K} (a cache "
                "wider than its projections)",
            )
    elif multi_query:
        K = 1  # FalconAttention: one K/V head (qkv out = hidden + 2·head_dim)
    else:
        if kv != H:
            refuse(
                f,
                "num_kv_heads",
                f"is {kv} without new_decoder_architecture or multi_query: "
                "the weights are full MHA but the cache would be viewed as "
                f"{kv} heads",
            )
        K = H
    parallel = f.flag("parallel_attn")
    ln = f.opt_int("num_ln_in_parallel_attn")
    if ln is None and new_arch:
        ln = 2  # FalconDecoderLayer sets it
    norms = 2 if not parallel or ln == 2 else 1  # LayerNorms (weight and bias) per layer
    bias = f.flag("bias")
    f.mark_used("alibi")
    att = b.attention(H, K, d, qkv_bias=bias, o_bias=bias)
    ffn = b.dense(f.opt_int("ffn_hidden_size") or 4 * D, gated=False, bias=bias)
    return Built(
        b.top(f, per_layer_norms=2 * norms, final_norms=2),
        [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)],
    )


FAMILY = Family(
    model_type="falcon",
    class_name="FalconConfig",
    source="transformers 5.23.0 models/falcon/configuration_falcon.py",
    defaults={
        "vocab_size": 65024,
        "hidden_size": 4544,
        "num_hidden_layers": 32,
        "num_attention_heads": 71,
        "num_ln_in_parallel_attn": None,
        "num_kv_heads": None,
        "alibi": False,
        "new_decoder_architecture": False,
        "multi_query": True,
        "parallel_attn": True,
        "bias": False,
        "max_position_embeddings": 2048,
        "ffn_hidden_size": None,
        "activation": "gelu",
        "tie_word_embeddings": True,
    },
    ignored={
        "alibi": "ALiBi biases are computed, not parameters",
        "activation": "the activation",
    },
    build=build,
)
