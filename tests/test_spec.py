"""The good paths of the spec schema: every mechanism parses, patterns expand, KV sharing points
at the right layers, ``extends`` merges, and every shipped spec has the layers its sources give.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import RunCli, WriteSpec

from lccost.api import load
from lccost.engine import cost
from lccost.mechanisms.attention import Attention
from lccost.mechanisms.ffn import DenseMLP
from lccost.spec.loader import parse_yaml, shipped_configs
from lccost.spec.model import Architecture
from lccost.workload import Workload

CONFIGS = Path(__file__).parent.parent / "configs"

EVERY_KIND = """
name: every-kind
hidden_size: 64
vocab_size: 100
max_context: 4096
layers:
  - attention: {kind: attention, query_heads: 4, kv_heads: 2, head_dim: 16}
    ffn: {kind: dense, intermediate_size: 128}
  - attention: {kind: attention, query_heads: 4, kv_heads: 1, head_dim: 16, window: 128,
                k_eq_v: true, output_gate: per_head}
    ffn: {kind: dense, intermediate_size: 96, gated: false}
  - attention: {kind: mla, query_heads: 4, q_lora_rank: 24, kv_lora_rank: 32,
                qk_nope_head_dim: 16, qk_rope_head_dim: 8, v_head_dim: 16}
    ffn: {kind: moe, experts: 8, active_experts: 2, expert_intermediate_size: 32,
          shared_experts: 1}
  - attention: {kind: mla, query_heads: 4, kv_lora_rank: 32, qk_nope_head_dim: 16,
                qk_rope_head_dim: 8, v_head_dim: 16,
                indexer: {heads: 2, head_dim: 16, top_k: 64}}
    ffn: {kind: moe, experts: 8, active_experts: 2, expert_intermediate_size: 32,
          router_hidden_size: 16, extra_router_classes: 1}
  - attention: {kind: cca, query_heads: 4, kv_heads: 2, head_dim: 16, conv_kernel: 2,
                grouped_conv_kernel: 2}
    ffn: {kind: dense, intermediate_size: 128}
  - attention: {kind: csa, query_heads: 4, head_dim: 32, rope_head_dim: 8, q_lora_rank: 16,
                output_groups: 2, output_rank: 16, window: 8, compress_rate: 4,
                indexer: {heads: 2, head_dim: 16, top_k: 32}}
    ffn: {kind: moe, experts: 8, active_experts: 2, expert_intermediate_size: 32,
          routing: hash}
  - attention: {kind: hca, query_heads: 4, head_dim: 32, rope_head_dim: 8, q_lora_rank: 16,
                output_groups: 2, output_rank: 16, window: 8, compress_rate: 128}
    ffn: {kind: dense, intermediate_size: 128}
  - attention: {kind: v4_sliding, query_heads: 4, head_dim: 32, rope_head_dim: 8,
                q_lora_rank: 16, output_groups: 2, output_rank: 16, window: 8}
    ffn: {kind: dense, intermediate_size: 128}
"""


def test_every_mechanism_kind_parses_with_its_fields(write_spec: WriteSpec) -> None:
    architecture = load(write_spec(EVERY_KIND))
    kinds = [(layer.attention.kind, layer.ffn.kind) for layer in architecture.layers]
    assert kinds == [
        ("attention", "dense"),
        ("attention", "dense"),
        ("mla", "moe"),
        ("mla", "moe"),
        ("cca", "dense"),
        ("csa", "moe"),
        ("hca", "dense"),
        ("v4_sliding", "dense"),
    ]
    sliding = architecture.layers[1].attention
    assert isinstance(sliding, Attention)
    assert (sliding.window, sliding.k_eq_v, sliding.output_gate) == (128, True, "per_head")
    dense = architecture.layers[1].ffn
    assert isinstance(dense, DenseMLP) and dense.gated is False
    assert architecture.layers[2].attention.indexer is None  # type: ignore[union-attr]
    assert architecture.layers[3].attention.indexer.top_k == 64  # type: ignore[union-attr]
    assert architecture.layers[5].ffn.routing == "hash"  # type: ignore[union-attr]
    assert architecture.layers[6].attention.compress_rate == 128  # type: ignore[union-attr]


def test_yaml_12_scalars(write_spec: WriteSpec) -> None:
    # `1_024` groups digits; a quoted "1e6" in a text field stays text; `True` is a boolean.
    architecture = load(
        write_spec(
            "name: scalars\ndescription: '1e6'\nhidden_size: 1_024\nvocab_size: 100\n"
            "tie_word_embeddings: True\nlayers:\n"
            "  - attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8}\n"
            "    ffn: {kind: dense, intermediate_size: 8}\n"
        )
    )
    assert architecture.spec.hidden_size == 1024
    assert architecture.spec.description == "1e6"
    assert architecture.spec.tie_word_embeddings is True


PATTERN = """
name: pattern
hidden_size: 64
vocab_size: 100
layer_templates:
  a: {attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8},
      ffn: {kind: dense, intermediate_size: 1}}
  b: {attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8},
      ffn: {kind: dense, intermediate_size: 2}}
  c: {attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8},
      ffn: {kind: dense, intermediate_size: 3}}
  d: {attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8},
      ffn: {kind: dense, intermediate_size: 4}}
