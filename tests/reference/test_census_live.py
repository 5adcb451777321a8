"""A representative subset of the census, live against transformers 5.23.0 (meta device).

Each row writes a config with ``save_pretrained``, imports it with lccost and compares the
parameter count and the cache bytes after prefills inside and past the windows with the
transformers model: per-layer overrides (Gemma 4), an aliased attribute (Qwen3-MoE
``num_local_experts``), windows off their defaults (Mistral), biases and learned positions
(GPT-2), MLA with latent norms (MiniCPM3). The full census is ``python -m lccost.hf.census``.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("torch", reason="the census needs torch: pip install -e '.[reference]'")
pytest.importorskip(
    "transformers", reason="the census needs transformers: pip install -e '.[reference]'"
)

from lccost.hf.census import census_row

pytestmark = pytest.mark.reference

ROWS: list[tuple[str, dict[str, Any]]] = [
    (
        "gemma4_text",
        {
            "num_hidden_layers": 12,
            "hidden_size": 256,
            "intermediate_size": 512,
            "vocab_size": 1024,
            "vocab_size_per_layer_input": 1024,
            "hidden_size_per_layer_input": 16,
            "sliding_window": 32,
            "global_head_dim": 64,
            "head_dim": 32,
            "num_kv_shared_layers": 2,
        },
    ),
    (
        "qwen3_moe",
        {
            "num_hidden_layers": 4,
            "hidden_size": 256,
            "num_experts": 6,
            "moe_intermediate_size": 64,
            "vocab_size": 1024,
            "num_experts_per_tok": 2,
            "num_attention_heads": 8,
            "num_key_value_heads": 2,
            "mlp_only_layers": [1],
        },
    ),
    (
        "mistral",
        {
            "num_hidden_layers": 2,
            "hidden_size": 256,
            "intermediate_size": 512,
            "vocab_size": 1024,
            "sliding_window": 40,
            "head_dim": 48,
        },
    ),
    ("gpt2", {"n_layer": 2, "n_embd": 128, "n_head": 4, "vocab_size": 1024}),
    ("minicpm3", {"num_hidden_layers": 2, "vocab_size": 1024, "intermediate_size": 512}),
    # hybrids: a Nemotron-H file carries time_step_limit's inf as {"__float__": "Infinity"};
    # Qwen3-Next's Gated DeltaNet and gated attention with their norm vectors.
    (
        "nemotron_h",
        {
            "layers_block_type": ["mamba", "mlp", "attention", "moe"],
            "hidden_size": 256,
            "vocab_size": 1024,
            "mamba_num_heads": 8,
            "mamba_head_dim": 32,
            "n_groups": 2,
            "ssm_state_size": 16,
            "intermediate_size": 512,
            "moe_intermediate_size": 64,
            "moe_shared_expert_intermediate_size": 64,
            "use_bias": True,
        },
    ),
    (
        "qwen3_next",
        {
            "num_hidden_layers": 4,
            "hidden_size": 256,
            "vocab_size": 1024,
            "num_experts": 4,
            "num_experts_per_tok": 2,
            "moe_intermediate_size": 64,
            "shared_expert_intermediate_size": 64,
            "full_attention_interval": 2,
        },
    ),
]


@pytest.mark.parametrize(("model_type", "kwargs"), ROWS, ids=[r[0] for r in ROWS])
def test_census_row_is_exact(model_type: str, kwargs: dict[str, Any]) -> None:
    row = census_row(model_type, "live", kwargs, contexts=(7, 50))
    assert row["verdict"] == "exact", row
