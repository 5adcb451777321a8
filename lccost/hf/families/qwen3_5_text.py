"""Qwen3.5 text decoder: Gated DeltaNet layers and gated full-attention layers (3:1 by default),
a dense SwiGLU MLP on every layer.

transformers 5.23.0 models/qwen3_5: ``Qwen3_5TextConfig.__post_init__`` (``layer_types``
default: every ``full_attention_interval``-th layer (4) full); ``Qwen3_5Attention`` (as
Qwen3-Next's: q_proj D·H·2d, q_norm, k_norm); ``Qwen3_5GatedDeltaNet`` (in_proj_qkv, in_proj_z,
in_proj_b, in_proj_a: the same matrices as Qwen3-Next's in_proj_qkvz and in_proj_ba, split
differently; A_log, dt_bias, gated norm); ``Qwen3_5DecoderLayer`` (two norms, ``Qwen3_5MLP``);
a final norm.

Defaults: transformers 5.23.0 models/qwen3_5/configuration_qwen3_5.py, Qwen3_5TextConfig.
"""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields
from lccost.hf.families.qwen3_next import MTP_NOTE, gated_attention, gated_deltanet, layer_types

MTP_IGNORED = {
    "mtp_num_hidden_layers": "multi-token prediction layers; transformers does not build them",
    "mtp_use_dedicated_embeddings": "multi-token prediction layers; transformers does not "
    "build them",
}


def mixers(f: Fields) -> list[dict[str, object]]:
    n = f.layers()
    full, linear = gated_attention(f), gated_deltanet(f)
    return [dict(full if t == "full_attention" else linear) for t in layer_types(f, n)]


def build(f: Fields) -> Built:
    ffn = b.dense(f.integer("intermediate_size"))
    return Built(b.top(f), [{"attention": m, "ffn": dict(ffn)} for m in mixers(f)], [MTP_NOTE])


FAMILY = Family(
    model_type="qwen3_5_text",
    class_name="Qwen3_5TextConfig",
    source="transformers 5.23.0 models/qwen3_5/configuration_qwen3_5.py",
    defaults={
        "vocab_size": 248320,
        "hidden_size": 4096,
        "intermediate_size": 12288,
        "num_hidden_layers": 32,
        "num_attention_heads": 16,
        "num_key_value_heads": 4,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "head_dim": 256,
        "linear_conv_kernel_dim": 4,
        "linear_key_head_dim": 128,
        "linear_value_head_dim": 128,
        "linear_num_key_heads": 16,
        "linear_num_value_heads": 32,
        "layer_types": None,
        "full_attention_interval": 4,
    },
    ignored=MTP_IGNORED,
    build=build,
)
