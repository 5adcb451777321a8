"""Llama 4 text decoder: chunked local attention on three layers of four (NoPE full attention on
the fourth), MoE (top-1 of E plus a shared expert) on ``moe_layers``.

transformers 5.23.0 models/llama4: ``Llama4TextConfig.__post_init__`` (``no_rope_layers``: 0 on
every ``no_rope_layer_interval``-th layer; ``layer_types`` chunked where RoPE is used;
``moe_layers`` every ``interleave_moe_layer_step``-th layer); ``Llama4TextMoe`` (router D x E,
shared expert of ``intermediate_size``, every expert run on every token);
``Llama4TextDecoderLayer`` (dense MLP of ``intermediate_size_mlp`` elsewhere).
"""

from __future__ import annotations

from typing import Any

from lccost.hf_hybrid.fields import Fields, Imported, attention

DEFAULTS: dict[str, Any] = {
    "vocab_size": 202048, "hidden_size": 5120, "intermediate_size": 8192,
    "intermediate_size_mlp": 16384, "num_hidden_layers": 48, "num_attention_heads": 40,
    "num_key_value_heads": 8, "head_dim": 128, "max_position_embeddings": 4096 * 32,
    "tie_word_embeddings": False, "num_experts_per_tok": 1, "num_local_experts": 16,
    "moe_layers": None, "interleave_moe_layer_step": 1, "no_rope_layers": None,
    "no_rope_layer_interval": 4, "attention_chunk_size": 8192, "layer_types": None,
}


def build(f: Fields) -> Imported:
    N = f.integer("num_hidden_layers")
    no_rope = f.int_list("no_rope_layers") or [
        int((i + 1) % f.integer("no_rope_layer_interval") != 0) for i in range(N)]
    types = f.str_list("layer_types", ("chunked_attention", "full_attention")) or [
        "chunked_attention" if flag else "full_attention" for flag in no_rope]
    step = f.integer("interleave_moe_layer_step")
    moe_layers = f.int_list("moe_layers")
    moe = set(range(step - 1, N, step) if moe_layers is None else moe_layers)
    H, K, d = (f.integer("num_attention_heads"), f.integer("num_key_value_heads"),
               f.integer("head_dim"))
    chunk = f.opt_integer("attention_chunk_size")
    layers = []
    for i in range(N):
        if types[i] == "chunked_attention" and chunk is not None:
            mixer: dict[str, Any] = {"kind": "chunked_attention", "query_heads": H,
                                     "kv_heads": K, "head_dim": d, "chunk": chunk}
        else:
            mixer = attention(H, K, d)
        if i in moe:
            ffn: dict[str, Any] = {
                "kind": "moe", "experts": f.integer("num_local_experts"),
                "active_experts": f.integer("num_experts_per_tok"),
                "expert_intermediate_size": f.integer("intermediate_size"),
                "shared_experts": 1, "reference_runs_all_experts": True}
        else:
            ffn = {"kind": "dense", "intermediate_size": f.integer("intermediate_size_mlp")}
        layers.append({"attention": mixer, "ffn": ffn})
    # Llama4TextDecoderLayer: input_layernorm and post_attention_layernorm; a final norm (the
    # q/k L2 norms have no weights).
    return Imported(layers, norms={"per_layer": 2, "final": 1})
