"""BLOOM (modeling_bloom.py: MHA with biases and ALiBi, an ungated 4·hidden MLP with biases,
LayerNorms with bias, plus one on the word embeddings).

Defaults: transformers 5.23.0 models/bloom/configuration_bloom.py, BloomConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("n_head", f"is {H}, which does not divide hidden_size ({D})")
    f.mark_used("apply_residual_connection_post_layernorm", "slow_but_exact")
    att = b.attention(H, H, D // max(H, 1), qkv_bias=True, o_bias=True)
    ffn = b.dense(4 * D, gated=False, bias=True)
    # Two LayerNorms with bias per layer; word_embeddings_layernorm and ln_f (two vectors each).
    return Built(
        b.top(f, per_layer_norms=4, final_norms=4, max_context_key=""),
        [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)],
    )


FAMILY = Family(
    model_type="bloom",
    class_name="BloomConfig",
    source="transformers 5.23.0 models/bloom/configuration_bloom.py",
    defaults={
        "vocab_size": 250880,
        "hidden_size": 64,
        "n_layer": 2,
        "n_head": 8,
        "apply_residual_connection_post_layernorm": False,
        "slow_but_exact": False,
        "tie_word_embeddings": True,
    },
    attribute_map={"num_hidden_layers": "n_layer", "num_attention_heads": "n_head"},
    ignored={
        "apply_residual_connection_post_layernorm": "residual wiring",
        "slow_but_exact": "a numerics switch",
    },
    build=build,
)
