"""Phi (modeling_phi.py: q/k/v and dense with biases; attention and MLP in parallel after one
LayerNorm with bias; an ungated fc1/fc2 MLP with biases).

Defaults: transformers 5.23.0 models/phi/configuration_phi.py, PhiConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    norm = "head_ln" if f.flag("qk_layernorm") else "none"
    built = b.uniform(
        f,
        [None] * f.layers(),
        qkv_bias=True,
        o_bias=True,
        mlp_bias=True,
        gated=False,
        qk_norm=norm,
        per_layer_norms=2,
        final_norms=2,
    )
    built.top["lm_head_bias"] = True  # PhiForCausalLM: lm_head bias=True
    return built


FAMILY = Family(
    model_type="phi",
    class_name="PhiConfig",
    source="transformers 5.23.0 models/phi/configuration_phi.py",
    defaults={
        "vocab_size": 51200,
        "hidden_size": 2048,
        "intermediate_size": 8192,
        "num_hidden_layers": 24,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "qk_layernorm": False,
        "head_dim": None,
    },
    build=build,
)
