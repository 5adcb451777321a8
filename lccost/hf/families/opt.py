"""OPT (modeling_opt.py: MHA and an ungated fc1/fc2 MLP with biases (enable_bias), LayerNorms,
learned positions of max_position_embeddings + 2 rows).

Defaults: transformers 5.23.0 models/opt/configuration_opt.py, OPTConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields, refuse


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("num_attention_heads", f"is {H}, which does not divide hidden_size ({D})")
    proj = f.opt_int("word_embed_proj_dim")
    if proj is not None and proj != D:
        refuse(
            f,
            "word_embed_proj_dim",
            f"is {proj}, not hidden_size: project_in/project_out around the decoder",
        )
    bias = f.flag("enable_bias")
    affine = f.flag("layer_norm_elementwise_affine")
    # OPTDecoder builds final_layer_norm only with do_layer_norm_before and not
    # _remove_final_layer_norm; LayerNorms hold weight and bias.
    before, removed = f.flag("do_layer_norm_before"), f.flag("_remove_final_layer_norm")
    final = before and not removed
    vectors = 2 if affine else 0  # nn.LayerNorm: weight and bias, whatever enable_bias says
    att = b.attention(H, H, D // max(H, 1), qkv_bias=bias, o_bias=bias)
    ffn = b.dense(f.integer("ffn_dim"), gated=False, bias=bias)
    top = b.top(f, per_layer_norms=2 * vectors, final_norms=vectors if final else 0)
    # OPTLearnedPositionalEmbedding: max_position_embeddings + 2 rows (offset 2)
    top["learned_positions"] = f.integer("max_position_embeddings") + 2
    return Built(top, [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="opt",
    class_name="OPTConfig",
    source="transformers 5.23.0 models/opt/configuration_opt.py",
    defaults={
        "vocab_size": 50272,
        "hidden_size": 768,
        "num_hidden_layers": 12,
        "ffn_dim": 3072,
        "max_position_embeddings": 2048,
        "do_layer_norm_before": True,
        "_remove_final_layer_norm": False,
        "word_embed_proj_dim": None,
        "num_attention_heads": 12,
        "layerdrop": 0.0,
        "init_std": 0.02,
        "enable_bias": True,
        "layer_norm_elementwise_affine": True,
        "tie_word_embeddings": True,
    },
    ignored={
        "layerdrop": "training only",
        "init_std": "initialisation",
    },
    build=build,
)