layers:
  - a
  - repeat: 2
    layers:
      - b
      - repeat: 3
        layers: [c]
      - d
  - attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8}
    ffn: {kind: dense, intermediate_size: 5}
"""


def test_nested_repeats_expand_to_the_explicit_sequence(write_spec: WriteSpec) -> None:
    architecture = load(write_spec(PATTERN))
    widths = [layer.ffn.intermediate_size for layer in architecture.layers]  # type: ignore[union-attr]
    # a, then twice (b, c c c, d), then the inline layer 5.
    assert widths == [1, 2, 3, 3, 3, 4, 2, 3, 3, 3, 4, 5]


def test_template_extends_states_a_variant_as_a_difference(write_spec: WriteSpec) -> None:
    architecture = load(
        write_spec(
            "name: t\nhidden_size: 64\nvocab_size: 100\nlayer_templates:\n"
            "  base: {attention: {kind: attention, query_heads: 4, kv_heads: 2, head_dim: 16},\n"
            "         ffn: {kind: dense, intermediate_size: 128}}\n"
            "  windowed: {extends: base, attention: {window: 32}}\n"
            "layers: [base, windowed]\n"
        )
    )
    full, windowed = (layer.attention for layer in architecture.layers)
    assert isinstance(full, Attention) and isinstance(windowed, Attention)
    assert (full.window, windowed.window) == (None, 32)
    assert windowed.query_heads == 4 and windowed.head_dim == 16


SHARING = """
name: shared
hidden_size: 64
vocab_size: 100
kv_sharing: {first_shared_layer: 5}
layer_templates:
  s: {attention: {kind: attention, query_heads: 2, kv_heads: 1, head_dim: 16, window: 8},
      ffn: {kind: dense, intermediate_size: 64}}
  f: {attention: {kind: attention, query_heads: 2, kv_heads: 1, head_dim: 32},
      ffn: {kind: dense, intermediate_size: 64}}
layers: [s, s, f, s, f, s, f, s]
"""


def test_kv_sharing_rule_reads_last_earlier_owner_of_the_same_type(write_spec: WriteSpec) -> None:
    architecture = load(write_spec(SHARING))
    sources = [layer.attention.kv_source_layer for layer in architecture.layers]  # type: ignore[union-attr]
    # Layers 0-4 own their cache. Of them, sliding: 0, 1, 3 (last: 3); full: 2, 4 (last: 4).
    # Layer 5 (s) -> 3, 6 (f) -> 4, 7 (s) -> 3.
    assert sources == [None, None, None, None, None, 3, 4, 3]


def test_kv_sharing_layers_hold_no_cache(write_spec: WriteSpec) -> None:
    model = cost(load(write_spec(SHARING)), Workload(100))
    per_layer = [layer.total("cache_bytes") for layer in model.layers]
    # bf16: sliding (window 8) holds min(100, 7) = 7 tokens x 2 (K, V) x 16 x 2 B = 448 B;
    # full holds 100 tokens x 2 x 32 x 2 B = 12,800 B; shared layers 5-7 hold nothing.
    assert per_layer == [448, 448, 12_800, 448, 12_800, 0, 0, 0]


@pytest.mark.parametrize(
    ("name", "sliding_source", "full_source"),
    [
        # E2B: ([sliding] x 4 + [full]) x 7, first shared layer 15 -> sliding 13, full 14.
        ("gemma-4-e2b", 13, 14),
        # E4B: ([sliding] x 5 + [full]) x 7, first shared layer 24 -> sliding 22, full 23.
        ("gemma-4-e4b", 22, 23),
    ],
)
def test_gemma_shared_layers_read_the_last_owner_of_their_type(
    name: str, sliding_source: int, full_source: int
) -> None:
    architecture = load(name)
    for layer in architecture.layers:
        attention = layer.attention
        assert isinstance(attention, Attention)
        if attention.kv_source_layer is not None:
            expected = full_source if attention.window is None else sliding_source
            assert attention.kv_source_layer == expected


PARENT = """
name: parent
description: the parent
hidden_size: 64
vocab_size: 100
max_context: 4096
per_layer_embeddings: {dim: 8, vocab_size: 50}
layers:
  - attention: {kind: attention, query_heads: 4, kv_heads: 2, head_dim: 16}
    ffn: {kind: dense, intermediate_size: 128}
  - attention: {kind: attention, query_heads: 4, kv_heads: 2, head_dim: 16}
    ffn: {kind: dense, intermediate_size: 128}
