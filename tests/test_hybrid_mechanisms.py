"""The fixed-state and chunked mechanisms against numbers derived by hand (derivations in the
comments): Mamba2, Gated DeltaNet, LFM2's short convolution, Llama 4's chunked attention, the
``kind: none`` halves, and what the engine, the accountings and ``fit`` do with them.

Conventions: 2 FLOPs per multiply-add; bf16 = 2 bytes, fp32 = 4; D = 64 unless said.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import architecture_of, state_specs
from hypothesis import given, settings
from hypothesis import strategies as st

from lccost import api
from lccost.conventions import Accounting, FlopConvention
from lccost.engine import cost
from lccost.fit import Reserve, fit
from lccost.mechanisms.base import LayerEnv
from lccost.mechanisms.chunked import ChunkedAttention
from lccost.mechanisms.ffn import MixtureOfExperts
from lccost.mechanisms.gated_deltanet import GatedDeltaNet
from lccost.mechanisms.identity import NoFeedForward, NoMixer
from lccost.mechanisms.mamba2 import Mamba2
from lccost.mechanisms.short_conv import ShortConvolution
from lccost.workload import Workload

EXECUTED = FlopConvention.EXECUTED


def env(L: int, **workload: Any) -> LayerEnv:
    return LayerEnv(64, Workload(L, **workload))


# H 4 heads of P 16, state N 8, G 2 groups, conv k 4, chunks of Q 8: C = 4*16 + 2*2*8 = 96.
MAMBA = Mamba2(heads=4, head_dim=16, state_size=8, groups=2, conv_kernel=4, chunk_size=8)


@pytest.mark.parametrize("L", [1, 5, 1_000_000])
def test_mamba2_state_is_the_same_at_every_context(L: int) -> None:
    # reference, bf16: conv state k*C = 4*96 values * 2 B = 768; SSM state H*P*N = 512 values in
    # fp32 (the reference keeps it so) = 2,048 B. 2,816 B whatever L.
    assert MAMBA.costs(env(L)).cache_bytes.total == 2816


def test_mamba2_weights() -> None:
    # in_proj 64*(2*4*16 + 2*2*8 + 4) = 64*164 = 10,496; out_proj 4*16*64 = 4,096; conv 96*4 =
    # 384; vectors (NemotronHMamba2Mixer): A_log, D, dt_bias 3*4 = 12, the gated norm H*P = 64,
    # the conv bias C = 96
    assert MAMBA.costs(env(9)).params.total == 10496 + 4096 + 384 + 12 + 64 + 96
    # use_bias: in_proj's 164 and out_proj's 64 more; no conv bias: 96 fewer
    biased = MAMBA.model_copy(update={"bias": True, "conv_bias": False})
    assert biased.costs(env(9)).params.total == 10496 + 4096 + 384 + 12 + 64 + 164 + 64
    # the vectors do no matrix work: decode FLOPs are unchanged by them
    assert biased.costs(env(9)).decode_flops.total == MAMBA.costs(env(9)).decode_flops.total


def test_mamba2_state_under_each_accounting() -> None:
    # full-context: the recurrence's own state, conv k - 1 = 3 steps: 3*96*2 = 576 + 2,048
    assert MAMBA.costs(env(9, accounting=Accounting.FULL_CONTEXT)).cache_bytes.total == 2624
    # llamacpp (llama-server: 4 slots): fp32 cells, conv 3*96*4 = 1,152 + SSM 512*4 = 2,048
    # per slot
    assert MAMBA.costs(env(9, accounting=Accounting.LLAMACPP)).cache_bytes.total == 4 * 3200
    # --kv-dtype fp8 stores every state in fp8: 4*96 + 512 = 896
    assert MAMBA.costs(env(9, kv_dtype="fp8")).cache_bytes.total == 896
    # nothing before the first token
    assert MAMBA.costs(env(0)).cache_bytes.total == 0


def test_mamba2_decode_flops() -> None:
    # weights: in_proj D*(2HP + 2GN + H) = 64*(128 + 32 + 4) = 10,496; out_proj 64*64 = 4,096;
    # 2 * 14,592 = 29,184. conv, one output: 2*C*k = 768. Readout h.C: 2*H*P*N = 1,024.
    # Useful adds the state update dt.B.x: 2*H*P*N = 1,024 -> 32,000.
    assert MAMBA.costs(env(10)).decode_flops.total == 32000
    # Executed (the reference): conv gives two outputs (2 * 768), no update products -> 31,744.
    assert MAMBA.costs(env(10, flops=EXECUTED)).decode_flops.total == 31744
    # O(1) in L
    assert MAMBA.costs(env(10**9, flops=EXECUTED)).decode_flops.total == 31744


def test_mamba2_prefill_flops() -> None:
    # L = 5, one chunk of Q = 8. Weights 29,184 * 5 = 145,920.
    # Executed: conv 2*C*k*(L + k - 1) = 2*96*4*8 = 6,144; SSD 2*H*(c*Q^2*(N+P) + 2*c*Q*P*N
    # + (c+1)^2*P*N) = 8*(64*24 + 2*8*128 + 4*128) = 8*4,096 = 32,768 (what FlopCounterMode
    # measured for this layer in transformers 5.23.0) -> 184,832.
    assert MAMBA.costs(env(5, flops=EXECUTED)).prefill_flops.total == 184832
    # Useful: conv 2*96*4*5 = 3,840; scan 4*H*P*N*L = 4*512*5 = 10,240 -> 160,000.
    assert MAMBA.costs(env(5)).prefill_flops.total == 160000


# H_k 2 query/key heads, H_v 4 value heads, d_k 8, d_v 16, conv 4: C = 2*2*8 + 4*16 = 96.
GDN = GatedDeltaNet(key_heads=2, value_heads=4, key_head_dim=8, value_head_dim=16, conv_kernel=4)


def test_gated_deltanet_state_and_weights() -> None:
    costs = GDN.costs(env(100))
    # qkvz 64*(2*2*8 + 2*4*16) = 10,240; ba 64*2*4 = 512; out 4*16*64 = 4,096; conv 96*4 = 384;
    # vectors (Qwen3NextGatedDeltaNet): A_log and dt_bias 2*H_v = 8, the gated norm d_v = 16
    assert costs.params.total == 10240 + 512 + 4096 + 384 + 8 + 16
    # conv state 4*96*2 B = 768; delta state H_v*d_k*d_v = 512 values in fp32 = 2,048
    assert costs.cache_bytes.total == 2816
    # each decode step reads and rewrites both
    assert costs.cache_read_bytes.total == costs.cache_write_bytes.total == 2816


def test_gated_deltanet_flops() -> None:
    # decode weights 2*(10,240 + 512 + 4,096) = 29,696; conv 768 (useful) or 1,536 (executed);
    # the recurrence 3 products of d_k x d_v per value head, 6*4*8*16 = 3,072, useful only.
    assert GDN.costs(env(7)).decode_flops.total == 29696 + 768 + 3072
    assert GDN.costs(env(7, flops=EXECUTED)).decode_flops.total == 29696 + 1536
    # prefill executed at L = 70: chunks c = cdiv(70, 64) = 2; per chunk and value head
    # 2*Q^2*d_k + Q^2*d_v + 3*Q*d_k*d_v = 65,536 + 65,536 + 24,576 = 155,648 multiply-adds:
    # 2*4*2*155,648 = 2,490,368; weights 29,696*70 = 2,078,720; conv 2*96*4*(70 + 3) = 56,064.
    assert GDN.costs(env(70, flops=EXECUTED)).prefill_flops.total == 2490368 + 2078720 + 56064


SHORT = ShortConvolution(conv_kernel=3)


def test_short_conv() -> None:
    costs = SHORT.costs(env(50))
    # in_proj 64*3*64 = 12,288, out_proj 4,096, conv 64*3 = 192
    assert costs.params.total == 12288 + 4096 + 192
    # reference: k*D = 3*64 values * 2 B = 384; full-context (k - 1)*D: 256
    assert costs.cache_bytes.total == 384
    assert SHORT.costs(env(50, accounting=Accounting.FULL_CONTEXT)).cache_bytes.total == 256
    # decode: 2*(12,288 + 4,096) = 32,768 + conv 2*64*3 = 384 (useful) or 768 (executed)
    assert costs.decode_flops.total == 33152
    assert SHORT.costs(env(50, flops=EXECUTED)).decode_flops.total == 33536
    # prefill executed, L = 2 shorter than k: padded to 3, then 3 + 2 outputs: 2*64*3*5 = 1,920
    executed = SHORT.costs(env(2, flops=EXECUTED)).prefill_flops.total
    assert executed == 2 * 32768 + 1920


CHUNKED = ChunkedAttention(query_heads=4, kv_heads=2, head_dim=16, chunk=8)


def test_chunked_attention_cache_by_accounting() -> None:
    # one token's K and V: 2*K*d = 64 values * 2 B = 128 B
    # reference (a window of C, transformers' rule): min(20, 8 - 1) = 7 tokens -> 896 B
    assert CHUNKED.costs(env(20)).cache_bytes.total == 896
    # vllm, blocks of 16: pages from the chunk start 16 on: cdiv(20, 16) - 16 // 16 = 1 page
    vllm = CHUNKED.costs(env(20, accounting=Accounting.VLLM, block_size=16))
    assert vllm.cache_bytes.total == 16 * 128
    # full-context: all 20
    assert CHUNKED.costs(env(20, accounting=Accounting.FULL_CONTEXT)).cache_bytes.total == 2560


def test_chunked_attention_flops() -> None:
    # weights q 64*64 + k 64*32 + v 64*32 + o 64*64 = 12,288 -> 24,576 per token
    # decode at L = 20, useful: the chunk 16..20, 20 mod 8 + 1 = 5 keys, 4*H*d*5 = 1,280
    assert CHUNKED.costs(env(20)).decode_flops.total == 24576 + 1280
    # executed: the 7 cached tokens and itself, 8 keys: 2,048
    assert CHUNKED.costs(env(20, flops=EXECUTED)).decode_flops.total == 24576 + 2048
    # prefill useful L = 20: two whole chunks of tri(8) = 36 pairs and tri(4) = 10: 82 pairs
    assert CHUNKED.costs(env(20)).prefill_flops.total == 24576 * 20 + 256 * 82


def test_the_missing_half_of_a_block_costs_nothing() -> None:
    for part in (NoMixer(), NoFeedForward()):
        costs = part.costs(env(100))
        assert costs.params.total == costs.cache_bytes.total == costs.decode_flops.total == 0


def test_llama4_moe_runs_every_expert_in_the_reference() -> None:
    moe = MixtureOfExperts(
        experts=4,
        active_experts=1,
        expert_intermediate_size=8,
        shared_experts=1,
        reference_runs_all_experts=True,
    )
    # an expert 3*64*8 = 1,536; router 64*4 = 256. Useful: 1 routed + 1 shared + router
    # = 3,328 -> 6,656 FLOPs; executed: 4 routed + 1 shared + router = 7,936 -> 15,872.
    assert moe.costs(env(3)).decode_flops.total == 6656
    assert moe.costs(env(3, flops=EXECUTED)).decode_flops.total == 15872


def test_qwen3_next_under_vllm_pages_states_at_the_raised_block() -> None:
    # bf16. Attention bytes per token 2*K*d*2 = 2*2*256*2 = 2,048. A GDN layer's state in
    # vLLM's layout and dtype (bf16): conv (k - 1)*C = 3*8,192*2 = 49,152 + 32*128*128*2 =
    # 1,048,576 = 1,097,728 B. Block 16*cdiv(1,097,728, 16*2,048) = 16*34 = 544 tokens.
    # At L = 1,000: 12 attention layers hold cdiv(1,000, 544) = 2 pages of 544 tokens:
    # 12*1,088*2,048 = 26,738,688; 36 state pages of 544*2,048 = 1,114,112: 40,108,032.
    model = api.model_cost("qwen3-next-80b-a3b", api.make_workload(1000, accounting="vllm"))
    assert model.kv_cache_bytes == 26738688 + 40108032


def test_lfm2_under_llamacpp_holds_fp32_cells() -> None:
    # llama-server defaults: 4 slots, one unified stream. L = 1,000 -> n_ctx = 1,024 cells.
    # 6 attention layers * 1,024 cells * 2*8*64*2 B (F16) = 12,582,912; 10 conv layers, one
    # fp32 cell per slot of (3 - 1)*2,048 values = 16,384 B: 10 * 4 * 16,384 = 655,360.
    model = api.model_cost("lfm2-1.2b", api.make_workload(1000, accounting="llamacpp"))
    assert model.kv_cache_bytes == 12582912 + 655360


def test_generating_with_a_state_layer_sums_the_decode_steps() -> None:
    model = api.model_cost("nemotron-nano-9b-v2", api.make_workload(100, flops="executed"))
    steps = sum(
        api.model_cost("nemotron-nano-9b-v2", api.make_workload(L, flops="executed")).decode_flops
        for L in range(100, 110)
    )
    assert model.generation_flops(10) == steps


PURE_STATE = {
    "name": "pure-state",
    "hidden_size": 64,
    "vocab_size": 10,
    "tie_word_embeddings": True,
    "max_context": 1_000_000,
    "layers": [{"attention": MAMBA.model_dump(), "ffn": {"kind": "none"}}] * 2,
}


def test_fit_with_a_cache_that_does_not_grow() -> None:
    architecture = architecture_of(PURE_STATE)
    # weights per layer: in_proj 10,496 + out_proj 4,096 + conv 384 + vectors 172 (A_log, D,
    # dt_bias 3*4 = 12, gated norm 4*16 = 64, conv bias 96) = 15,148; 2 layers + embedding 640
    # (tied) = 30,936 params = 61,872 B bf16. Cache: 2 x 2,816 = 5,632 B at any L.
    result = fit(
        architecture, Workload(1), capacity_bytes=61872 + 10 * 5632, reserve=Reserve(size_bytes=0)
    )
    # ten sequences fit at any context, so one reaches the spec's limit
    assert result.largest_batch == 10
    assert result.longest_context == 1_000_000 and result.capped
    # eleven do not fit once a token is in (the states exist from the first token on)
    crowded = fit(
        architecture,
        Workload(1, batch=11),
        capacity_bytes=61872 + 10 * 5632,
        reserve=Reserve(size_bytes=0),
    )
    assert crowded.longest_context == 0


def test_compare_explains_the_state_terms(run_cli: Any) -> None:
    code, out, err = run_cli(
        [
            "compare",
            "qwen3-next-80b-a3b",
            "deepseek-v4-flash",
            "gemma-4-e4b",
            "--context",
            "1M",
            "--explain",
        ]
    )
    assert code == 0, err
    for row in ("qwen3-next-80b-a3b", "deepseek-v4-flash", "gemma-4-e4b"):
        assert row in out
    assert "delta_state" in out and "conv_state" in out and "H_v*d_k*d_v" in out


def test_kimi_delta_attention() -> None:
    from lccost.mechanisms.kimi_delta import KimiDeltaAttention

    kda = KimiDeltaAttention(heads=2, head_dim=16, conv_kernel=4)
    costs = kda.costs(env(30))
    # weights: q, k, v 3*64*32 = 6,144; forget gate 64*16 + 16*32 = 1,536; b 64*2 = 128;
    # output gate 1,536; o 32*64 = 2,048 -> 11,392; conv 3*32*4 = 384; vectors: A_log H = 2,
    # dt_bias H*d = 32, o_norm d = 16 (KimiDeltaAttention's forget_gate and o_norm)
    assert costs.params.total == 11392 + 384 + 2 + 32 + 16
    # conv state 4*96*2 B = 768; state H*d*d = 512 values in fp32 = 2,048
    assert costs.cache_bytes.total == 2816
    # decode: 2*11,392 = 22,784 + conv 2*96*4 = 768 + recurrence 6*2*16*16 = 3,072 (useful)
    assert costs.decode_flops.total == 22784 + 768 + 3072
    # executed at L = 30: one chunk of 64; per head 3*64^2*16 + 3*64*16*16 = 245,760
    # multiply-adds -> 2*2*245,760 = 983,040; conv 2*96*4*(30 + 3) = 25,344
    executed = kda.costs(env(30, flops=EXECUTED)).prefill_flops.total
    assert executed == 22784 * 30 + 25344 + 983040


def test_lightning_attention() -> None:
    from lccost.mechanisms.lightning import LightningAttention

    lightning = LightningAttention(heads=4, head_dim=16, block_size=8)
    # weights: qkv 64*3*64 = 12,288, output gate 4,096, out 4,096 -> 20,480; the output
    # RMSNorm's weight H*d = 64 (MiniMaxLightningAttention.norm; no FLOPs)
    costs = lightning.costs(env(70))
    assert costs.params.total == 20480 + 64
    # the K^T V state H*d*d = 1,024 values in the weight dtype (bf16): 2,048 B, at any L
    assert costs.cache_bytes.total == lightning.costs(env(10**6)).cache_bytes.total == 2048
    # decode: 2*20,480 + state update and readout 4*H*d*d = 4,096
    assert costs.decode_flops.total == 40960 + 4096
    # executed prefill at L = 70, blocks of 8: 8 whole and one of 6: sum b^2 = 8*64 + 36 = 548;
    # 4*H*d*548 = 140,288 + 4*H*d*d*L = 286,720
    executed = lightning.costs(env(70, flops=EXECUTED)).prefill_flops.total
    assert executed == 20480 * 2 * 70 + 140288 + 286720


def test_mtp_counts_one_speculative_step_only_when_asked() -> None:
    layer = {
        "attention": {"kind": "attention", "query_heads": 4, "kv_heads": 2, "head_dim": 16},
        "ffn": {"kind": "dense", "intermediate_size": 32},
    }
    spec: dict[str, Any] = {
        "name": "with-mtp",
        "hidden_size": 64,
        "vocab_size": 100,
        "layers": [layer],
        "mtp": {"layers": [layer]},
    }
    base = cost(architecture_of(spec), Workload(10))
    counted = cost(
        architecture_of({**spec, "mtp": {"layers": [layer], "counted": True}}), Workload(10)
    )
    # excluded by default: the same as a spec without mtp
    assert (
        base.params_total == cost(architecture_of({**spec, "mtp": None}), Workload(10)).params_total
    )
    # the module: fc 2*D*D = 8,192; the layer q 4,096 + k, v 2,048 each + o 4,096 = 12,288
    # and MLP 3*64*32 = 6,144 -> 26,624 parameters more
    assert counted.params_total - base.params_total == 26624
    # its layer's KV cache: 10 tokens * 2*2*16 values * 2 B = 1,280 B more
    assert counted.kv_cache_bytes - base.kv_cache_bytes == 1280
    # one draft step: 2*(8,192 + 12,288 + 6,144) = 53,248, attention over 11 keys 4*4*16*11
    # = 2,816, the shared LM head 2*64*100 = 12,800
    assert counted.decode_flops - base.decode_flops == 53248 + 2816 + 12800


@settings(max_examples=30, deadline=None)
@given(
    mixer=state_specs(),
    flops=st.sampled_from(list(FlopConvention)),
    accounting=st.sampled_from(list(Accounting)),
    first=st.integers(0, 2000),
    steps=st.integers(1, 20),
)
def test_generating_sums_the_decode_steps_for_every_new_mixer(
    mixer: dict[str, Any], flops: FlopConvention, accounting: Accounting, first: int, steps: int
) -> None:
    # generate(N) re-evaluates each decode term at L..L+N-1; a term that binds a context-derived
    # value as a constant would drift from the sum of the single steps.
    spec = {
        "name": "g",
        "hidden_size": 32,
        "vocab_size": 50,
        "layers": [
            {"attention": mixer, "ffn": {"kind": "dense", "intermediate_size": 16}},
            {
                "attention": {"kind": "attention", "query_heads": 2, "kv_heads": 1, "head_dim": 8},
                "ffn": {"kind": "none"},
            },
        ],
    }
    architecture = architecture_of(spec)

    def at(L: int) -> Any:
        return cost(architecture, Workload(L, flops=flops, accounting=accounting))

    expected = sum(at(L).decode_flops for L in range(first, first + steps))
    assert at(first).generation_flops(steps) == expected


def test_importers_refuse_what_lccost_would_get_wrong() -> None:
    from lccost.errors import SpecError, SpecErrors
    from lccost.hf import spec_from_hf_config

    # MiniMax masks a window but its cache keeps every token: no lccost kind says that.
    with pytest.raises((SpecError, SpecErrors), match="sliding_window"):
        spec_from_hf_config({"model_type": "minimax", "sliding_window": 64}, "m")
    # Nemotron-H's latent MoE projections are not modelled.
    with pytest.raises((SpecError, SpecErrors), match="moe_latent_size"):
        spec_from_hf_config({"model_type": "nemotron_h", "moe_latent_size": 1024}, "n")
    # Granite 4.0-H whose Mamba heads do not tile the inner width cannot be built.
    with pytest.raises((SpecError, SpecErrors), match="mamba_d_head"):
        spec_from_hf_config({"model_type": "granitemoehybrid", "mamba_d_head": 7}, "g")
    # a misspelt hybrid field is named, not dropped
    with pytest.raises((SpecError, SpecErrors), match="linear_num_valu_heads"):
        spec_from_hf_config({"model_type": "qwen3_next", "linear_num_valu_heads": 8}, "q")
