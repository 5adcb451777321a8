"""Issue 11's two config.json files, written by transformers 5.23.0 itself, import exactly.

tests/data/hf/issue11/make_cases.py wrote each ``config.json`` with ``save_pretrained`` and
measured transformers' model of it on the meta device (``expected.json``: its parameter count
and the bytes its cache holds after prefills of 7, 600 and 4100 tokens, bf16). lccost must give
the same numbers, to the parameter and to the byte:

- Gemma 4 text with head_dim 128 on its full-attention layers: the file carries it only in
  ``per_layer_config`` (the class default would be global_head_dim 512);
- Qwen3-MoE with 16 experts: the file names them ``num_local_experts`` (the class's
  ``attribute_map`` alias of ``num_experts``; the class default is 128).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli

from lccost.api import make_workload
from lccost.engine import cost
from lccost.hf import architecture_from_hf_config
from lccost.spec.loader import load_architecture

HERE = Path(__file__).parent / "data" / "hf" / "issue11"
EXPECTED = json.loads((HERE / "expected.json").read_text())


@pytest.mark.parametrize("case", sorted(EXPECTED["cases"]))
def test_issue_case_imports_with_transformers_numbers(case: str) -> None:
    expected = EXPECTED["cases"][case]
    architecture = architecture_from_hf_config(HERE / case / "config.json")
    assert cost(architecture, make_workload(1, dtype="bf16")).params_total == expected["params"]
    for context, cache_bytes in expected["cache_bytes_bf16"].items():
        ours = cost(architecture, make_workload(int(context), dtype="bf16")).kv_cache_bytes
        assert ours == cache_bytes, context


@pytest.mark.parametrize("case", sorted(EXPECTED["cases"]))
def test_import_hf_of_issue_case_writes_a_spec_with_the_same_numbers(
    case: str, tmp_path: Path
) -> None:
    out = tmp_path / "spec.yaml"
    code, _, err = run_cli(["import-hf", str(HERE / case / "config.json"), "-o", str(out)])
    assert code == 0, err
    reloaded = load_architecture(out)
    expected = EXPECTED["cases"][case]
    assert cost(reloaded, make_workload(1, dtype="bf16")).params_total == expected["params"]
    assert (
        cost(reloaded, make_workload(4100, dtype="bf16")).kv_cache_bytes
        == expected["cache_bytes_bf16"]["4100"]
    )


def test_gemma4_per_layer_head_dim_is_read_from_per_layer_config() -> None:
    architecture = architecture_from_hf_config(HERE / "gemma4-per-layer-head-dim" / "config.json")
    # Layers 5 and 11 are the full-attention layers (pattern 5 sliding : 1 full); the file sets
    # their head_dim to 128 in per_layer_config, the sliding layers keep head_dim 256.
    dims = [layer.attention.head_dim for layer in architecture.layers]  # type: ignore[union-attr]
    assert dims == [256] * 5 + [128] + [256] * 5 + [128]


def test_qwen3_moe_expert_count_is_read_through_the_attribute_map() -> None:
    architecture = architecture_from_hf_config(HERE / "qwen3-moe-16-experts" / "config.json")
    assert {layer.ffn.experts for layer in architecture.layers} == {16}  # type: ignore[union-attr]
