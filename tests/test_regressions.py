"""The peers' bug corpus (``/work/shared/reference/peers.md``) as regression tests.

Each case is a number another calculator got wrong; the expected value is derived here from the
architecture (its config fields, written as YAML in the test where no spec ships), never from
lccost's output. L is a whole number of 16-token blocks and of 256-token llama.cpp cells, so
page rounding does not enter unless a test says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lccost import api
from lccost.conventions import Accounting
from lccost.engine import ModelCost
from lccost.mechanisms.mla import vllm_mla_entry_bytes

MODES = tuple(Accounting)
L = 131072


def _cost(
    model: str | Path, mode: Accounting = Accounting.REFERENCE, context: int = L, **workload: object
) -> ModelCost:
    return api.model_cost(model, api.make_workload(context, accounting=mode, **workload))  # type: ignore[arg-type]


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


DEEPSEEK_V3 = """\
name: deepseek-v3-mla
description: one DeepSeek-V3 layer (config.json of deepseek-ai/DeepSeek-V3)
hidden_size: 7168
vocab_size: 129280
layers:
  - attention: {kind: mla, query_heads: 128, q_lora_rank: 1536, kv_lora_rank: 512,
                qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128}
    ffn: {kind: dense, intermediate_size: 18432}
"""


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_mla_caches_one_latent_not_per_head_k_and_v(tmp_path: Path, mode: Accounting) -> None:
    # DeepSeek-V3 MLA caches the latent (kv_lora_rank 512) and the rotary key (64): 576 values
    # x 2 B = 1,152 B per token per layer, in every mode. The naive GQA formula with
    # head_dim = hidden / heads = 7168 / 128 = 56 charges 2 x 128 x 56 x 2 B = 28,672 B
    # (hf-mem, derived in peers.md; GenZ declares V3 as GQA with 2 KV heads).
    cache = _cost(_spec(tmp_path, DEEPSEEK_V3), mode).cache_bytes_per_sequence
    assert cache == L * (512 + 64) * 2
    naive = L * 2 * 128 * (7168 // 128) * 2
    assert 24 * cache < naive < 25 * cache  # 28,672 / 1,152 = 24.9x


def test_generating_with_dense_mla_re_evaluates_attention_at_every_position(tmp_path: Path) -> None:
    # issue 16: --generate summed MLA's attention with a stale "k = L0 + 1", so every step
    # after the first was charged the first step's attention (-0.22% on this layer).
    # Decode at L: 2 x weights + absorbed attention 2·H·(2c + d_r)·(L + 1) (mla.py docstring).
    weights = (
        7168 * 1536
        + 1536 * 128 * (128 + 64)
        + 7168 * (512 + 64)  # q_a, q_b, kv_a
        + 512 * 128 * (128 + 128)
        + 128 * 128 * 7168  # kv_b, o
        + 3 * 7168 * 18432
        + 129280 * 7168
    )  # mlp, lm_head
    attention_per_key = 2 * 128 * (2 * 512 + 64)
    keys = sum(L + 1 for L in range(100, 150))  # 101 + ... + 150 = 6,275
    model = _cost(_spec(tmp_path, DEEPSEEK_V3), context=100)
    assert model.generation_flops(50) == 50 * 2 * weights + attention_per_key * keys


def test_deepseek_v32_adds_the_128_wide_indexer_key() -> None:
    # V3.2 keeps the MLA entry and one 128-wide lightning-indexer key per token per layer:
    # (512 + 64 + 128) x 2 B = 1,408 B in bf16 (transformers 5.23.0 DeepseekV32)
    layer = _cost("deepseek-v3.2").layers[0].attention
    assert layer.cache_bytes.total == L * 1408
    assert {t.name: t.value for t in layer.cache_bytes} == {
        "latent_cache": L * (512 + 64) * 2,
        "indexer_key_cache": L * 128 * 2,
    }


def test_fp8_mla_entry_is_656_bytes_with_its_scales_not_576() -> None:
    # vLLM fp8_ds_mla / FlashMLA: 512 fp8 e4m3 + 4 fp32 scales (one per 128) + 64 bf16 rope
    # = 512 + 16 + 128 = 656 B; hf-mem counted fp8_ds_mla as 1 B per element (576 B).
    assert vllm_mla_entry_bytes(512, 64, "fp8", sparse=True) == 512 + 4 * 4 + 64 * 2
    # DeepSeek's own layout, pinned in the V3.2 spec (--kv-dtype native): the same 656 B, and
    # the indexer key in fp8 with one fp32 scale, 128 + 4 = 132 B (not 2 B per value:
    # TRT-LLM#15088 charged the DSA indexer keys 2 B per value)
    layer = _cost("deepseek-v3.2", kv_dtype="native").layers[0].attention
    assert {t.name: t.value for t in layer.cache_bytes} == {
        "latent_cache": L * 656,
        "indexer_key_cache": L * 132,
    }


GPT_OSS_20B = """\
name: gpt-oss-20b
description: openai/gpt-oss-20b config.json; attention sinks and biases left out
hidden_size: 2880
vocab_size: 201088
tie_word_embeddings: false
max_context: 131072
layer_templates:
  sliding:
    attention: {kind: attention, query_heads: 64, kv_heads: 8, head_dim: 64, window: 128}
    ffn: {kind: moe, experts: 32, active_experts: 4, expert_intermediate_size: 2880}
  full:
    attention: {kind: attention, query_heads: 64, kv_heads: 8, head_dim: 64}
    ffn: {kind: moe, experts: 32, active_experts: 4, expert_intermediate_size: 2880}
