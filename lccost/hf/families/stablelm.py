"""StableLM (modeling_stablelm.py: LayerNorms with bias, no post-attention norm with
use_parallel_residual; use_qkv_bias; qk_layernorm: per-head LayerNorms without bias).

Defaults: transformers 5.23.0 models/stablelm/configuration_stablelm.py, StableLmConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    parallel = f.flag("use_parallel_residual")
    norm = "full" if f.flag("qk_layernorm") else "none"
    return b.uniform(
        f,
        [None] * f.layers(),
        qkv_bias=f.flag("use_qkv_bias"),
        qk_norm=norm,
        per_layer_norms=2 if parallel else 4,
        final_norms=2,
    )


FAMILY = Family(
    model_type="stablelm",
    class_name="StableLmConfig",
    source="transformers 5.23.0 models/stablelm/configuration_stablelm.py",
    defaults={
        "vocab_size": 50304,
        "intermediate_size": 6912,
        "hidden_size": 2560,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 32,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "use_qkv_bias": False,
        "qk_layernorm": False,
        "use_parallel_residual": False,
        "head_dim": None,
    },
    build=build,
)
