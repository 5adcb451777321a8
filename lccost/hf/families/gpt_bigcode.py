"""GPTBigCode (modeling_gpt_bigcode.py: GPT-2 shapes with one K/V head under multi_query).

Defaults: transformers 5.23.0 models/gpt_bigcode/configuration_gpt_bigcode.py, GPTBigCodeConfig."""

from __future__ import annotations

from lccost.hf.core import Built, Family, Fields
from lccost.hf.families import gpt2


def build(f: Fields) -> Built:
    # modeling_gpt_bigcode.py copies GPT-2's MLP; its blocks differ only by multi_query.
    return gpt2.build(f, multi_query_field=True, read_elsewhere=())


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
