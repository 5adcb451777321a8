"""CWM (modeling_cwm.py: Llama shapes; default layer_types three sliding then one full).

Defaults: transformers 5.23.0 models/cwm/configuration_cwm.py, CwmConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(
        f, n, ["sliding_attention" if (i + 1) % 4 else "full_attention" for i in range(n)]
    )
    return b.uniform(f, b.sliding_types_window(f, n, types), mlp_bias=f.flag("mlp_bias"))


FAMILY = Family(
    model_type="cwm",
    class_name="CwmConfig",
    source="transformers 5.23.0 models/cwm/configuration_cwm.py",
    defaults={
        "vocab_size": 128256,
        "hidden_size": 6144,
        "intermediate_size": 21504,
        "num_hidden_layers": 64,
        "num_attention_heads": 48,
        "num_key_value_heads": 8,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "mlp_bias": False,
        "head_dim": 128,
        "sliding_window": 8192,
        "layer_types": None,
    },
    build=build,
)
