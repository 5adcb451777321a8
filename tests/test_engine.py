"""Whole-model sums against hand derivations: a plain GQA model, model-level parts, batch."""

from __future__ import annotations

from pathlib import Path

from lccost.api import load
from lccost.engine import cost
from lccost.workload import Workload

TINY = """
name: tiny-gqa
hidden_size: 64
vocab_size: 100
layer_templates:
  block:
    attention: {kind: attention, query_heads: 4, kv_heads: 2, head_dim: 16}
    ffn: {kind: dense, intermediate_size: 128}
layers:
  - repeat: 3
    layers: [block]
"""


def spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_plain_gqa_kv_bytes_is_two_layers_heads_dim_tokens_bytes(tmp_path: Path) -> None:
    model = cost(load(spec(tmp_path, TINY)), Workload(1000))
    # 2 x layers 3 x kv_heads 2 x head_dim 16 x L 1000 x 2 B
    assert model.kv_cache_bytes == 2 * 3 * 2 * 16 * 1000 * 2


def test_plain_gqa_decode_flops_are_twice_active_params_plus_attention(tmp_path: Path) -> None:
    model = cost(load(spec(tmp_path, TINY)), Workload(1000))
    # per layer: q 64*64 + k 64*32 + v 64*32 + o 64*64 = 12,288 and MLP 3*64*128 = 24,576;
    # LM head 100 * 64 = 6,400 (untied): active = 3 * 36,864 + 6,400 = 116,992
    assert model.params_active == 116992
    # attention: 4 * H 4 * d 16 * (L + 1) per layer
    assert model.decode_flops == 2 * 116992 + 3 * 4 * 4 * 16 * 1001
    # total adds the embedding table 100 * 64
    assert model.params_total == 116992 + 6400
    assert model.params_effective == 116992


def test_batch_scales_cache_and_traffic_but_not_weights(tmp_path: Path) -> None:
    architecture = load(spec(tmp_path, TINY))
    one, four = cost(architecture, Workload(1000)), cost(architecture, Workload(1000, batch=4))
    assert four.kv_cache_bytes == 4 * one.kv_cache_bytes
    assert four.decode_weight_bytes == one.decode_weight_bytes == 116992 * 2
    # per sequence: read 1000 tokens x 128 B x 3 layers, write 128 B x 3, embedding row 64 x 2 B
    per_sequence = 3 * 1000 * 128 + 3 * 128 + 128
    assert one.decode_bytes == 233984 + per_sequence
    assert four.decode_bytes == 233984 + 4 * per_sequence


def test_per_layer_embeddings_and_tied_head(tmp_path: Path) -> None:
    text = TINY.replace(
        "vocab_size: 100",
        "vocab_size: 100\ntie_word_embeddings: true\n"
        "per_layer_embeddings: {dim: 8, vocab_size: 50}",
    )
    model = cost(load(spec(tmp_path, text)), Workload(10))
    # PLE table 50 x (3 layers x 8) = 1,200 (gathered, embedding); projections: model
    # 64 x 24 = 1,536 and per layer gate + projection 2 x 64 x 8 = 1,024 x 3 = 3,072
    # tied head: the 6,400 embedding counts once and is read as the LM head; the PLE projection
    # norm holds p = 8 weights (transformers 5.23.0 Gemma4TextModel.per_layer_projection_norm)
    assert model.params_embedding == 6400 + 1200
    assert model.params_total == 3 * 36864 + 6400 + 1200 + 1536 + 3072 + 8
    assert model.params_active == 3 * 36864 + 1536 + 3072 + 6400


def test_hyper_connections_costs(tmp_path: Path) -> None:
    text = TINY + "hyper_connections: {streams: 2}\n"
    with_mhc = cost(load(spec(tmp_path, text)), Workload(10))
    without = cost(load(spec(tmp_path, TINY, "plain.yaml")), Workload(10))
    # per layer 2 modules x n*D*(2n + n^2) = 2 * 2*64*8 = 2,048 -> 3 layers 6,144; head n*D*n 256;
    # vectors (transformers 5.23.0 DeepseekV4HyperConnection base 2n + n^2 = 8 and scale 3 per
    # module: 3 layers x 2 x 11 = 66; hc_head base n = 2 and scale 1: 3)
    assert with_mhc.params_total - without.params_total == 6144 + 256 + 66 + 3
    # decode: 2 x those weights + n x n mixing 2 modules x 2*n*n*D = 4*4*64 = 1,024 per layer
    assert with_mhc.decode_flops - without.decode_flops == 2 * 6400 + 3 * 1024


def test_fp8_equivalent_weights_pinned_terms_by_precision(tmp_path: Path) -> None:
    text = TINY.replace("head_dim: 16}", "head_dim: 16, compute_formats: {attn_qk+av: bf16}}")
    model = cost(load(spec(tmp_path, text)), Workload(1000, dtype="fp8"))
    attention = 3 * 4 * 4 * 16 * 1001
    # fp8 weights count once, bf16 attention twice
    assert model.fp8_equivalent("decode_flops") == 2 * 116992 + 2 * attention
    assert model.decode_flops == 2 * 116992 + attention


def test_layer_sums_equal_totals() -> None:
    model = cost(load("gemma-4-e2b"), Workload(131072))
    layers = sum(layer.total("cache_bytes") for layer in model.layers)
    assert layers == model.kv_cache_bytes
    # gemma4.md §3 with transformers' 511-token windows: 12 sliding x 511 x 1,024 B
    # + 3 full x 131,072 x 2,048 B
    assert model.kv_cache_bytes == 12 * 511 * 1024 + 3 * 131072 * 2048


def test_generation_sums_decode_flops_position_by_position(tmp_path: Path) -> None:
    model = cost(load(spec(tmp_path, TINY)), Workload(10))
    # contexts 10, 11, 12: weights 2 x 116,992 each + attention 3 layers x 256 x (L + 1)
    assert model.generation_flops(3) == 3 * 2 * 116992 + 3 * 256 * (11 + 12 + 13)


def test_generation_matches_single_positions_for_compressed_and_windowed_models() -> None:
    # Compression blocks close (L + 1 = 128) and windows fill (511 / 127) inside the range.
    for name, first in (("deepseek-v4-flash", 120), ("gemma-4-e2b", 505)):
        architecture = load(name)
        summed = cost(architecture, Workload(first)).generation_flops(12)
        one_by_one = sum(cost(architecture, Workload(first + t)).decode_flops for t in range(12))
        assert summed == one_by_one
