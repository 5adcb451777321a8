"""Each mechanism's formulas against numbers derived by hand (derivations in the comments).

Small shapes so every number can be checked with pencil and paper. Conventions: 2 FLOPs per
multiply-add; bf16 = 2 bytes; decode at L = one new token with L cached (it sees L + 1 keys).
"""

from __future__ import annotations

from typing import Any

import pytest

from lccost.conventions import Accounting, FlopConvention
from lccost.mechanisms.attention import Attention
from lccost.mechanisms.base import LayerEnv
from lccost.mechanisms.cca import CompressedConvolutionalAttention
from lccost.mechanisms.compressed import (
    CompressedIndexer,
    CompressedSparseAttention,
    HeavilyCompressedAttention,
    V4CacheFormat,
    V4SlidingAttention,
)
from lccost.mechanisms.ffn import DenseMLP, MixtureOfExperts
from lccost.mechanisms.mla import LightningIndexer, MLACacheFormat, MultiHeadLatentAttention
from lccost.storage import StorageFormat
from lccost.workload import Workload


def env(L: int, D: int = 64, source: Attention | None = None, **workload: object) -> LayerEnv:
    return LayerEnv(D, Workload(L, **workload), kv_source=source)  # type: ignore[arg-type]


GQA = Attention(query_heads=4, kv_heads=2, head_dim=16)  # D = 64


def test_gqa_full_cache_is_k_and_v_for_every_token() -> None:
    # 2 (K, V) x K 2 x d 16 x L 10 x 2 B = 1,280 B
    assert GQA.costs(env(10)).cache_bytes.total == 1280


def test_gqa_decode_flops_are_weights_plus_attention_over_l_plus_one_keys() -> None:
    # weights: q 64*64 + k 64*32 + v 64*32 + o 64*64 = 12,288 -> 24,576 FLOPs
    # attention: QK and AV, 2*H*d each per key, over L + 1 = 11 keys: 4*4*16*11 = 2,816
    assert GQA.costs(env(10)).decode_flops.total == 24576 + 2816


def test_gqa_prefill_useful_is_causal_triangle_executed_is_square() -> None:
    # weights 24,576 x 10 tokens = 245,760; attention 4*H*d = 256 per (query, key) pair
    # useful: 1 + 2 + ... + 10 = 55 pairs -> 14,080; executed: 10 x 10 = 100 pairs -> 25,600
    assert GQA.costs(env(10)).prefill_flops.total == 245760 + 14080
    executed = GQA.costs(env(10, flops=FlopConvention.EXECUTED))
    assert executed.prefill_flops.total == 245760 + 25600


def test_sliding_window_holds_window_minus_one_tokens_and_attends_window() -> None:
    sliding = GQA.model_copy(update={"window": 4})
    costs = sliding.costs(env(10))
    # holds min(10, 4 - 1) = 3 tokens: 2 * 2 * 16 * 3 * 2 B = 384 B
    assert costs.cache_bytes.total == 384
    # decode attends min(11, 4) = 4 keys: 256 * 4 = 1,024 on top of the 24,576 weight FLOPs
    assert costs.decode_flops.total == 24576 + 1024
    # prefill pairs: 1 + 2 + 3 + 4 * 7 = 34 -> 256 * 34 = 8,704
    assert costs.prefill_flops.total == 245760 + 8704
    # the same shape below the window holds every token: L = 2 -> 2 tokens -> 256 B
    assert sliding.costs(env(2)).cache_bytes.total == 256


def test_full_context_accounting_ignores_the_window() -> None:
    sliding = GQA.model_copy(update={"window": 4})
    # 10 tokens held: 2 * 2 * 16 * 10 * 2 = 1,280 B
    assert sliding.costs(env(10, accounting=Accounting.FULL_CONTEXT)).cache_bytes.total == 1280


