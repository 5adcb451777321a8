"""MiniCPM3 (modeling_minicpm3.py: MLA with latent norms and a dense MLP; v_head_dim null =
hidden_size // num_attention_heads, MiniCPM3Config.__post_init__).

Defaults: transformers 5.23.0 models/minicpm3/configuration_minicpm3.py, MiniCPM3Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    v = f.opt_int("v_head_dim")
    att = b.mla_attention(f, v_head_dim=v if v is not None else D // H)
    ffn = b.dense(f.integer("intermediate_size"), bias=f.flag("mlp_bias"))
    return Built(b.top(f), [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="minicpm3",
    class_name="MiniCPM3Config",
    source="transformers 5.23.0 models/minicpm3/configuration_minicpm3.py",
    defaults={
        "vocab_size": 73448,
        "hidden_size": 2560,
        "intermediate_size": 6400,
        "num_hidden_layers": 62,
        "num_attention_heads": 40,
        "num_key_value_heads": 40,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "mlp_bias": False,
        "head_dim": None,
        "kv_lora_rank": 256,
        "q_lora_rank": 768,
        "qk_nope_head_dim": 64,
        "qk_rope_head_dim": 32,
        "v_head_dim": None,
        "scale_emb": 12,
        "scale_depth": 1.4,
        "dim_model_base": 256,
    },
    ignored={
        "head_dim": "derived in __post_init__ (= qk_rope_head_dim)",
        "qk_head_dim": "derived in __post_init__ (= qk_nope + qk_rope)",
        "num_key_value_heads": "not read by MLA (one latent per token)",
        "n_group": "expert grouping for routing; no shape",
        "topk_group": "expert grouping for routing; no shape",
        "num_mtp_layers": "multi-token-prediction layers are not built by the causal LM",
        "num_nextn_predict_layers": "multi-token-prediction layers are not built by the causal LM",
        "scale_emb": "an embedding scale",
        "scale_depth": "a residual scale",
        "dim_model_base": "a logit scale",
    },
    build=build,
)
