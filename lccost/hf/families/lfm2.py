"""LFM2: gated short-convolution layers and GQA attention layers, each followed by a SwiGLU MLP.

transformers 5.23.0 models/lfm2: ``Lfm2Config.__post_init__`` (``layer_types`` default: full
attention at ``full_attn_idxs`` (every layer when null), conv elsewhere); ``Lfm2ShortConv``
(biases on in_proj, conv and out_proj with ``conv_bias``); ``Lfm2Attention`` (head_dim =
hidden_size / heads, q_layernorm and k_layernorm of head_dim); ``Lfm2MLP`` (with
``block_auto_adjust_ff_dim``: I = int(2·I/3), then int(multiplier·I) rounded up to a multiple
of ``block_multiple_of``); operator_norm and ffn_norm per layer, the final embedding_norm.

Defaults: transformers 5.23.0 models/lfm2/configuration_lfm2.py, Lfm2Config.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def _mlp_width(f: Fields) -> int:
    """``Lfm2MLP.__init__``, in exact arithmetic (the multiplier is a decimal in the file);
    the checkpoints' ``block_ff_dim`` stands for ``intermediate_size``."""
    width = f.integer("block_ff_dim") if f.has("block_ff_dim") else f.integer("intermediate_size")
    if f.has("block_ff_dim"):
        f.mark_used("intermediate_size")
    if not f.flag("block_auto_adjust_ff_dim"):
        f.mark_used("block_ffn_dim_multiplier", "block_multiple_of")
        return width
    width = 2 * width // 3
    multiplier = f.number("block_ffn_dim_multiplier", 0.0, 1e6)
    if multiplier is not None:
        width = int(Fraction(f.get("block_ffn_dim_multiplier")) * width)
        m = f.integer("block_multiple_of")
        width = m * -(-width // m)
    return width


def build(f: Fields) -> Built:
    n = f.layers()
    types = f.str_list("layer_types", n, ("conv", "full_attention"))
    if types is None:
        idxs = f.int_list("full_attn_idxs", None, minimum=0)
        full = set(range(n) if idxs is None else idxs)
        types = ["full_attention" if i in full else "conv" for i in range(n)]
    else:
        f.mark_used("full_attn_idxs")
    H = f.integer("num_attention_heads")
    head = b.attention(
        H,
        b.check_heads(f, H, f.integer("num_key_value_heads")),
        f.integer("hidden_size") // H,
        qk_norm="head",
    )
    conv: dict[str, Any] = {
        "kind": "short_conv",
        "conv_kernel": f.integer("conv_L_cache", minimum=2),
    }
    if f.flag("conv_bias"):
        conv["bias"] = True
    ffn = b.dense(_mlp_width(f))
    return Built(
        b.top(f),
        [
            {"attention": dict(head if t == "full_attention" else conv), "ffn": dict(ffn)}
            for t in types
        ],
    )


FAMILY = Family(
    model_type="lfm2",
    class_name="Lfm2Config",
    source="transformers 5.23.0 models/lfm2/configuration_lfm2.py",
    defaults={
        "vocab_size": 65536,
        "hidden_size": 2560,
        "intermediate_size": 12288,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "max_position_embeddings": 128000,
        "tie_word_embeddings": True,
        "conv_bias": False,
        "conv_L_cache": 3,
        "block_multiple_of": 256,
        "block_ffn_dim_multiplier": 1.0,
        "block_auto_adjust_ff_dim": True,
        "full_attn_idxs": None,
        "layer_types": None,
        "block_ff_dim": 12288,
    },
    ignored={
        "block_dim": "the checkpoints' copy of hidden_size; transformers reads hidden_size",
        "block_mlp_init_scale": "training or initialisation only",
        "block_out_init_scale": "training or initialisation only",
        "block_use_swiglu": "the checkpoints' flag; transformers' Lfm2MLP is always SwiGLU",
        "block_use_xavier_init": "training or initialisation only",
        "block_norm_eps": "a numerical constant; shapes do not depend on it",
        "conv_dim": "the checkpoints' copy of hidden_size; transformers reads hidden_size",
        "conv_dim_out": "the checkpoints' copy of hidden_size; transformers reads hidden_size",
        "conv_use_xavier_init": "training or initialisation only",
        "num_heads": "the checkpoints' copy of num_attention_heads; transformers reads that",
    },
    build=build,
)