def test_kv_sharing_layer_holds_nothing_reads_its_source_and_has_no_kv_weights() -> None:
    reader = GQA.model_copy(update={"kv_source_layer": 0})
    costs = reader.costs(env(10, source=GQA))
    assert costs.cache_bytes.total == 0
    assert costs.cache_write_bytes.total == 0
    # reads the source's 10 tokens of 2*2*16 = 64 values x 2 B = 128 B each: 1,280 B
    assert costs.cache_read_bytes.total == 1280
    # q 4,096 + o 4,096 (no k, v) = 8,192 params
    assert costs.params.total == 8192


def test_k_eq_v_drops_v_proj_but_keeps_two_cached_tensors() -> None:
    k_eq_v = GQA.model_copy(update={"k_eq_v": True})
    costs = k_eq_v.costs(env(10))
    assert costs.params.total == 12288 - 64 * 32
    assert costs.cache_bytes.total == 1280


def test_output_gate_per_head_adds_d_times_h() -> None:
    gated = GQA.model_copy(update={"output_gate": "per_head"})
    # g_proj: D x H = 64 x 4 = 256 (Laguna XS.2's softplus gate)
    assert gated.costs(env(1)).params.total == 12288 + 256


MLA = MultiHeadLatentAttention(
    query_heads=2,
    q_lora_rank=8,
    kv_lora_rank=16,
    qk_nope_head_dim=8,
    qk_rope_head_dim=4,
    v_head_dim=8,
    indexer=LightningIndexer(heads=2, head_dim=4, top_k=3),
    cache_format=MLACacheFormat(
        latent=StorageFormat(dtype="fp8", scale_block=16, scale_bytes=4),
        rope=StorageFormat(dtype="bf16"),
        indexer_key=StorageFormat(dtype="fp8", scale_block=4, scale_bytes=4),
    ),
)  # D = 32


def test_mla_caches_one_latent_plus_rope_plus_indexer_key_per_token() -> None:
    # (c 16 + d_r 4 + D_I 4) = 24 values x 2 B x L 5 = 240 B (not per-head K and V)
    assert MLA.costs(env(5, D=32)).cache_bytes.total == 240


def test_mla_native_layout_uses_pinned_formats() -> None:
    # latent: 16 fp8 + one fp32 scale = 20 B; rope: 4 bf16 = 8 B; indexer key: 4 fp8 + 4 B = 8 B
    # -> 36 B per token x 5 = 180 B
    assert MLA.costs(env(5, D=32, kv_dtype="native")).cache_bytes.total == 180


def test_mla_decode_useful_is_absorbed_and_top_k_clamped() -> None:
    # weights: q_a 32*8=256, q_b 8*2*12=192, kv_a 32*20=640, kv_b 16*2*16=512, o 2*8*32=512,
    #          indexer wq_b 8*2*4=64, wk 32*4=128, weights_proj 32*2=64 -> 2,368 -> 4,736 FLOPs
    # attention over min(L+1, k) = 3 latents: 2*H*(2c + d_r)*3 = 2*2*36*3 = 432
    # indexer scores over L + 1 = 6 tokens: 2*H_I*D_I*6 = 2*2*4*6 = 96 (the per-head weighting
    # is not counted under useful: lccost.conventions, as for V4's CSA indexer)
    assert MLA.costs(env(5, D=32)).decode_flops.total == 4736 + 432 + 96


def test_mla_decode_executed_reexpands_every_latent() -> None:
    # transformers: weights but kv_b (2,368 - 512) * 2 = 3,712; kv_b over 6 latents
    # 2*c*H*(d_n+d_v)*6 = 2*16*2*16*6 = 6,144; dense attention 2*H*(d_n+d_r+d_v)*6 = 480;
    # indexer 120
    executed = MLA.costs(env(5, D=32, flops=FlopConvention.EXECUTED))
    assert executed.decode_flops.total == 3712 + 6144 + 480 + 120


def test_mla_decode_reads_top_k_latents_and_every_indexer_key() -> None:
    # bf16: latent entry (16 + 4) * 2 = 40 B x min(5, 3) = 120; keys 4 * 2 = 8 B x 5 = 40
    assert MLA.costs(env(5, D=32)).cache_read_bytes.total == 160