layers:
  - repeat: 12
    layers: [sliding, full]
"""


def test_sliding_layers_are_not_charged_the_full_context(tmp_path: Path) -> None:
    # gpt-oss-20b: 24 layers alternating sliding (128) and full; K and V per token per layer
    # 2 x 8 x 64 x 2 B = 2,048 B. gguf-parser#32: charging all 24 layers gives 49,152 B per
    # token; only the 12 full layers grow with L.
    spec = _spec(tmp_path, GPT_OSS_20B)
    per_full_layer = L * 2048
    expected = {
        Accounting.REFERENCE: 12 * per_full_layer + 12 * 127 * 2048,  # keeps W - 1 = 127
        Accounting.FULL_CONTEXT: 24 * per_full_layer,  # the textbook figure
        # B = 16: skipped 131,072 - 127 = 130,945 -> 8,184 of 8,192 blocks freed: 128 slots
        Accounting.VLLM: 12 * per_full_layer + 12 * 128 * 2048,
        # llama-server defaults (4 slots, unified): GGML_PAD(min(n_ctx, 128 x 4 + 512), 256)
        # = 1,024 cells
        Accounting.LLAMACPP: 12 * per_full_layer + 12 * 1024 * 2048,
    }
    got = {mode: _cost(spec, mode).cache_bytes_per_sequence for mode in MODES}
    assert got == expected
    assert got[Accounting.FULL_CONTEXT] == 49152 * L
    for mode in (Accounting.REFERENCE, Accounting.VLLM, Accounting.LLAMACPP):
        # windowed layers hold at most a few pages: the total stays near 24,576 B per token
        assert got[mode] < 24576 * L + 12 * 2048 * 2048


PER_LAYER_KV_HEADS = """\
name: per-layer-kv-heads
description: three layers with 8, 2 and 1 KV heads (gguf-parser#31 read element 0 for all)
hidden_size: 512
vocab_size: 1000
layer_templates:
  kv8: {attention: {kind: attention, query_heads: 8, kv_heads: 8, head_dim: 64},
        ffn: {kind: dense, intermediate_size: 1024}}
  kv2: {attention: {kind: attention, query_heads: 8, kv_heads: 2, head_dim: 64},
        ffn: {kind: dense, intermediate_size: 1024}}
  kv1: {attention: {kind: attention, query_heads: 8, kv_heads: 1, head_dim: 64},
        ffn: {kind: dense, intermediate_size: 1024}}
layers: [kv8, kv2, kv1]
"""


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_kv_heads_are_read_per_layer(tmp_path: Path, mode: Accounting) -> None:
    # 2 (K, V) x 64 x 2 B = 256 B per KV head per token: layers hold 8, 2 and 1 heads' worth,
    # 256 x 11 = 2,816 B per token; reading layer 0's 8 heads for all gives 3 x 2,048 = 6,144
    cost = _cost(_spec(tmp_path, PER_LAYER_KV_HEADS), mode, context=4096)
    assert [layer.attention.cache_bytes.total for layer in cost.layers] == [
        256 * 8 * 4096,
        256 * 2 * 4096,
        256 * 1 * 4096,
    ]
    assert cost.cache_bytes_per_sequence == 2816 * 4096


SHARED_KV = """\
name: shared-kv
description: layer 1 reads layer 0's cache (cross-layer KV sharing)
hidden_size: 512
vocab_size: 1000
layers:
  - attention: {kind: attention, query_heads: 8, kv_heads: 2, head_dim: 64}
    ffn: {kind: dense, intermediate_size: 1024}
  - attention: {kind: attention, query_heads: 8, kv_heads: 2, head_dim: 64, kv_source_layer: 0}
    ffn: {kind: dense, intermediate_size: 1024}
"""


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_kv_sharing_layers_hold_nothing(tmp_path: Path, mode: Accounting) -> None:
    # layer 0: 2 x 2 x 64 x 2 B = 512 B per token; layer 1 reads it and holds nothing (vLLM
    # skips a spec for kv_sharing_target_layer_name layers; unsloth#5225, gguf-parser#32)
    cost = _cost(_spec(tmp_path, SHARED_KV), mode, context=4096)
    assert [layer.attention.cache_bytes.total for layer in cost.layers] == [512 * 4096, 0]


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_gemma4_shared_layers_hold_nothing_in_any_mode(mode: Accounting) -> None:
    # Gemma 4 E2B: num_kv_shared_layers 20 of 35, so layers 15-34 hold no cache
    cost = _cost("gemma-4-e2b", mode)
    held = [layer.attention.cache_bytes.total for layer in cost.layers]
    assert held[15:] == [0] * 20
    assert all(held[:15])
