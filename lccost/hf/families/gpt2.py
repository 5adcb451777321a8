"""GPT-2 (modeling_gpt2.py: Conv1D c_attn/c_proj with biases, an ungated MLP with biases, LayerNorms
with bias, learned positions wpe of n_positions rows).

Defaults: transformers 5.23.0 models/gpt2/configuration_gpt2.py, GPT2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields

GPT2_READ_ELSEWHERE = (
    "summary_type",
    "summary_use_proj",
    "summary_activation",
    "summary_proj_to_labels",
    "scale_attn_by_inverse_layer_idx",
    "reorder_and_upcast_attn",
)
"""GPT-2 config keys read by code that builds no shape (the sequence-summary head, attention
scaling); accepted without a cost."""


def build(
    f: Fields,
    multi_query_field: bool = False,
    read_elsewhere: tuple[str, ...] = GPT2_READ_ELSEWHERE,
) -> Built:
    """GPT-2's blocks. ``multi_query_field``: gpt_bigcode (whose blocks copy GPT-2's) reads
    ``multi_query``, one KV head when true; it has none of ``read_elsewhere``."""
    n = f.layers()
    D, H = b.hidden_and_heads(f)
    K = 1 if multi_query_field and f.flag("multi_query") else H
    inner = f.opt_int("n_inner") or 4 * D
    f.mark_used(*read_elsewhere)
    att = b.attention(H, K, D // max(H, 1), qkv_bias=True, o_bias=True)
    ffn = b.dense(inner, gated=False, bias=True)
    top = b.top(f, per_layer_norms=4, final_norms=2)
    top["learned_positions"] = f.integer("max_position_embeddings")
    return Built(top, b.same_layers(n, att, ffn))


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