CCA = CompressedConvolutionalAttention(
    query_heads=4, kv_heads=2, head_dim=8, conv_kernel=2, grouped_conv_kernel=2
)  # D = 32, C = (4+2)*8 = 48


def test_cca_cache_is_kv_plus_fixed_conv_and_value_shift_state() -> None:
    # K, V: 2*2*8*6 = 192 values; conv state: ((2-1) + (2-1)) * 48 = 96; value shift 2*8/2 = 8
    # 296 values x 2 B = 592 B
    assert CCA.costs(env(6, D=32)).cache_bytes.total == 592
    # the state does not grow: one more token adds only 2*2*8 = 32 values = 64 B
    assert CCA.costs(env(7, D=32)).cache_bytes.total == 592 + 64


def test_cca_decode_flops() -> None:
    # weights: q 32*32 + k 32*16 + v 2*(32*8) + o 32*32 = 3,072 -> 6,144
    # depthwise conv recomputes k1 = 2 outputs: 2*C*k0*k1 = 2*48*2*2 = 384
    # grouped conv: 2*C*d*k1 = 2*48*8*2 = 1,536; attention 4*H*d*(L+1) = 4*4*8*7 = 896
    assert CCA.costs(env(6, D=32)).decode_flops.total == 6144 + 384 + 1536 + 896


V4: dict[str, Any] = {
    "query_heads": 2,
    "head_dim": 16,
    "rope_head_dim": 4,
    "q_lora_rank": 8,
    "output_groups": 2,
    "output_rank": 4,
    "window": 4,
}  # D = 32
# base weights: q_a 32*8=256, q_b 8*2*16=256, kv 32*16=512, o_a 2*16*4=128, o_b 2*4*32=256
V4_BASE_PARAMS = 1408


def test_hca_cache_window_compressed_entries_and_open_block_buffers() -> None:
    hca = HeavilyCompressedAttention(compress_rate=8, **V4)
    # L = 21: window min(21, 3) = 3 entries; floor(21/8) = 2 compressed; buffers of the
    # 21 mod 8 = 5 open tokens, kv and gate: 2*5*16 = 160 -> (3 + 2) * 16 + 160 = 240 values
    assert hca.costs(env(21, D=32)).cache_bytes.total == 240 * 2


def test_hca_decode_attends_window_and_every_visible_entry() -> None:
    hca = HeavilyCompressedAttention(compress_rate=8, **V4)
    # weights 1,408 + compressor kv and gate 2*32*16 = 1,024 -> 2,432 -> 4,864 FLOPs
    # window: 2*H*2c*min(22, 4) = 2*2*32*4 = 512; entries floor(22/8) = 2: 2*2*32*2 = 256
    assert hca.costs(env(21, D=32)).decode_flops.total == 4864 + 512 + 256


CSA = CompressedSparseAttention(
    compress_rate=4, indexer=CompressedIndexer(heads=2, head_dim=4, top_k=2), **V4
)


def test_both_lightning_indexers_count_two_flops_per_head_dim_per_key_scored() -> None:
    # issue 16: V3.2's indexer counted 2*H_I*(D_I + 1) per key, V4's 2*H_I*D_I. One convention
    # (lccost.conventions): the q.k products only, 2*H_I*D_I = 2*2*4 = 16 FLOPs per key, for
    # both (both indexers here have H_I = 2, D_I = 4).
    def scores(part: MultiHeadLatentAttention | CompressedSparseAttention, L: int) -> int:
        return sum(
            t.value for t in part.costs(env(L, D=32)).decode_flops if t.name == "indexer_scores"
        )

    assert scores(MLA, 5) == 16 * 6  # V3.2 scores every cached token and itself: L + 1 = 6
    assert scores(CSA, 30) == 16 * 7  # V4 scores the floor(31 / 4) = 7 visible entries


def test_csa_cache_entries_keys_buffers_and_overlap_state() -> None:
    # L = 10: window 3 x 16 = 48; floor(10/4) = 2 entries x 16 = 32 and 2 keys x 4 = 8;
    # buffers of 10 mod 4 = 2 open tokens, kv and gate at 2c and 2*D_I: 2*2*(32 + 8) = 160;
    # overlap (a block has closed): kv and gate of the last block's Ca, 2*4*(16 + 4) = 160
    # 408 values x 2 B = 816 B
    assert CSA.costs(env(10, D=32)).cache_bytes.total == 816


