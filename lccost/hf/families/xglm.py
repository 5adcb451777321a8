"""XGLM (modeling_xglm.py: MHA and an ungated fc1/fc2 MLP with biases, LayerNorms with bias,
sinusoidal positions without parameters).

Defaults: transformers 5.23.0 models/xglm/configuration_xglm.py, XGLMConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("attention_heads", f"is {H}, which does not divide d_model ({D})")
    att = b.attention(H, H, D // max(H, 1), qkv_bias=True, o_bias=True)
    ffn = b.dense(f.integer("ffn_dim"), gated=False, bias=True)
    return Built(
        b.top(f, per_layer_norms=4, final_norms=2),
        [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)],
    )


FAMILY = Family(
    model_type="xglm",
    class_name="XGLMConfig",
    source="transformers 5.23.0 models/xglm/configuration_xglm.py",
    defaults={
        "vocab_size": 256008,
        "max_position_embeddings": 2048,
        "d_model": 1024,
        "ffn_dim": 4096,
        "num_layers": 24,
        "attention_heads": 16,
        "activation_dropout": 0.0,
        "layerdrop": 0.0,
        "init_std": 0.02,
        "scale_embedding": True,
        "tie_word_embeddings": True,
    },
    attribute_map={
        "num_attention_heads": "attention_heads",
        "hidden_size": "d_model",
        "num_hidden_layers": "num_layers",
    },
    ignored={
        "layerdrop": "training only",
        "init_std": "initialisation",
        "activation_dropout": "training only",
        "scale_embedding": "an embedding scale",
    },
    build=build,
)