"""


def test_extends_child_over_parent_null_removes_lists_replace(write_spec: WriteSpec) -> None:
    write_spec(PARENT, name="parent.yaml")
    child = write_spec(
        "extends: parent.yaml\nname: child\nhidden_size: 128\nmax_context: null\n"
        "per_layer_embeddings: {dim: 16}\nlayers:\n"
        "  - attention: {kind: attention, query_heads: 8, kv_heads: 8, head_dim: 16}\n"
        "    ffn: {kind: dense, intermediate_size: 256}\n",
        name="child.yaml",
    )
    spec = load(child).spec
    assert (spec.name, spec.hidden_size, spec.vocab_size) == ("child", 128, 100)
    assert spec.description == "the parent"
    assert spec.max_context is None  # removed by null: back to the default
    # Mappings merge key by key: dim from the child, vocab_size from the parent.
    assert spec.per_layer_embeddings is not None
    assert (spec.per_layer_embeddings.dim, spec.per_layer_embeddings.vocab_size) == (16, 50)
    # The child's one-layer list replaces the parent's two.
    assert len(load(child).layers) == 1


def test_extends_resolves_relative_to_each_file_not_the_working_directory(
    write_spec: WriteSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_spec(PARENT, name="base/grand.yaml")
    write_spec("extends: grand.yaml\nname: parent\nvocab_size: 300\n", name="base/parent.yaml")
    child = write_spec("extends: ../base/parent.yaml\nname: child\n", name="models/child.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    spec = load(child).spec
    assert (spec.name, spec.vocab_size, spec.hidden_size) == ("child", 300, 64)


def test_extends_with_no_override_costs_the_same_as_its_parent(write_spec: WriteSpec) -> None:
    parent = write_spec(PARENT, name="parent.yaml")
    child = write_spec("extends: parent.yaml\n", name="child.yaml")
    workload = Workload(1000)
    a, b = cost(load(parent), workload), cost(load(child), workload)
    assert (a.kv_cache_bytes, a.prefill_flops, a.decode_flops, a.params_total) == (
        b.kv_cache_bytes,
        b.prefill_flops,
        b.decode_flops,
        b.params_total,
    )


def test_extends_a_shipped_model_by_name(write_spec: WriteSpec) -> None:
    child = write_spec("extends: llama-3.1-8b\nname: my-llama\nmax_context: 8192\n")
    architecture = load(child)
    # Llama 3.1 8B: 32 layers, hidden 4096, 32 query heads over 8 KV heads of 128.
    assert architecture.name == "my-llama"
    assert architecture.spec.max_context == 8192
    assert len(architecture.layers) == 32
    assert architecture.spec.hidden_size == 4096
    first = architecture.layers[0].attention
    assert isinstance(first, Attention)
    assert (first.query_heads, first.kv_heads, first.head_dim) == (32, 8, 128)


def test_a_local_file_wins_over_a_shipped_name(write_spec: WriteSpec) -> None:
    write_spec(PARENT, name="llama-3.1-8b")
    child = write_spec("extends: llama-3.1-8b\n", name="child.yaml")
    assert load(child).spec.name == "parent"


def test_parse_yaml_records_the_line_of_each_field() -> None:
    document = parse_yaml("name: x\nlayers:\n  - a\n  - {b: 1}\n", "f.yaml")
    assert document.positions[("name",)] == ("f.yaml", 1)
    assert document.positions[("layers", 1, "b")] == ("f.yaml", 4)


# --- the shipped specs ---------------------------------------------------------------------


def test_every_shipped_spec_validates(run_cli: RunCli) -> None:
    paths = sorted(str(p) for p in CONFIGS.glob("*.yaml") if p.stem != "claims")
    assert len(paths) >= 8
    code, out, err = run_cli(["validate", *paths])
    assert (code, err) == (0, "")
    assert out.count("ok  ") == len(paths)


def test_every_variant_spec_validates(run_cli: RunCli) -> None:
    paths = sorted(str(p) for p in (CONFIGS / "variants").glob("*.yaml"))
    assert len(paths) >= 7  # the no-sharing variants, the claims' presets, the 64K-window V4
    code, _out, err = run_cli(["validate", *paths])
    assert (code, err) == (0, "")


def test_shipped_names_are_the_config_files() -> None:
    assert set(shipped_configs()) >= {
        "gemma-4-e2b",
        "gemma-4-e4b",
        "laguna-xs.2",
        "deepseek-v4-pro",
        "deepseek-v4-flash",
        "deepseek-v3.2",
        "llama-3.1-8b",
        "zaya1-8b",
    }


def _owners_and_readers(architecture: Architecture) -> tuple[int, int]:
    readers = sum(
        getattr(layer.attention, "kv_source_layer", None) is not None
        for layer in architecture.layers
    )
    return len(architecture.layers) - readers, readers


@pytest.mark.parametrize(
    ("name", "layers", "own", "reuse"),
    [
        ("gemma-4-e2b", 35, 15, 20),  # num_hidden_layers 35, num_kv_shared_layers 20
        ("gemma-4-e4b", 42, 24, 18),  # num_hidden_layers 42, num_kv_shared_layers 18
    ],
)
def test_gemma_layer_counts(name: str, layers: int, own: int, reuse: int) -> None:
    architecture = load(name)
    assert len(architecture.layers) == layers
    assert _owners_and_readers(architecture) == (own, reuse)


def test_laguna_layers_and_query_groups() -> None:
    architecture = load("laguna-xs.2")
    # 40 layers, 1 global to 3 sliding: 30 sliding + 10 global; 64 query heads over 8 KV heads
    # on sliding layers (8 per KV head), 48 over 8 on global ones (6 per KV head).
    attentions = [layer.attention for layer in architecture.layers]
    assert all(isinstance(a, Attention) for a in attentions)
    sliding = [a for a in attentions if isinstance(a, Attention) and a.window is not None]
    full = [a for a in attentions if isinstance(a, Attention) and a.window is None]
    assert (len(attentions), len(sliding), len(full)) == (40, 30, 10)
    assert {a.query_heads // a.kv_heads for a in sliding} == {8}
    assert {a.query_heads // a.kv_heads for a in full} == {6}


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("deepseek-v4-pro", {"csa": 30, "hca": 31}),
        ("deepseek-v4-flash", {"csa": 21, "hca": 20, "v4_sliding": 2}),
        # DeepSeek-V3.2: 61 MLA layers with the lightning indexer (V3 architecture + DSA).
        ("deepseek-v3.2", {"mla": 61}),
        ("llama-3.1-8b", {"attention": 32}),
    ],
)
def test_layer_kind_counts(name: str, kinds: dict[str, int]) -> None:
    architecture = load(name)
    assert Counter(layer.attention.kind for layer in architecture.layers) == kinds


def test_deepseek_v32_has_three_dense_layers_then_moe() -> None:
    # first_k_dense_replace 3 (DeepSeek-V3 config): 3 dense FFNs, then 58 MoE.
    architecture = load("deepseek-v3.2")
    assert [layer.ffn.kind for layer in architecture.layers] == ["dense"] * 3 + ["moe"] * 58
    assert all(
        layer.attention.indexer is not None  # type: ignore[union-attr]
        for layer in architecture.layers
    )