def test_csa_decode_useful_uses_top_k_executed_is_dense() -> None:
    # weights 1,408 + compressor 2*32*32 = 2,048 + indexer kv/gate 2*32*8 = 512, q_b 8*2*4 = 64,
    # weights_proj 32*2 = 64 -> 4,096 params -> 8,192 FLOPs
    # window 2*2*32*min(11, 4) = 512; visible entries floor(11/4) = 2; indexer scores
    # 2*H_I*D_I*2 = 32; useful: min(2, k=2) = 2 entries -> 2*2*32*2 = 256
    assert CSA.costs(env(10, D=32)).decode_flops.total == 8192 + 512 + 32 + 256
    # L = 30: 7 visible entries; useful attends top-2 (256), executed all 7 (2*2*32*7 = 896);
    # indexer 2*2*4*7 = 112; window 512
    assert CSA.costs(env(30, D=32)).decode_flops.total == 8192 + 512 + 112 + 256
    executed = CSA.costs(env(30, D=32, flops=FlopConvention.EXECUTED))
    assert executed.decode_flops.total == 8192 + 512 + 112 + 896


def test_v4_native_entry_is_fp8_nope_with_scales_bf16_rope_and_padding() -> None:
    fmt = V4CacheFormat(
        nope=StorageFormat(dtype="fp8", scale_block=64, scale_bytes=1),
        rope=StorageFormat(dtype="bf16"),
        entry_pad_bytes=1,
    )
    real = dict(
        V4,
        head_dim=512,
        rope_head_dim=64,
        query_heads=64,
        output_groups=8,
        output_rank=1024,
        window=128,
    )
    sliding = V4SlidingAttention(cache_format=fmt, **real)
    # DeepSeek V4 entry: 448 fp8 + 448/64 = 7 scale bytes + 64 x 2 B rope + 1 pad = 584 B.
    # reference: 127 window entries, K = V stored twice for a pure sliding layer
    assert sliding.costs(env(200, D=4096, kv_dtype="native")).cache_bytes.total == 2 * 127 * 584
    # vllm: 64-token window blocks; 200 - 127 = 73 tokens skipped -> 1 of cdiv(200, 64) = 4
    # blocks freed: 3 pages of 64 x 584 = 37,376 B, aligned up to 576 B: 65 x 576 = 37,440 B
    vllm = sliding.costs(env(200, D=4096, kv_dtype="native", accounting=Accounting.VLLM))
    assert vllm.cache_bytes.total == 3 * 37440


def test_v4_sliding_reference_stores_k_and_v_copies() -> None:
    sliding = V4SlidingAttention(**V4)
    # transformers keeps the K = V tensor twice for pure sliding layers: 2 x 3 x 16 values x 2 B
    assert sliding.costs(env(10, D=32)).cache_bytes.total == 192


def test_dense_and_moe_weights_and_flops() -> None:
    # gated MLP: 3 * D * I = 3 * 16 * 4 = 192 -> 384 decode FLOPs, x L = 5 in prefill
    mlp = DenseMLP(intermediate_size=4).costs(env(5, D=16))
    assert (mlp.params.total, mlp.decode_flops.total, mlp.prefill_flops.total) == (192, 384, 1920)
    moe = MixtureOfExperts(
        experts=8, active_experts=2, expert_intermediate_size=4, shared_experts=1
    ).costs(env(5, D=16))
    # all: 8 * 192 routed + 192 shared + router 16 * 8 = 1,856; active: 2 * 192 + 192 + 128 = 704
    assert (moe.params.total, moe.active.total, moe.decode_flops.total) == (1856, 704, 1408)


def test_moe_refuses_more_active_than_experts() -> None:
    with pytest.raises(ValueError, match="active_experts"):
        MixtureOfExperts(experts=2, active_experts=3, expert_intermediate_size=4)
