"""Qwen3.5 MoE text decoder: the Qwen3.5 mixers with a MoE and a gated shared expert on every
layer.

transformers 5.23.0 models/qwen3_5_moe: ``Qwen3_5MoeTextConfig`` (no ``intermediate_size``);
``Qwen3_5MoeSparseMoeBlock`` (router D x E, shared expert, D x 1 ``shared_expert_gate``).

Defaults: transformers 5.23.0 models/qwen3_5_moe/configuration_qwen3_5_moe.py,
Qwen3_5MoeTextConfig.
"""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields
from lccost.hf.families.qwen3_5_text import MTP_IGNORED, mixers
from lccost.hf.families.qwen3_next import MTP_NOTE


def build(f: Fields) -> Built:
    experts = f.integer("num_experts")
    ffn = b.moe(
        experts,
        min(f.integer("num_experts_per_tok"), experts),
        f.integer("moe_intermediate_size"),
        1,
        f.integer("shared_expert_intermediate_size"),
        shared_expert_gate=True,
    )
    return Built(b.top(f), [{"attention": m, "ffn": dict(ffn)} for m in mixers(f)], [MTP_NOTE])


FAMILY = Family(
    model_type="qwen3_5_moe_text",
    class_name="Qwen3_5MoeTextConfig",
    source="transformers 5.23.0 models/qwen3_5_moe/configuration_qwen3_5_moe.py",
    defaults={
        "vocab_size": 248320,
        "hidden_size": 2048,
        "num_hidden_layers": 40,
        "num_attention_heads": 16,
        "num_key_value_heads": 2,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "head_dim": 256,
        "linear_conv_kernel_dim": 4,
        "linear_key_head_dim": 128,
        "linear_value_head_dim": 128,
        "linear_num_key_heads": 16,
        "linear_num_value_heads": 32,
        "moe_intermediate_size": 512,
        "shared_expert_intermediate_size": 512,
        "num_experts_per_tok": 8,
        "num_experts": 256,
        "layer_types": None,
        "full_attention_interval": 4,
    },
    ignored=MTP_IGNORED,
    build=build,
)
