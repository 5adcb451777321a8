"""lccost against the transformers 5.23.0 reference implementations, byte for byte.

For small random-weight models of every family lccost imports (fp32, eager attention, eager
experts), a prompt of L tokens is run through the transformers model and then one more token:

(a) the bytes of every floating-point tensor the returned cache holds (each distinct view once:
    DeepSeek V4's compressed layers store K = V as one tensor) equal lccost's ``kv_cache_bytes``
    for the imported spec (``--accounting reference``, fp32), after the prompt (context L) and
    again after the decode step (context L + 1);
(b) the FLOPs ``FlopCounterMode`` counts for the decode step equal lccost's ``decode_flops``
    with ``--flops executed``. Both sides count matrix products only, at 2 FLOPs per multiply-add,
    so the match is exact, not approximate (the brief allows 2%; none is needed).

L covers a single token, prompts shorter and longer than the windows (8), prompts that are not
multiples of the compression rates (4 and 16, or 128 for the legacy V4 config), and 300.
The same JSON mapping feeds transformers (``AutoConfig.for_model``) and ``lccost import-hf``,
so the test also checks that the importer reads each field as transformers does.

Needs torch and transformers: pip install -e '.[reference]'.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "torch", reason="the reference suite needs torch: pip install -e '.[reference]'"
)
pytest.importorskip(
    "transformers", reason="the reference suite needs transformers: pip install -e '.[reference]'"
)

from lccost.conventions import FlopConvention
from lccost.engine import cost
from lccost.hf import spec_from_hf_config
from lccost.reference import (
    ReferencePoint,
    build_reference_model,
    measure_reference,
    reference_config,
    verify_hf_config,
)
from lccost.spec.loader import Document, validate_document
from lccost.spec.model import Architecture
from lccost.workload import Workload

pytestmark = pytest.mark.reference

CONTEXTS = [1, 7, 9, 13, 300]
S, F = "sliding_attention", "full_attention"
CSA, HCA = "compressed_sparse_attention", "heavily_compressed_attention"

_GEMMA4 = {
    "model_type": "gemma4_text",
    "vocab_size": 256,
    "vocab_size_per_layer_input": 256,
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 9,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "global_head_dim": 32,
    "sliding_window": 8,
    "layer_types": [S, S, F] * 3,
    "hidden_size_per_layer_input": 8,
    "final_logit_softcapping": 30.0,
}
_MLA = {
    "vocab_size": 256,
    "hidden_size": 64,
    "intermediate_size": 96,
    "moe_intermediate_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 4,
    "n_shared_experts": 1,
    "n_routed_experts": 4,
    "kv_lora_rank": 32,
    "q_lora_rank": 48,
    "qk_rope_head_dim": 8,
    "v_head_dim": 16,
    "qk_nope_head_dim": 16,
    "n_group": 2,
    "topk_group": 1,
    "num_experts_per_tok": 2,
    "first_k_dense_replace": 1,
    "max_position_embeddings": 4096,
    "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0},
}
_V4 = {
    "model_type": "deepseek_v4",
    "vocab_size": 256,
    "hidden_size": 64,
    "moe_intermediate_size": 32,
    "num_attention_heads": 4,
    "num_key_value_heads": 1,
    "head_dim": 32,
    "q_lora_rank": 48,
    "num_experts_per_tok": 2,
    "n_routed_experts": 4,
    "n_shared_experts": 1,
    "sliding_window": 8,
    "o_groups": 2,
    "o_lora_rank": 16,
    "index_n_heads": 4,
    "index_head_dim": 16,
    "index_topk": 4,
    "hc_mult": 2,
    "hc_sinkhorn_iters": 3,
    "num_nextn_predict_layers": 0,
    "partial_rotary_factor": 0.25,
    "max_position_embeddings": 4096,
}

CASES: dict[str, dict[str, Any]] = {
    "llama": {
        "model_type": "llama",
        "vocab_size": 256,
        "hidden_size": 64,
        "intermediate_size": 96,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
    },
    # 9 layers S S F x 3, windows of 8, per-layer embeddings, no KV sharing.
    "gemma4_text": _GEMMA4,
    # The last 3 layers (S S F) read layers 4 and 5's caches and run a double-wide MLP.
    "gemma4_text_shared": {**_GEMMA4, "num_kv_shared_layers": 3, "use_double_wide_mlp": True},
    # K = V on full layers (no v_proj, one global KV head), still two cached tensors.
    "gemma4_text_k_eq_v_shared": {
        **_GEMMA4,
        "num_kv_shared_layers": 3,
        "attention_k_eq_v": True,
        "num_global_key_value_heads": 1,
    },
    # 6 query heads on the full layer, 8 on the sliding ones; a dense first layer.
    "laguna": {
        "model_type": "laguna",
        "vocab_size": 256,
        "hidden_size": 64,
        "intermediate_size": 96,
        "num_hidden_layers": 4,
        "num_attention_heads": 6,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "num_attention_heads_per_layer": [6, 8, 8, 8],
        "layer_types": [F, S, S, S],
        "sliding_window": 8,
        "moe_intermediate_size": 32,
        "shared_expert_intermediate_size": 32,
        "num_experts": 8,
        "num_experts_per_tok": 2,
        "mlp_layer_types": ["dense", "sparse", "sparse", "sparse"],
    },
    "zaya": {
        "model_type": "zaya",
        "vocab_size": 256,
        "hidden_size": 64,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "moe_intermediate_size": 32,
        "num_experts": 4,
        "num_experts_per_tok": 1,
        "router_hidden_size": 16,
        "cca_time0": 2,
        "cca_time1": 2,
        "sliding_window": 8,
        "layer_types": ["hybrid", "hybrid_sliding", "hybrid", "hybrid_sliding"],
    },
    # Sliding-only, CSA (rate 4), HCA (rate 16), CSA; a hash-routed first MoE; mHC with 2 streams.
    "deepseek_v4": {
        **_V4,
        "num_hidden_layers": 4,
        "layer_types": [S, CSA, HCA, CSA],
        "compress_rates": {CSA: 4, HCA: 16},
        "mlp_layer_types": ["hash_moe", "moe", "moe", "moe"],
    },
    # The checkpoints' legacy spelling: compress_ratios (an MTP entry at the end, ignored),
    # num_hash_layers and qk_rope_head_dim; HCA at its default rate 128.
    "deepseek_v4_legacy_fields": {
        **{k: v for k, v in _V4.items() if k != "partial_rotary_factor"},
        "num_hidden_layers": 4,
        "compress_ratios": [0, 4, 128, 4, 0],
        "num_hash_layers": 1,
        "qk_rope_head_dim": 8,
    },
    "deepseek_v32": {
        **_MLA,
        "model_type": "deepseek_v32",
        "index_topk": 6,
        "index_head_dim": 16,
        "index_n_heads": 4,
    },
    "deepseek_v3": {**_MLA, "model_type": "deepseek_v3"},
}


@cache
def _model(case: str) -> Any:
    return build_reference_model(reference_config(CASES[case]), device="cpu", dtype="fp32")


@cache
def _architecture(case: str) -> Architecture:
    spec = spec_from_hf_config(CASES[case], case)
    return validate_document(Document(spec), case)


@cache
def _measured(case: str, context: int) -> ReferencePoint:
    return measure_reference(_model(case), context)


def _lccost(case: str, context: int) -> Any:
    return cost(_architecture(case), Workload(context, dtype="fp32", flops=FlopConvention.EXECUTED))


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("case", CASES)
def test_cache_bytes_match_the_reference_to_the_byte(case: str, context: int) -> None:
    point = _measured(case, context)
    assert point.cache_bytes == _lccost(case, context).kv_cache_bytes
    # What the cache holds after one more token is the cache after L + 1.
    assert point.cache_bytes_after_decode == _lccost(case, context + 1).kv_cache_bytes


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("case", CASES)
def test_decode_flops_match_what_the_reference_executes(case: str, context: int) -> None:
    assert _measured(case, context).decode_flops == _lccost(case, context).decode_flops


def test_zaya_counts_one_expert_even_when_the_router_picks_skip() -> None:
    """ZAYA1's router has an extra "skip" class. At initialisation its balancing bias is -1
    (``ZayaRouter.balancing_biases[-1] = -1.0``) while every probability is in [0, 1], so the
    skip class can never win and each token runs one expert, as lccost counts. Forcing the skip
    (bias +2) does not change the FLOPs either: transformers 5.23.0 remaps a skip choice to
    expert 0 with weight 0 (``ZayaRouter.forward``: ``router_indices.masked_fill(skip_expert,
    0)``) and ``ZayaExperts`` still runs it. So one expert per token per layer is exact for the
    reference whatever the router decides."""
    import torch

    model = build_reference_model(reference_config(CASES["zaya"]), device="cpu", dtype="fp32")
    routers = [layer.mlp.gate for layer in model.model.layers]
    assert all(float(r.balancing_biases[-1]) == -1.0 for r in routers)
    expected = _lccost("zaya", 13).decode_flops
    assert measure_reference(model, 13).decode_flops == expected
    with torch.no_grad():
        for router in routers:
            router.balancing_biases[-1] = 2.0
    assert measure_reference(model, 13).decode_flops == expected


def test_full_size_gemma_4_e2b_on_the_meta_device() -> None:
    """The real E2B config (tests/data/hf), full size, on the meta device (shapes only, bf16)."""
    path = Path(__file__).parent.parent / "data" / "hf" / "gemma-4-e2b.json"
    for row in verify_hf_config(path, [1024, 4099], dtype="bf16", device="meta"):
        assert row.cache_exact, row
        assert row.lccost_decode_flops == row.reference_decode_flops, row


def test_verify_command_reports_agreement_for_a_shipped_model() -> None:
    from helpers import run_cli

    code, out, err = run_cli(["verify", "llama-3.1-8b", "--context", "300"])
    assert code == 0, err
    # 2 (K, V) x 32 layers x 8 KV heads x 128 x 300 tokens x 2 B (bf16) = 39,321,600 B
    (row,) = [line for line in out.splitlines() if line.strip().startswith("300")]
    assert "39,321,600" in row and " ok " in row and "+0.000%" in row
