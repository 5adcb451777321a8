"""BioGPT (modeling_biogpt.py: OPT-like: MHA and an ungated MLP with biases, LayerNorms with bias,
learned positions of max_position_embeddings + 2 rows).

Defaults: transformers 5.23.0 models/biogpt/configuration_biogpt.py, BioGptConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("num_attention_heads", f"is {H}, which does not divide hidden_size ({D})")
    att = b.attention(H, H, D // max(H, 1), qkv_bias=True, o_bias=True)
    ffn = b.dense(f.integer("intermediate_size"), gated=False, bias=True)
    top = b.top(f, per_layer_norms=4, final_norms=2)
    top["learned_positions"] = (
        f.integer("max_position_embeddings") + 2
    )  # BioGptLearnedPositionalEmbedding
    return Built(top, [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="biogpt",
    class_name="BioGptConfig",
    source="transformers 5.23.0 models/biogpt/configuration_biogpt.py",
    defaults={
        "vocab_size": 42384,
        "hidden_size": 1024,
        "num_hidden_layers": 24,
        "num_attention_heads": 16,
        "intermediate_size": 4096,
        "max_position_embeddings": 1024,
        "scale_embedding": True,
        "layerdrop": 0.0,
        "activation_dropout": 0.0,
        "tie_word_embeddings": True,
    },
    ignored={
        "scale_embedding": "an embedding scale",
        "layerdrop": "training only",
        "activation_dropout": "training only",
    },
    build=build,
)
