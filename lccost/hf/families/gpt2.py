"""GPT-2 (modeling_gpt2.py: Conv1D c_attn/c_proj with biases, an ungated MLP with biases, LayerNorms
with bias, learned positions wpe of n_positions rows).

Defaults: transformers 5.23.0 models/gpt2/configuration_gpt2.py, GPT2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("n_head", f"is {H}, which does not divide n_embd ({D})")
    inner = f.opt_int("n_inner") or 4 * D
    for key in (
        "summary_type",
        "summary_use_proj",
        "summary_activation",
        "summary_proj_to_labels",
        "scale_attn_by_inverse_layer_idx",
        "reorder_and_upcast_attn",
    ):
        f.mark_used(key)
    att = b.attention(H, H, D // max(H, 1), qkv_bias=True, o_bias=True)
    ffn = b.dense(inner, gated=False, bias=True)
    top = b.top(f, per_layer_norms=4, final_norms=2)
    top["learned_positions"] = f.integer("max_position_embeddings")
    return Built(top, [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="gpt2",
    class_name="GPT2Config",
    source="transformers 5.23.0 models/gpt2/configuration_gpt2.py",
    defaults={
        "vocab_size": 50257,
        "n_positions": 1024,
        "n_embd": 768,
        "n_layer": 12,
        "n_head": 12,
        "n_inner": None,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "summary_activation": None,
        "summary_proj_to_labels": True,
        "scale_attn_by_inverse_layer_idx": False,
        "reorder_and_upcast_attn": False,
        "tie_word_embeddings": True,
    },
    attribute_map={
        "hidden_size": "n_embd",
        "max_position_embeddings": "n_positions",
        "num_attention_heads": "n_head",
        "num_hidden_layers": "n_layer",
    },
    build=build,
)
