"""GPT-J (modeling_gptj.py: MHA without biases, attention and MLP in parallel after one LayerNorm
with bias; an ungated MLP with biases, n_inner null = 4·n_embd).

Defaults: transformers 5.23.0 models/gptj/configuration_gptj.py, GPTJConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("n_head", f"is {H}, which does not divide n_embd ({D})")
    inner = f.opt_int("n_inner") or 4 * D
    att = b.attention(H, H, D // max(H, 1))
    ffn = b.dense(inner, gated=False, bias=True)
    top = b.top(f, per_layer_norms=2, final_norms=2)
    top["lm_head_bias"] = True  # the causal LM's lm_head has a bias
    return Built(top, [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="gptj",
    class_name="GPTJConfig",
    source="transformers 5.23.0 models/gptj/configuration_gptj.py",
    defaults={
        "vocab_size": 50400,
        "n_positions": 2048,
        "n_embd": 4096,
        "n_layer": 28,
        "n_head": 16,
        "rotary_dim": 64,
        "n_inner": None,
        "tie_word_embeddings": False,
    },
    attribute_map={
        "max_position_embeddings": "n_positions",
        "hidden_size": "n_embd",
        "num_attention_heads": "n_head",
        "num_hidden_layers": "n_layer",
    },
    ignored={
        "rotary_dim": "rotary dims; no shape",
    },
    build=build,
)
