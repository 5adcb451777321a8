"""BitNet (modeling_bitnet.py: Llama shapes plus attn_sub_norm (D) and ffn_sub_norm
(intermediate_size) RMSNorms).

Defaults: transformers 5.23.0 models/bitnet/configuration_bitnet.py, BitNetConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("attention_bias")
    att = b.attention(H, K, d, qkv_bias=bias, o_bias=bias)
    ffn = b.dense(f.integer("intermediate_size"))
    ffn["inner_norm"] = True
    # two RMSNorms per layer plus attn_sub_norm (D) before o_proj
    return Built(
        b.top(f, per_layer_norms=3), [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)]
    )


FAMILY = Family(
    model_type="bitnet",
    class_name="BitNetConfig",
    source="transformers 5.23.0 models/bitnet/configuration_bitnet.py",
    defaults={
        "vocab_size": 128256,
        "hidden_size": 2560,
        "intermediate_size": 6912,
        "num_hidden_layers": 30,
        "num_attention_heads": 20,
        "num_key_value_heads": 5,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "head_dim": None,
    },
    build=build,
)
