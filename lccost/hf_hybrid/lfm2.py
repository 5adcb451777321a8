"""LFM2: gated short-convolution layers and GQA attention layers, each followed by a SwiGLU MLP.

transformers 5.23.0 models/lfm2: ``Lfm2Config.__post_init__`` (``layer_types`` default: full
attention at ``full_attn_idxs``, conv elsewhere); ``Lfm2ShortConv``; ``Lfm2MLP`` (with
``block_auto_adjust_ff_dim``: I = int(2·I/3), then int(multiplier·I) rounded up to a multiple
of ``block_multiple_of``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from lccost.errors import SpecError
from lccost.hf_hybrid.fields import Fields, Imported, attention

DEFAULTS: dict[str, Any] = {
    "vocab_size": 65536, "hidden_size": 2560, "intermediate_size": 12288,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
    "max_position_embeddings": 128_000, "tie_word_embeddings": True, "conv_L_cache": 3,
    "block_multiple_of": 256, "block_ffn_dim_multiplier": 1.0, "block_auto_adjust_ff_dim": True,
    "full_attn_idxs": None, "layer_types": None,
}


def _mlp_width(f: Fields) -> int:
    """``Lfm2MLP.__init__``, in exact arithmetic (the multiplier is a decimal in the file)."""
    width = f.integer("block_ff_dim") if "block_ff_dim" in f.data else f.integer(
        "intermediate_size")
    if not f.flag("block_auto_adjust_ff_dim"):
        return width
    width = 2 * width // 3
    multiplier = f.get("block_ffn_dim_multiplier")
    if multiplier is not None:
        if isinstance(multiplier, bool) or not isinstance(multiplier, int | float):
            raise SpecError(f.file, f"got {multiplier!r}; allowed: a number",
                            field="block_ffn_dim_multiplier")
        width = int(Fraction(multiplier) * width)
        m = f.integer("block_multiple_of")
        width = m * -(-width // m)
    return width


def build(f: Fields) -> Imported:
    N = f.integer("num_hidden_layers")
    types = f.str_list("layer_types", ("conv", "full_attention"))
    if types is None:
        idxs = f.int_list("full_attn_idxs")
        full = set(range(N) if idxs is None else idxs)
        types = ["full_attention" if i in full else "conv" for i in range(N)]
    H = f.integer("num_attention_heads")
    head = attention(H, f.integer("num_key_value_heads"), f.integer("hidden_size") // H)
    conv = {"kind": "short_conv", "conv_kernel": f.integer("conv_L_cache", minimum=2)}
    ffn = {"kind": "dense", "intermediate_size": _mlp_width(f)}
    return Imported([{"attention": head if t == "full_attention" else conv, "ffn": ffn}
                     for t in types[:N]])
