"""The accounting modes (``lccost.accounting``) against numbers derived by hand.

Sources of the rules (see the module docstring of ``lccost.accounting``):
- reference: transformers 5.23.0 ``DynamicSlidingWindowLayer`` keeps ``sliding_window - 1``;
- vllm: vLLM 0.33.0 (wheel, commit 4ba787ec9) ``v1/core/single_type_kv_cache_manager.py``,
  ``v1/kv_cache_interface.py``, ``models/deepseek_v4/``, ``platforms/interface.py``;
- llamacpp: ggml-org/llama.cpp 0c1e57098 ``src/llama-context.cpp:290-306`` (n_ctx padded to
  256, n_ctx_seq), ``src/llama-kv-cache-iswa.cpp:73-81`` (SWA cells),
  ``src/llama-kv-cache-dsv4.cpp`` (V4: one stream per sequence), ``src/llama-kv-cache-dsa.cpp``
  (V3.2), at llama-server's defaults unless a test says otherwise: 4 slots, unified cache,
  swa_full off, n_ubatch 512 (``common/arg.cpp:1403``, ``tools/server/server.cpp:156-161``).

Every expected value is written as the arithmetic that derives it from the architecture (its
YAML and sources), never copied from lccost's output. L = 128K = 131,072 tokens; bf16 = 2 B.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lccost import api
from lccost.accounting import (
    LlamaCppParams,
    counts_states,
    full_tokens,
    vllm_hybrid_block_size,
    vllm_indexer_key_bytes,
    vllm_kv_scale_bytes,
    vllm_page_bytes,
    window_tokens,
)
from lccost.cli.app import get_app
from lccost.conventions import Accounting
from lccost.errors import LccostError
from lccost.mechanisms.compressed import (
    VLLM_V4_SWA_BLOCK_TOKENS,
    compressed_entries,
    vllm_v4_compressor_state_bytes,
    vllm_v4_layout,
)
from lccost.mechanisms.mla import vllm_mla_entry_bytes

REF, FULL, VLLM, LCPP = (
    Accounting.REFERENCE,
    Accounting.FULL_CONTEXT,
    Accounting.VLLM,
    Accounting.LLAMACPP,
)
L = 131072

# --- token rules --------------------------------------------------------------------------------


def test_full_attention_holds_l_or_whole_blocks_or_the_padded_context() -> None:
    # L = 1000: vLLM cdiv(1000, 16) = 63 blocks of 16 = 1,008 slots;
    # llama.cpp n_ctx = GGML_PAD(1000, 256) = 1,024 cells
    assert [full_tokens(1000, mode, 16) for mode in (REF, FULL, VLLM, LCPP)] == [
        1000,
        1000,
        1008,
        1024,
    ]


def test_sliding_window_keeps_window_minus_one_in_the_reference() -> None:
    # DynamicSlidingWindowLayer keeps sliding_window - 1 = 3 tokens; fewer while L < W - 1
    assert window_tokens(7, 4, REF, 4) == 3
    assert window_tokens(2, 4, REF, 4) == 2
    assert window_tokens(7, 4, FULL, 4) == 7


def test_vllm_frees_only_whole_blocks_before_the_window() -> None:
    # vLLM's own example (SlidingWindowManager.get_num_skipped_tokens): W = 4, 7 tokens
    # computed: tokens 0-3 are skipped. With B = 4 block 0 (tokens 0-3) is freed and block 1
    # (tokens 4-7) is kept: 1 block = 4 slots.
    assert window_tokens(7, 4, VLLM, 4) == 4
    # W = 4, L = 9, B = 4: skipped = 9 - 4 + 1 = 6 -> 6 // 4 = 1 block freed of cdiv(9, 4) = 3
    assert window_tokens(9, 4, VLLM, 4) == 8
    # Gemma 4 at 128K, W = 512, B = 16: skipped = 131,072 - 511 = 130,561 -> 8,160 blocks freed
    # of 8,192: 32 blocks = 512 slots
    assert window_tokens(L, 512, VLLM, 16) == 512


CLI, LIBRARY = LlamaCppParams.cli(), LlamaCppParams.library()


def test_llamacpp_swa_cache_is_window_plus_ubatch_padded_to_256() -> None:
    # llama-cli (one sequence): GGML_PAD(min(n_ctx, n_swa * 1 + n_ubatch 512), 256):
    # W = 512 -> 1,024; W = 128 -> 768
    assert window_tokens(L, 512, LCPP, 16, CLI) == 1024
    assert window_tokens(L, 128, LCPP, 16, CLI) == 768
    # a short context caps it: L = 100 -> n_ctx = 256 < 512 + 512
    assert window_tokens(100, 512, LCPP, 16, CLI) == 256


def test_llamacpp_server_sliding_cache_keeps_a_window_per_slot() -> None:
    # llama-server defaults: 4 slots, unified: GGML_PAD(min(n_ctx, 512 x 4 + 512), 256) = 2,560
    assert window_tokens(L, 512, LCPP, 16) == 2560
    # W = 128: 128 x 4 + 512 = 1,024
    assert window_tokens(L, 128, LCPP, 16) == 1024
    # L = 1,000: n_ctx = 1,024 < 2,560
    assert window_tokens(1000, 512, LCPP, 16) == 1024


def test_llamacpp_library_keeps_a_full_size_sliding_cache() -> None:
    # llama_context_default_params: swa_full = true -> size_swa = size_base = n_ctx
    assert window_tokens(L, 512, LCPP, 16, LIBRARY) == L
    assert window_tokens(1000, 512, LCPP, 16, LIBRARY) == 1024


def test_llamacpp_separate_streams_split_the_context() -> None:
    # --parallel 4 given explicitly: kv_unified stays false (server.cpp:156-161), 4 streams of
    # n_ctx_seq = GGML_PAD(131,072 / 4, 256) = 32,768 cells; full layers 4 x 32,768 = L;
    # sliding per stream GGML_PAD(min(32,768, 512 x 1 + 512), 256) = 1,024, x 4 streams
    four = LlamaCppParams.server(parallel=4)
    assert (four.n_seq_max, four.kv_unified) == (4, False)
    assert full_tokens(L, LCPP, 16, four) == L
    assert window_tokens(L, 512, LCPP, 16, four) == 4 * 1024
    # L = 1,000: n_ctx = 1,024, n_ctx_seq = GGML_PAD(256, 256) = 256; 3 streams: GGML_PAD(341,
    # 256) = 512 each, so n_ctx becomes 3 x 512 = 1,536 (llama-context.cpp:302-305)
    three = LlamaCppParams.server(parallel=3)
    assert full_tokens(1000, LCPP, 16, three) == 1536
    # sliding per stream: min(512, 512 + 512) = 512 -> 3 x 512
    assert window_tokens(1000, 512, LCPP, 16, three) == 1536


def test_llamacpp_ubatch_sizes_the_sliding_cache_and_is_capped_by_the_batch() -> None:
    # one sequence, --ubatch-size 1,024: GGML_PAD(512 + 1,024, 256) = 1,536
    big = LlamaCppParams(1, False, False, 1024)
    assert window_tokens(L, 512, LCPP, 16, big) == 1536
    # --ubatch-size 4,096 is capped by n_batch 2,048 (llama-context.cpp:248): 512 + 2,048
    assert window_tokens(L, 512, LCPP, 16, LlamaCppParams(1, False, False, 4096)) == 2560
    # and n_batch by n_ctx for causal models (llama-context.cpp:246): L = 300 -> n_ctx 512,
    # n_ubatch = min(512, 4,096) = 512; GGML_PAD(min(512, 100 + 512), 256) = 512
    assert window_tokens(300, 100, LCPP, 16, LlamaCppParams(1, False, False, 4096)) == 512


def test_compressed_entries_per_mode() -> None:
    # reference and full-context: floor(1000 / 4) = 250 closed blocks
    assert compressed_entries(1000, 4, REF, 256) == 250
    assert compressed_entries(1000, 4, FULL, 256) == 250
    # vLLM: cdiv(1000, 256) = 4 blocks of 256 tokens, each holding 256 // 4 = 64 entries
    assert compressed_entries(1000, 4, VLLM, 256) == 256
    assert compressed_entries(1000, 128, VLLM, 256) == 8
    # llama.cpp (one sequence): n_ctx = 1,024; GGML_PAD(max(1, cdiv(1024, 4)), 256) = 256;
    # GGML_PAD(cdiv(1024, 128) = 8, 256) = 256
    assert compressed_entries(1000, 4, LCPP, 16, CLI) == 256
    assert compressed_entries(1000, 128, LCPP, 16, CLI) == 256
    # llama-server defaults: DeepSeek V4 keeps one stream per slot whatever kv_unified
    # (llama-kv-cache-dsv4.cpp:1243-1244, :1287), each of kv_size = n_ctx (unified): 4 x 256
    assert compressed_entries(1000, 4, LCPP, 16) == 4 * 256


def test_vllm_refuses_a_block_that_holds_no_whole_compressed_entry() -> None:
    # 16-token blocks cannot hold 128-token entries; vLLM serves V4 with --block-size 256
    with pytest.raises(LccostError, match="block-size 256"):
        compressed_entries(L, 128, VLLM, 16)


def test_nothing_cached_holds_nothing() -> None:
    for mode in (REF, FULL, VLLM, LCPP):
        assert (
            full_tokens(0, mode, 16),
            window_tokens(0, 512, mode, 16),
            compressed_entries(0, 4, mode, 256),
        ) == (0, 0, 0)


def test_full_context_keeps_deepseek_v4_window_branches_at_their_window() -> None:
    # issue 16: full-context made every V4 layer's 128-token window hold all L tokens (V4-Pro
    # at 1M: 75.8 GB). The V4 report counts the window branch as its n_win = 128 tokens
    # (docs/accountings.md). V4-Pro at 2^20, bf16 (deepseek.md §1: 30 CSA, 31 HCA layers,
    # c = 512, D_I = 128): 61 windows x 128 x 512 x 2 B + 30 CSA x 2^20 / 4 entries
    # x (1,024 + 256) B + 31 HCA x 2^20 / 128 x 1,024 B; no compressor buffers.
    L_1M = 2**20
    expected = 61 * 128 * 1024 + 30 * (L_1M // 4) * (1024 + 256) + 31 * (L_1M // 128) * 1024
    got = api.model_cost("deepseek-v4-pro", api.make_workload(L_1M, accounting=FULL))
    assert got.kv_cache_bytes == expected  # 10,334,371,840 B = 10.3 GB
    # Below the window, the window holds the L tokens there are.
    short = api.model_cost("deepseek-v4-pro", api.make_workload(100, accounting=FULL))
    assert short.kv_cache_bytes == 61 * 100 * 1024 + 30 * 25 * 1280


def test_only_full_context_drops_fixed_size_states() -> None:
    assert [counts_states(mode) for mode in (REF, FULL, VLLM, LCPP)] == [True, False, True, True]


# --- vLLM layouts -------------------------------------------------------------------------------


def test_vllm_mla_entry_layouts() -> None:
    # one latent 512 + rope 64 per token, no separate V: bf16 576 x 2 = 1,152 B
    assert vllm_mla_entry_bytes(512, 64, "bf16", sparse=True) == 1152
    # fp8_ds_mla: 512 fp8 + 4 fp32 scales (one per 128) + 64 bf16 = 512 + 16 + 128 = 656 B,
    # for any quantized dtype and for DeepSeek's native layout
    for kv_dtype in ("fp8", "int8", "native"):
        assert vllm_mla_entry_bytes(512, 64, kv_dtype, sparse=True) == 656
    # nvfp4_ds_mla: 512 / 2 + 64 fp8 rope + 512 / 16 scales = 256 + 64 + 32 = 352 B
    assert vllm_mla_entry_bytes(512, 64, "nvfp4", sparse=True) == 352
    # dense MLA in per-tensor fp8: 576 x 1 B
    assert vllm_mla_entry_bytes(512, 64, "fp8", sparse=False) == 576
    with pytest.raises(LccostError, match="no mxfp4 cache"):
        vllm_mla_entry_bytes(512, 64, "mxfp4", sparse=True)


def test_vllm_indexer_key_is_fp8_with_a_scale_whatever_the_kv_dtype() -> None:
    # 128 fp8 + 128 / 128 fp32 scales x 4 B = 132 B; MXFP4: 64 + 128 / 32 = 68 B
    assert vllm_indexer_key_bytes(128) == 132
    assert vllm_indexer_key_bytes(128, fp4=True) == 68


def test_vllm_v4_entry_and_page_alignment() -> None:
    # fp8_ds_mla: 448 fp8 + 64 x 2 B rope + 448 / 64 = 7 ue8m0 scales + 1 pad = 584 B, 576 B
    # pages; bf16 plain rows: 512 x 2 = 1,024 B, 512 B pages
    assert vllm_v4_layout(512, 64, "fp8") == (584, 576)
    assert vllm_v4_layout(512, 64, "native") == (584, 576)
    assert vllm_v4_layout(512, 64, "bf16") == (1024, 512)
    with pytest.raises(LccostError, match="no int8 cache for DeepSeek V4"):
        vllm_v4_layout(512, 64, "int8")
    # SWA page: 64 x 584 = 37,376 -> 65 x 576 = 37,440; HCA page at B = 256: 2 x 584 = 1,168
    # -> 3 x 576 = 1,728; CSA page at B = 256: 64 x 584 -> 37,440
    assert vllm_page_bytes(VLLM_V4_SWA_BLOCK_TOKENS, 584, 576) == 37440
    assert vllm_page_bytes(256 // 128, 584, 576) == 1728
    assert vllm_page_bytes(64, 1024, 512) == 65536
    assert vllm_page_bytes(64, 1024) == 65536


def test_vllm_v4_compressor_state_is_a_paged_window_of_fp32_states() -> None:
    # CSA (m = 4, overlap): 2 x 2 x 512 fp32 = 8,192 B per token, window 8, blocks of 4.
    # At 128K: skipped = 131,072 - 7 -> 32,766 blocks freed of 32,768: 2 pages;
    # page 4 x 8,192 = 32,768 -> 57 x 576 = 32,832 B
    assert vllm_v4_compressor_state_bytes(L, 4, 512, 576, overlap=True) == 2 * 32832
    # HCA (m = 128): 2 x 512 fp32 = 4,096 B per token, window 128, blocks of 8:
    # skipped = 131,072 - 127 = 130,945 -> 16,368 blocks freed of 16,384: 16 pages of 32,768
    assert vllm_v4_compressor_state_bytes(L, 128, 512, 512, overlap=False) == 16 * 32768
    # CSA indexer compressor: 2 x 2 x 128 x 4 = 2,048 B per token; page 8,192 -> 15 x 576
    assert vllm_v4_compressor_state_bytes(L, 4, 128, 576, overlap=True) == 2 * 8640
    # three tokens in: one page
    assert vllm_v4_compressor_state_bytes(3, 4, 512, 576, overlap=True) == 32832


def test_vllm_kv_scales_for_per_token_head_dtypes() -> None:
    # int8 / int4 in vLLM are per-token-head: one fp32 scale for K and one for V per head:
    # 2 x 8 x 4 = 64 B per token; fp8 (per-tensor) and nvfp4 (scales in the format) add none
    assert vllm_kv_scale_bytes(8, "int8") == 64
    assert vllm_kv_scale_bytes(8, "int4") == 64
    assert vllm_kv_scale_bytes(8, "fp8") == 0
    assert vllm_kv_scale_bytes(8, "nvfp4") == 0
    with pytest.raises(LccostError, match="no mxfp4"):
        vllm_kv_scale_bytes(8, "mxfp4")


def test_vllm_pads_a_hybrid_state_to_one_attention_page() -> None:
    # ZAYA1: state (2 x 1,280 + 128) x 2 B = 5,376 B; attention 2 x 2 x 128 x 2 = 1,024 B per
    # token. B = 16: 16 x 1,024 = 16,384 >= 5,376, B stays 16. B = 4: 4,096 < 5,376, so
    # B = 4 x cdiv(5,376, 4,096) = 8. B = 1: cdiv(5,376, 1,024) = 6.
    assert vllm_hybrid_block_size(5376, 1024, 16) == 16
    assert vllm_hybrid_block_size(5376, 1024, 4) == 8
    assert vllm_hybrid_block_size(5376, 1024, 1) == 6


# --- every shipped config, every mode, at 128K bf16 -----------------------------------------------

# Per-token bytes: GQA 2 (K, V) x kv_heads x head_dim x 2 B. Gemma 4 E2B: sliding 1 x 256 ->
# 1,024 B, full 1 x 512 -> 2,048 B; E4B: 2,048 / 4,096 B. Laguna, Llama: 8 x 128 -> 4,096 B.
# vLLM (B = 16) keeps 512 slots of a 512-window at 128K; llama.cpp at llama-server's defaults
# (4 slots, unified) 2,560 cells (GGML_PAD(512 x 4 + 512, 256)), F16 = 2 B like bf16.

# Gemma 4 E2B: 35 layers, (4 sliding, 1 full) x 7; the first 15 own a cache (12 sliding,
# 3 full), layers 15-34 read it and hold nothing.
GEMMA_E2B = {
    REF: 12 * 511 * 1024 + 3 * L * 2048,  # 811,585,536
    FULL: L * (12 * 1024 + 3 * 2048),  # 15 owners x L: 2,415,919,104
    VLLM: 12 * 512 * 1024 + 3 * L * 2048,  # 811,597,824
    LCPP: 12 * 2560 * 1024 + 3 * L * 2048,  # 836,763,648
}
# Gemma 4 E4B: 42 layers, (5 sliding, 1 full) x 7; the first 24 own a cache (20 + 4).
GEMMA_E4B = {
    REF: 20 * 511 * 2048 + 4 * L * 4096,
    FULL: L * (20 * 2048 + 4 * 4096),
    VLLM: 20 * 512 * 2048 + 4 * L * 4096,
    LCPP: 20 * 2560 * 2048 + 4 * L * 4096,
}
# Laguna XS.2: 40 layers, 10 full + 30 sliding (512), 8 KV heads x 128.
LAGUNA = {
    REF: 10 * L * 4096 + 30 * 511 * 4096,
    FULL: 40 * L * 4096,
    VLLM: 10 * L * 4096 + 30 * 512 * 4096,
    LCPP: 10 * L * 4096 + 30 * 2560 * 4096,
}
# Llama 3.1 8B: 32 full layers; 128K is a whole number of 16- and 256-token blocks.
LLAMA = dict.fromkeys((REF, FULL, VLLM, LCPP), 32 * L * 4096)
# ZAYA1-8B: 40 CCA layers; K and V 2 x 2 x 128 x 2 = 1,024 B per token; states per layer:
# conv (2 - 1 + 2 - 1) x C with C = (8 + 2) x 128 = 1,280 -> 2,560 values, value shift
# 2 x 128 / 2 = 128 values: 2,688 x 2 B = 5,376 B. vLLM: one state page of B x 1,024 = 16,384.
ZAYA = {
    REF: 40 * (L * 1024 + 5376),
    FULL: 40 * L * 1024,
    VLLM: 40 * (L * 1024 + 16 * 1024),
    LCPP: 40 * (L * 1024 + 5376),
}
# DeepSeek V3.2: 61 MLA layers, latent 512 + rope 64 + indexer key 128 = 704 values x 2 B =
# 1,408 B (transformers keeps all in bf16). vLLM: latent 576 x 2 = 1,152 B and its fp8
# indexer key 132 B = 1,284 B.
V32 = {
    REF: 61 * L * 1408,
    FULL: 61 * L * 1408,
    VLLM: 61 * L * (1152 + 132),
    LCPP: 61 * L * 1408,
}

# DeepSeek V4: every layer has a 128-token window of 512-wide K = V entries (1,024 B in bf16);
# CSA adds floor(L / 4) entries + as many 128 x 2 B = 256 B indexer keys, HCA floor(L / 128)
# entries. Reference states at 128K (L mod 4 = L mod 128 = 0): CSA overlap state
# 2 x 4 x (512 + 128) = 5,120 values x 2 B = 10,240 B; HCA 2 x (L mod 128) x 512 = 0.
# transformers stores a pure sliding layer's K = V tensor twice (keys and values).
# full-context: each window branch holds its W = 128 entries, once (docs/accountings.md).
# llama.cpp at llama-server's defaults: V4's caches keep one stream per slot (4), each of
# kv_size = n_ctx = L cells (the context is unified): window GGML_PAD(128 + 512, 256) = 768
# cells per stream; CSA GGML_PAD(cdiv(L, 4), 256) = L / 4 entries per stream; HCA 1,024. The
# compressor state is counted once, in the reference layout (not modelled per stream).
V4_SLIDING = {REF: 2 * 127 * 1024, FULL: 128 * 1024, LCPP: 4 * 768 * 1024}
V4_CSA = {
    REF: 127 * 1024 + (L // 4) * (1024 + 256) + 10240,
    FULL: 128 * 1024 + (L // 4) * (1024 + 256),
    LCPP: 4 * 768 * 1024 + 4 * (L // 4) * (1024 + 256) + 10240,
}
V4_HCA = {
    REF: 127 * 1024 + (L // 128) * 1024,
    FULL: 128 * 1024 + (L // 128) * 1024,
    LCPP: 4 * 768 * 1024 + 4 * (L // 128) * 1024,
}
# vLLM at B = 256, bf16 (plain 1,024 B rows, 512 B page alignment):
# - window: blocks of 64; skipped = 131,072 - 127 -> 2,046 freed of 2,048: 2 pages x 65,536;
# - CSA: cdiv(L, 256) = 512 pages of 64 entries: 512 x 65,536; indexer keys 64 x 132 = 8,448
#   -> 17 x 512 = 8,704 per page; compressor states 2 pages x 32,768 and 2 x 8,192;
# - HCA: 512 pages of 2 entries (2,048 B); compressor state 16 pages x 32,768.
V4_VLLM_WINDOW = 2 * 65536
V4_SLIDING[VLLM] = V4_VLLM_WINDOW
V4_CSA[VLLM] = V4_VLLM_WINDOW + 512 * 65536 + 512 * 8704 + 2 * 32768 + 2 * 8192
V4_HCA[VLLM] = V4_VLLM_WINDOW + 512 * 2048 + 16 * 32768

# V4-Flash: 2 sliding, 21 CSA, 20 HCA layers; V4-Pro: 30 CSA, 31 HCA.
V4_FLASH = {
    mode: 2 * V4_SLIDING[mode] + 21 * V4_CSA[mode] + 20 * V4_HCA[mode]
    for mode in (REF, FULL, VLLM, LCPP)
}
V4_PRO = {mode: 30 * V4_CSA[mode] + 31 * V4_HCA[mode] for mode in (REF, FULL, VLLM, LCPP)}

EXPECTED = {
    "llama-3.1-8b": LLAMA,
    "gemma-4-e2b": GEMMA_E2B,
    "gemma-4-e4b": GEMMA_E4B,
    "laguna-xs.2": LAGUNA,
    "zaya1-8b": ZAYA,
    "deepseek-v3.2": V32,
    "deepseek-v4-flash": V4_FLASH,
    "deepseek-v4-pro": V4_PRO,
}


def _cache_bytes(model: str, mode: Accounting, block_size: int = 16, **workload: object) -> int:
    made = api.make_workload(L, accounting=mode, block_size=block_size, **workload)  # type: ignore[arg-type]
    return api.model_cost(model, made).cache_bytes_per_sequence


@pytest.mark.parametrize(
    ("model", "mode"),
    [
        pytest.param(model, mode, id=f"{model}-{mode.value}")
        for model in EXPECTED
        for mode in (REF, FULL, VLLM, LCPP)
    ],
)
def test_every_shipped_config_in_every_mode_at_128k(model: str, mode: Accounting) -> None:
    block_size = 256 if model.startswith("deepseek-v4") else 16  # vLLM serves V4 with 256
    assert _cache_bytes(model, mode, block_size) == EXPECTED[model][mode]


def test_windowed_models_order_the_modes() -> None:
    # a window only shrinks the cache; whole blocks and 256-padding only grow it
    for table in (GEMMA_E2B, GEMMA_E4B, LAGUNA):
        assert table[REF] < table[VLLM] < table[LCPP] < table[FULL]


def test_vllm_serves_deepseek_v32_fp8_as_fp8_ds_mla() -> None:
    # --kv-dtype fp8 on FlashMLA-sparse is fp8_ds_mla: 656 B latent + 132 B indexer key
    assert _cache_bytes("deepseek-v3.2", VLLM, 64, kv_dtype="fp8") == 61 * L * (656 + 132)


def test_vllm_deepseek_v4_flash_native_pages() -> None:
    # fp8_ds_mla, 584 B entries, 576 B alignment, B = 256:
    # window 2 pages x 37,440; CSA 512 x 37,440 + indexer 512 x (64 x 132 = 8,448 -> 8,640)
    # + states 2 x 32,832 + 2 x 8,640; HCA 512 x 1,728 + state 16 x 32,832 (32,768 -> 32,832)
    window = 2 * 37440
    csa = window + 512 * 37440 + 512 * 8640 + 2 * 32832 + 2 * 8640
    hca = window + 512 * 1728 + 16 * 32832
    assert _cache_bytes("deepseek-v4-flash", VLLM, 256, kv_dtype="native") == (
        2 * window + 21 * csa + 20 * hca
    )


def test_vllm_deepseek_v4_at_block_size_16_says_which_block_size_vllm_uses() -> None:
    with pytest.raises(LccostError, match="block-size 256"):
        _cache_bytes("deepseek-v4-pro", VLLM, 16)


def test_without_block_size_each_mechanism_pages_as_vllm_serves_it() -> None:
    def default(model: str) -> int:
        return api.model_cost(model, api.make_workload(L, accounting=VLLM)).cache_bytes_per_sequence

    # V4 at 256, V3.2's sparse MLA at 64, everything else at 16
    assert default("deepseek-v4-flash") == _cache_bytes("deepseek-v4-flash", VLLM, 256)
    assert default("deepseek-v3.2") == _cache_bytes("deepseek-v3.2", VLLM, 64)
    assert default("gemma-4-e2b") == _cache_bytes("gemma-4-e2b", VLLM, 16)


# --- the CLI ------------------------------------------------------------------------------------


def test_compare_prints_a_clearly_labelled_number_per_mode() -> None:
    # The table prints below 1 GB in MB with 3 decimals, so the 12 x 16 x 1,024 = 12,288 B that
    # vLLM's whole blocks add still show: 811,585,536 / 10^6 = 811.586 MB vs 811,597,824 B =
    # 811.598 MB; llama.cpp (llama-server defaults) 836,763,648 B = 836.764 MB; full-context
    # 2,415,919,104 B = 2.416 GB. JSON gives the exact bytes. The table names the unit in the
    # column header.
    in_gb = {
        FULL: ("2.416", "KV cache (GB)"),
        REF: ("811.586", "KV cache (MB)"),
        VLLM: ("811.598", "KV cache (MB)"),
        LCPP: ("836.764", "KV cache (MB)"),
    }
    runner = CliRunner()
    app = get_app()
    exact = {}
    for mode in (FULL, REF, VLLM, LCPP):
        args = ["compare", "gemma-4-e2b", "--context", "128k", "--accounting", mode.value]
        table = runner.invoke(app, args, env={"COLUMNS": "160"})  # no wrapped cells
        assert table.exit_code == 0, table.output
        assert f"accounting: {mode.value}" in " ".join(table.output.split())
        number, header = in_gb[mode]
        assert number in table.output and header in table.output
        report = json.loads(runner.invoke(app, [*args, "--format", "json"]).output)
        assert report["conventions"]["accounting"] == mode.value
        assert report["results"][0]["accounting"] == mode.value
        exact[mode] = report["results"][0]["kv_cache_bytes"]
    assert exact == GEMMA_E2B
    assert len(set(exact.values())) == 4
