"""Youtu (modeling_youtu.py: MLA with latent norms and a dense MLP).

Defaults: transformers 5.23.0 models/youtu/configuration_youtu.py, YoutuConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    att = b.mla_attention(f)
    ffn = b.dense(f.integer("intermediate_size"))
    return Built(b.top(f), [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="youtu",
    class_name="YoutuConfig",
    source="transformers 5.23.0 models/youtu/configuration_youtu.py",
    defaults={
        "vocab_size": 128256,
        "hidden_size": 2048,
        "intermediate_size": 6144,
        "num_hidden_layers": 32,
        "num_attention_heads": 16,
        "num_key_value_heads": 16,
        "kv_lora_rank": 512,
        "q_lora_rank": 1536,
        "qk_rope_head_dim": 64,
        "v_head_dim": 128,
        "qk_nope_head_dim": 128,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "embedding_initializer_range": None,
    },
    ignored={
        "embedding_initializer_range": "initialisation",
        "head_dim": "derived (= qk_rope_head_dim)",
        "qk_head_dim": "derived",
        "num_key_value_heads": "not read by MLA",
        "mlp_bias": "read by mla_attention",
    },
    build=build,
)
