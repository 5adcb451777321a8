"""The hybrid families against transformers 5.23.0, byte for byte: small random-weight models of
Nemotron-H (Mamba2), Qwen3-Next and Qwen3.5 (Gated DeltaNet), Kimi Linear (Kimi Delta Attention
beside MLA), LFM2 (short convolution) and Llama 4 (chunked attention), fp32 on the CPU,
prefilled below and above their conv kernels (3, 4), the Mamba2 chunk (8), the delta-rule chunk
(64) and the attention chunk (8).

(a) Cache bytes: every floating-point tensor the returned cache holds (conv and recurrent states
    included) equals lccost's ``kv_cache_bytes`` (``--accounting reference``, fp32) after the
    prompt and after one decode step.
(b) Executed decode FLOPs: ``FlopCounterMode`` over the decode step equals lccost's
    ``decode_flops`` with ``--flops executed``, exactly.
(c) Executed prefill FLOPs: the same for the prompt (the chunked scans as the reference runs
    them).

The same config mapping feeds transformers and ``lccost.hf`` (import-hf). Needs torch and
transformers: pip install -e '.[reference]'.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

pytest.importorskip("torch", reason="the reference suite needs torch")
pytest.importorskip("transformers", reason="the reference suite needs transformers")

from lccost.conventions import FlopConvention
from lccost.engine import ModelCost, cost
from lccost.hf import spec_from_hf_config
from lccost.reference import build_reference_model, reference_config
from lccost.spec.loader import Document, validate_document
from lccost.spec.model import Architecture
from lccost.workload import Workload

pytestmark = pytest.mark.reference

CONTEXTS = [1, 5, 9, 70]

CASES: dict[str, dict[str, Any]] = {
    # mamba, mlp, attention, moe blocks; 2 groups of B and C; chunks of 8.
    "nemotron_h": {
        "model_type": "nemotron_h",
        "vocab_size": 256,
        "hidden_size": 64,
        "layers_block_type": ["mamba", "mlp", "attention", "moe", "mamba"],
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "intermediate_size": 96,
        "ssm_state_size": 8,
        "mamba_num_heads": 4,
        "mamba_head_dim": 16,
        "n_groups": 2,
        "conv_kernel": 4,
        "chunk_size": 8,
        "n_routed_experts": 4,
        "num_experts_per_tok": 2,
        "moe_intermediate_size": 32,
        "moe_shared_expert_intermediate_size": 48,
        "n_shared_experts": 1,
    },
    # linear, full, linear, full; 2 key heads serving 4 value heads; a dense MLP on layer 1.
    "qwen3_next": {
        "model_type": "qwen3_next",
        "vocab_size": 256,
        "hidden_size": 64,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "intermediate_size": 96,
        "linear_conv_kernel_dim": 4,
        "linear_key_head_dim": 8,
        "linear_value_head_dim": 16,
        "linear_num_key_heads": 2,
        "linear_num_value_heads": 4,
        "num_experts": 4,
        "num_experts_per_tok": 2,
        "moe_intermediate_size": 32,
        "shared_expert_intermediate_size": 48,
        "full_attention_interval": 2,
        "mlp_only_layers": [1],
    },
    # Qwen3.5 dense: linear, linear, full; and its MoE sibling, wrapped in a multimodal config.
    "qwen3_5_text": {
        "model_type": "qwen3_5_text",
        "vocab_size": 256,
        "hidden_size": 64,
        "num_hidden_layers": 3,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "intermediate_size": 96,
        "linear_conv_kernel_dim": 4,
        "linear_key_head_dim": 8,
        "linear_value_head_dim": 16,
        "linear_num_key_heads": 2,
        "linear_num_value_heads": 4,
        "full_attention_interval": 3,
    },
    "qwen3_5_moe": {
        "model_type": "qwen3_5_moe",
        "text_config": {
            "vocab_size": 256,
            "hidden_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
            "linear_conv_kernel_dim": 4,
            "linear_key_head_dim": 8,
            "linear_value_head_dim": 16,
            "linear_num_key_heads": 2,
            "linear_num_value_heads": 4,
            "layer_types": ["linear_attention", "full_attention"],
            "num_experts": 4,
            "num_experts_per_tok": 2,
            "moe_intermediate_size": 16,
            "shared_expert_intermediate_size": 24,
        },
    },
    # full, lightning, full, lightning; blocks of 8 so that 9 and 70 end in a partial block.
    "minimax": {
        "model_type": "minimax",
        "vocab_size": 256,
        "hidden_size": 64,
        "intermediate_size": 32,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "num_local_experts": 4,
        "num_experts_per_tok": 2,
        "block_size": 8,
    },
    # Granite 4.0-H: mamba, attention, mamba with MoE + shared MLP; the inner width is
    # mamba_expand x hidden (2 x 64 = 4 heads of 32), chunks of 8.
    "granitemoehybrid": {
        "model_type": "granitemoehybrid",
        "vocab_size": 256,
        "hidden_size": 64,
        "intermediate_size": 32,
        "shared_intermediate_size": 48,
        "num_hidden_layers": 3,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "num_local_experts": 4,
        "num_experts_per_tok": 2,
        "layer_types": ["mamba", "full_attention", "linear_attention"],
        "mamba_n_heads": 4,
        "mamba_n_groups": 2,
        "mamba_d_state": 8,
        "mamba_d_conv": 4,
        "mamba_expand": 2,
        "mamba_chunk_size": 8,
    },
    "lfm2": {
        "model_type": "lfm2",
        "vocab_size": 256,
        "hidden_size": 64,
        "num_hidden_layers": 3,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "intermediate_size": 96,
        "block_multiple_of": 32,
        "conv_L_cache": 3,
        "layer_types": ["conv", "full_attention", "conv"],
    },
    # KDA, KDA, MLA, KDA (the checkpoint's 1-indexed lists); dense first layer, then MoE with
    # 2 shared experts; the checkpoint's names for the expert fields (attribute_map aliases).
    "kimi_linear": {
        "model_type": "kimi_linear",
        "vocab_size": 256,
        "hidden_size": 64,
        "pad_token_id": 0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "intermediate_size": 96,
        "moe_intermediate_size": 16,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 4,
        "kv_lora_rank": 32,
        "qk_rope_head_dim": 8,
        "qk_nope_head_dim": 16,
        "v_head_dim": 16,
        "num_experts": 4,
        "num_experts_per_token": 2,
        "num_shared_experts": 2,
        "linear_attn_config": {
            "head_dim": 16,
            "num_heads": 2,
            "short_conv_kernel_size": 4,
            "full_attn_layers": [3],
            "kda_layers": [1, 2, 4],
        },
    },
    # chunked, chunked, chunked, full (NoPE); MoE on layers 1 and 3 (every expert runs).
    "llama4_text": {
        "model_type": "llama4_text",
        "vocab_size": 256,
        "hidden_size": 64,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "intermediate_size": 32,
        "intermediate_size_mlp": 96,
        "num_local_experts": 4,
        "interleave_moe_layer_step": 2,
        "attention_chunk_size": 8,
    },
}


@cache
def _model(case: str) -> Any:
    return build_reference_model(reference_config(CASES[case]), device="cpu", dtype="fp32")


@cache
def _architecture(case: str) -> Architecture:
    return validate_document(Document(spec_from_hf_config(CASES[case], case)), case)


@cache
def _measured(case: str, context: int) -> tuple[int, int, int, int]:
    """(prefill FLOPs, cache bytes after the prompt, decode FLOPs, cache bytes after it)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from lccost.reference import cache_bytes

    model = _model(case)
    ids = torch.randint(3, 256, (1, context + 1), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        prefill = FlopCounterMode(display=False)
        with prefill:
            past = model(input_ids=ids[:, :context], use_cache=True).past_key_values
        prompt_bytes = cache_bytes(past)
        decode = FlopCounterMode(display=False)
        with decode:
            past = model(
                input_ids=ids[:, context:], past_key_values=past, use_cache=True
            ).past_key_values
    return prefill.get_total_flops(), prompt_bytes, decode.get_total_flops(), cache_bytes(past)


def _lccost(case: str, context: int) -> ModelCost:
    return cost(_architecture(case), Workload(context, dtype="fp32", flops=FlopConvention.EXECUTED))


def _lm_head_flops(context: int) -> int:
    """The reference's prefill runs the LM head on every prompt token (these models' forward
    without ``logits_to_keep``), lccost's on the last only: 2·D·V·(L - 1) more."""
    return 2 * 64 * 256 * (context - 1)


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("case", CASES)
def test_cache_bytes_match_the_reference_to_the_byte(case: str, context: int) -> None:
    _, prompt_bytes, _, after_bytes = _measured(case, context)
    assert prompt_bytes == _lccost(case, context).kv_cache_bytes
    assert after_bytes == _lccost(case, context + 1).kv_cache_bytes


@pytest.mark.parametrize("case", CASES)
def test_parameters_match_the_reference(case: str) -> None:
    """params_total = ``sum(p.numel() for p in model.parameters())``: norms, the state mixers'
    vectors (A_log, D, dt_bias, gated norms) and conv biases included."""
    theirs = sum(p.numel() for p in _model(case).parameters())
    assert _lccost(case, 1).params_total == theirs


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("case", CASES)
def test_executed_decode_flops_match_the_reference(case: str, context: int) -> None:
    assert _measured(case, context)[2] == _lccost(case, context).decode_flops


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("case", CASES)
def test_executed_prefill_flops_match_the_reference(case: str, context: int) -> None:
    measured = _measured(case, context)[0] - _lm_head_flops(context)
    assert measured == _lccost(case, context).prefill_flops


FULL_SIZE_CONTEXTS = {
    "qwen3-next-80b-a3b": 300,
    "nemotron-nano-9b-v2": 300,
    "lfm2-1.2b": 300,
    "llama-4-scout": 9000,
}
"""The shipped hybrid specs (each with its config.json in configs/hf) and a context past their
conv kernels, scan chunks (64, 128) and, for Llama 4, its 8,192-token attention chunk. (The
delta rule's chunk loop runs in Python even on the meta device, so Qwen3-Next stays short.)"""

SHIPPED = list(FULL_SIZE_CONTEXTS)


@pytest.mark.parametrize("name", SHIPPED)
def test_full_size_shipped_spec_on_the_meta_device(name: str) -> None:
    """The shipped YAML spec (not the importer) against transformers 5.23.0 built at full size
    from the model's config.json on the meta device, bf16: parameter count, cache bytes after
    the prompt and after one decode step, and executed decode FLOPs, exactly."""
    import json
    from pathlib import Path

    from lccost import api
    from lccost.reference import measure_reference

    data = json.loads((Path(__file__).parents[2] / "configs" / "hf" / f"{name}.json").read_text())
    model = build_reference_model(reference_config(data), device="meta", dtype="bf16")
    architecture = api.load(name)
    assert cost(architecture, Workload(1)).params_total == sum(
        p.numel() for p in model.parameters()
    )
    for context in (FULL_SIZE_CONTEXTS[name],):
        point = measure_reference(model, context)
        ours = cost(architecture, Workload(context, flops=FlopConvention.EXECUTED))
        after = cost(architecture, Workload(context + 1, flops=FlopConvention.EXECUTED))
        assert point.cache_bytes == ours.kv_cache_bytes, context
        assert point.cache_bytes_after_decode == after.kv_cache_bytes, context
        assert point.decode_flops == ours.decode_flops, context


@pytest.mark.parametrize("name", SHIPPED)
def test_importer_reads_the_shipped_config_as_the_shipped_spec(name: str) -> None:
    """``lccost.hf`` on the config.json gives the same costs as the hand-written spec."""
    import json
    from pathlib import Path

    from lccost import api

    data = json.loads((Path(__file__).parents[2] / "configs" / "hf" / f"{name}.json").read_text())
    imported = validate_document(Document(spec_from_hf_config(data, name)), name)
    for flops in FlopConvention:
        workload = Workload(100_000, flops=flops)
        ours, theirs = cost(api.load(name), workload), cost(imported, workload)
        assert (ours.params_total, ours.kv_cache_bytes, ours.decode_flops, ours.prefill_flops) == (
            theirs.params_total,
            theirs.kv_cache_bytes,
            theirs.decode_flops,
            theirs.prefill_flops,
        )
