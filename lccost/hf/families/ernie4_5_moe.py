"""ERNIE 4.5 MoE (modeling_ernie4_5_moe.py: MoE layers from moe_layer_start_index to
moe_layer_end_index every moe_layer_interval; e_score_correction_bias is a parameter).

Defaults: transformers 5.23.0 models/ernie4_5_moe/configuration_ernie4_5_moe.py,
Ernie4_5_MoeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields, refuse


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("use_bias")
    if bias:  # Ernie4_5_MoeForCausalLM: lm_head bias=config.use_bias
        refuse(f, "use_bias", "is true: it puts a bias on the LM head")
    start = f.integer("moe_layer_start_index", minimum=0)
    end = f.integer("moe_layer_end_index", minimum=-1)
    end = n - 1 if end == -1 else end  # Ernie4_5_MoeConfig.__post_init__
    interval = f.integer("moe_layer_interval")
    experts, active = f.integer("num_experts"), f.integer("num_experts_per_tok")
    width, shared = (
        f.integer("moe_intermediate_size"),
        f.integer("moe_num_shared_experts", minimum=0),
    )
    dense_width = f.integer("intermediate_size")
    layers = []
    for i in range(n):
        # Ernie4_5_MoeDecoderLayer: MoE where (i + 1) % interval == 0 and start <= i <= end; the
        # shared experts are one MLP of moe_intermediate_size x moe_num_shared_experts.
        sparse = (i + 1) % interval == 0 and start <= i <= end
        ffn = (
            b.moe(
                experts,
                active,
                width,
                shared,
                score_correction_bias=True,
                expert_bias=bias,
                shared_bias=bias,
            )
            if sparse
            else b.dense(dense_width, bias=bias)
        )
        layers.append({"attention": b.attention(H, K, d, qkv_bias=bias, o_bias=bias), "ffn": ffn})
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="ernie4_5_moe",
    class_name="Ernie4_5_MoeConfig",
    source="transformers 5.23.0 models/ernie4_5_moe/configuration_ernie4_5_moe.py",
    defaults={
        "vocab_size": 103424,
        "hidden_size": 2560,
        "intermediate_size": 12288,
        "num_hidden_layers": 28,
        "num_attention_heads": 20,
        "num_key_value_heads": 4,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": True,
        "use_bias": False,
        "moe_intermediate_size": 1536,
        "moe_k": 6,
        "moe_num_experts": 64,
        "moe_num_shared_experts": 2,
        "moe_layer_start_index": 1,
        "moe_layer_end_index": -1,
        "moe_layer_interval": 1,
        "moe_norm_min": 1e-12,
        "head_dim": None,
    },
    attribute_map={"num_experts": "moe_num_experts", "num_experts_per_tok": "moe_k"},
    ignored={
        "moe_norm_min": "a numerical constant",
    },
    build=build,
)
