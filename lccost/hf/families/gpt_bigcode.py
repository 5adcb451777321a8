"""GPTBigCode (modeling_gpt_bigcode.py: GPT-2 shapes with one K/V head under multi_query).

Defaults: transformers 5.23.0 models/gpt_bigcode/configuration_gpt_bigcode.py, GPTBigCodeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("n_head", f"is {H}, which does not divide n_embd ({D})")
    K = 1 if f.flag("multi_query") else H
    inner = f.opt_int("n_inner") or 4 * D
    att = b.attention(H, K, D // max(H, 1), qkv_bias=True, o_bias=True)
    ffn = b.dense(inner, gated=False, bias=True)
    top = b.top(f, per_layer_norms=4, final_norms=2)
    top["learned_positions"] = f.integer("max_position_embeddings")
    return Built(top, [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="gpt_bigcode",
    class_name="GPTBigCodeConfig",
    source="transformers 5.23.0 models/gpt_bigcode/configuration_gpt_bigcode.py",
    defaults={
        "vocab_size": 50257,
        "n_positions": 1024,
        "n_embd": 768,
        "n_layer": 12,
        "n_head": 12,
        "n_inner": None,
        "attention_softmax_in_fp32": True,
        "scale_attention_softmax_in_fp32": True,
        "multi_query": True,
        "tie_word_embeddings": True,
    },
    attribute_map={
        "hidden_size": "n_embd",
        "max_position_embeddings": "n_positions",
        "num_attention_heads": "n_head",
        "num_hidden_layers": "n_layer",
    },
    ignored={
        "num_key_value_heads": "derived from multi_query by __post_init__ (1 or n_head)",
        "attention_softmax_in_fp32": "a precision setting",
        "scale_attention_softmax_in_fp32": "a precision setting",
    },
    build=build,
)
