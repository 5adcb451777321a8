"""SmolLM3 (modeling_smollm3.py: Llama shapes; NoPE layers change no shape; the window where
layer_types says sliding).

Defaults: transformers 5.23.0 models/smollm3/configuration_smollm3.py, SmolLM3Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    window = f.opt_int("sliding_window")
    use = f.flag("use_sliding_window")
    default = ["sliding_attention" if use and window is not None else "full_attention"] * n
    types = b.layer_types(f, n, default)
    f.mark_used("no_rope_layers", "no_rope_layer_interval")
    bias = f.flag("attention_bias")
    return b.uniform(
        f,
        b.sliding_types_window(f, n, types),
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=f.flag("mlp_bias"),
    )


FAMILY = Family(
    model_type="smollm3",
    class_name="SmolLM3Config",
    source="transformers 5.23.0 models/smollm3/configuration_smollm3.py",
    defaults={
        "vocab_size": 128256,
        "hidden_size": 2048,
        "intermediate_size": 11008,
        "num_hidden_layers": 36,
        "num_attention_heads": 16,
        "num_key_value_heads": 4,
        "max_position_embeddings": 32768,
        "use_sliding_window": False,
        "sliding_window": None,
        "no_rope_layers": None,
        "no_rope_layer_interval": 4,
        "layer_types": None,
        "attention_bias": False,
        "mlp_bias": False,
        "tie_word_embeddings": True,
        "head_dim": None,
    },
    ignored={
        "no_rope_layers": "which layers skip RoPE; no shape",
        "no_rope_layer_interval": "which layers skip RoPE; no shape",
    },
    build=build,
)
