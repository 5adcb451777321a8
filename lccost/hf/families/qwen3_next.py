"""Qwen3-Next: Gated DeltaNet layers and gated full-attention layers (3:1 by default), MoE.

transformers 5.23.0 models/qwen3_next: ``Qwen3NextConfig.__post_init__`` (``layer_types``
default: every ``full_attention_interval``-th layer (4) full, the others linear attention; the
kwarg is read only then); ``Qwen3NextAttention`` (q_proj D·H·2d: the query and a per-element
output gate; q_norm and k_norm of head_dim); ``Qwen3NextGatedDeltaNet`` (A_log, dt_bias, a gated
norm of the value head dim); ``Qwen3NextDecoderLayer`` (two norms; MoE where layer_idx not in
``mlp_only_layers`` and (layer_idx + 1) % ``decoder_sparse_step`` == 0, else a dense MLP);
``Qwen3NextSparseMoeBlock`` (shared expert with a D x 1 sigmoid gate); a final norm.

Defaults: transformers 5.23.0 models/qwen3_next/configuration_qwen3_next.py, Qwen3NextConfig.
"""

from __future__ import annotations

from typing import Any

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields

LINEAR_TYPES = ("linear_attention", "full_attention")
MTP_NOTE = (
    "Multi-token prediction layers (mtp_*) are not counted (transformers does not build them)."
)


def layer_types(f: Fields, n: int) -> list[str]:
    """``layer_types``, else every ``full_attention_interval``-th layer full (``__post_init__``,
    which reads the interval only when layer_types is null)."""
    types = f.str_list("layer_types", n, LINEAR_TYPES)
    if types is not None:
        f.mark_used("full_attention_interval")
        return types
    interval = f.integer("full_attention_interval")
    return ["linear_attention" if (i + 1) % interval else "full_attention" for i in range(n)]


def gated_attention(f: Fields) -> dict[str, Any]:
    """The gated full-attention layer (q_proj doubled for the output gate, q/k norms)."""
    if f.flag("attention_bias"):
        f.report(
            "attention_bias",
            "is true: biases on the gated attention's projections (q_proj "
            "carries the output gate) are not modelled by lccost, so the "
            "import is refused rather than guessed",
        )
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, f.integer("num_key_value_heads"))
    return b.attention(H, K, f.integer("head_dim"), output_gate="per_element", qk_norm="head")


def gated_deltanet(f: Fields) -> dict[str, Any]:
    key_heads = f.integer("linear_num_key_heads")
    value_heads = f.integer("linear_num_value_heads")
    if value_heads % key_heads:
        f.report(
            "linear_num_value_heads",
            f"is {value_heads}, not a multiple of "
            f"linear_num_key_heads ({key_heads}); transformers "
            "cannot build this",
        )
        value_heads = key_heads
    return {
        "kind": "gated_deltanet",
        "key_heads": key_heads,
        "value_heads": value_heads,
        "key_head_dim": f.integer("linear_key_head_dim"),
        "value_head_dim": f.integer("linear_value_head_dim"),
        "conv_kernel": f.integer("linear_conv_kernel_dim", minimum=2),
    }


def build(f: Fields) -> Built:
    n = f.layers()
    types = layer_types(f, n)
    only = set(f.int_list("mlp_only_layers", None, minimum=0) or [])
    step, experts = f.integer("decoder_sparse_step"), f.integer("num_experts", minimum=0)
    full, linear = gated_attention(f), gated_deltanet(f)
    layers = []
    for i in range(n):
        if i not in only and experts > 0 and (i + 1) % step == 0:
            ffn = b.moe(
                experts,
                min(f.integer("num_experts_per_tok"), experts),
                f.integer("moe_intermediate_size"),
                1,
                f.integer("shared_expert_intermediate_size"),
                shared_expert_gate=True,
            )
        else:
            ffn = b.dense(f.integer("intermediate_size"))
        layers.append(
            {"attention": dict(full if types[i] == "full_attention" else linear), "ffn": ffn}
        )
    # read above where a layer uses them; no shape depends on them otherwise
    f.mark_used(
        "intermediate_size",
        "num_experts_per_tok",
        "moe_intermediate_size",
        "shared_expert_intermediate_size",
    )
    return Built(b.top(f), layers, [MTP_NOTE])


FAMILY = Family(
    model_type="qwen3_next",
    class_name="Qwen3NextConfig",
    source="transformers 5.23.0 models/qwen3_next/configuration_qwen3_next.py",
    defaults={
        "vocab_size": 151936,
        "hidden_size": 2048,
        "intermediate_size": 5632,
        "num_hidden_layers": 48,
        "num_attention_heads": 16,
        "num_key_value_heads": 2,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "head_dim": 256,
        "linear_conv_kernel_dim": 4,
        "linear_key_head_dim": 128,
        "linear_value_head_dim": 128,
        "linear_num_key_heads": 16,
        "linear_num_value_heads": 32,
        "decoder_sparse_step": 1,
        "moe_intermediate_size": 512,
        "shared_expert_intermediate_size": 512,
        "num_experts_per_tok": 10,
        "num_experts": 512,
        "mlp_only_layers": None,
        "layer_types": None,
        "full_attention_interval": 4,
    },
    ignored={
        "use_sliding_window": "not read by the transformers 5.23.0 qwen3_next modeling "
        "code (no sliding layers)",
        "sliding_window": "not read by the transformers 5.23.0 qwen3_next modeling code "
        "(no sliding layers)",
        "max_window_layers": "not read by the transformers 5.23.0 qwen3_next modeling code "
        "(no sliding layers)",
        "mtp_num_hidden_layers": "multi-token prediction layers; transformers does not build them",
        "mtp_use_dedicated_embeddings": "multi-token prediction layers; transformers does "
        "not build them",
    },
    build=build,
)
