"""Llama 4 text decoder: chunked local attention on three layers of four (NoPE full attention on
the fourth), MoE (top-1 of E plus a shared expert) on ``moe_layers``.

transformers 5.23.0 models/llama4: ``Llama4TextConfig.__post_init__`` (``no_rope_layers``: 0 on
every ``no_rope_layer_interval``-th layer; ``layer_types`` chunked where RoPE is used;
``moe_layers`` every ``interleave_moe_layer_step``-th layer); ``Llama4TextAttention`` (the q/k L2
norms have no weights; ``attention_bias`` refused); ``Llama4TextMoe`` (router D x E,
shared expert of ``intermediate_size``, every expert run on every token);
``Llama4TextDecoderLayer`` (two norms, dense MLP of ``intermediate_size_mlp`` elsewhere); a
final norm.

Defaults: transformers 5.23.0 models/llama4/configuration_llama4.py, Llama4TextConfig.
"""

from __future__ import annotations

from typing import Any

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    no_rope = f.int_list("no_rope_layers", n)
    if no_rope is None:
        interval = f.integer("no_rope_layer_interval")
        no_rope = [int((i + 1) % interval != 0) for i in range(n)]
    else:
        f.mark_used("no_rope_layer_interval")
    types = f.str_list("layer_types", n, ("chunked_attention", "full_attention")) or [
        "chunked_attention" if flag else "full_attention" for flag in no_rope
    ]
    step = f.integer("interleave_moe_layer_step")
    moe_layers = f.int_list("moe_layers", None, minimum=0)
    moe = set(range(step - 1, n, step) if moe_layers is None else moe_layers)
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, f.integer("num_key_value_heads"))
    d = f.integer("head_dim")
    if f.flag("attention_bias"):
        f.report(
            "attention_bias",
            "is true: biases on chunked attention's projections are not "
            "modelled by lccost, so the import is refused rather than "
            "guessed",
        )
    chunk = f.opt_int("attention_chunk_size")
    layers = []
    for i in range(n):
        if types[i] == "chunked_attention" and chunk is not None:
            mixer: dict[str, Any] = {
                "kind": "chunked_attention",
                "query_heads": H,
                "kv_heads": K,
                "head_dim": d,
                "chunk": chunk,
            }
        else:
            mixer = b.attention(H, K, d)
        if i in moe:
            ffn = b.moe(
                f.integer("num_local_experts"),
                f.integer("num_experts_per_tok"),
                f.integer("intermediate_size"),
                1,
                reference_runs_all_experts=True,
            )
        else:
            ffn = b.dense(f.integer("intermediate_size_mlp"))
        layers.append({"attention": mixer, "ffn": ffn})
    f.mark_used("intermediate_size_mlp")  # read above where a layer is dense; no shape otherwise
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="llama4_text",
    class_name="Llama4TextConfig",
    source="transformers 5.23.0 models/llama4/configuration_llama4.py",
    defaults={
        "vocab_size": 202048,
        "hidden_size": 5120,
        "intermediate_size": 8192,
        "intermediate_size_mlp": 16384,
        "num_hidden_layers": 48,
        "num_attention_heads": 40,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "num_experts_per_tok": 1,
        "num_local_experts": 16,
        "moe_layers": None,
        "interleave_moe_layer_step": 1,
        "use_qk_norm": True,
        "no_rope_layers": None,
        "no_rope_layer_interval": 4,
        "attention_chunk_size": 8192,
        "layer_types": None,
        "attn_temperature_tuning": True,
        "floor_scale": 8192,
        "attn_scale": 0.1,
        "attention_bias": False,
    },
    ignored={
        "use_qk_norm": "an L2 norm of q and k without weights; no shape depends on it",
        "attn_temperature_tuning": "a numerical constant; shapes do not depend on it",
        "floor_scale": "a numerical constant; shapes do not depend on it",
        "attn_scale": "a numerical constant; shapes do not depend on it",
    },
    build=build,
)
