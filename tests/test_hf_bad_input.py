"""Bad config.json input (issue 11): one line per problem naming file, line and config field,
exit 1, never a traceback, never an unbounded read. Timings against the one-second budget are
in benchmarks/hf_bad_inputs.py (not timed here)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from helpers import run_cli

from lccost.hf.jsonfile import MAX_CONFIG_BYTES, MAX_DEPTH


def _import(tmp_path: Path, text: str) -> tuple[int, list[str], Path]:
    path = tmp_path / "config.json"
    path.write_text(text)
    code, out, err = run_cli(["import-hf", str(path)])
    assert out == ""
    assert "Traceback" not in err
    return code, err.removeprefix("Error: ").splitlines(), path


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    code, lines, path = _import(
        tmp_path, '{"model_type": "llama",\n "hidden_size": 4096,\n "hidden_size": 2048}\n'
    )
    assert code == 1
    assert lines == [
        f"{path}:3: hidden_size: is given twice (first on line 2); JSON readers "
        "keep only one of them silently, so remove the other"
    ]


def test_every_wrong_type_is_listed_at_once(tmp_path: Path) -> None:
    code, lines, path = _import(
        tmp_path,
        '{"model_type": "llama",\n "hidden_size": "4096",\n'
        ' "num_hidden_layers": 2.5,\n "mlp_bias": 1}\n',
    )
    assert code == 1
    assert lines == [
        f"{path}:2: hidden_size: got '4096'; allowed: a whole number",
        f"{path}:3: num_hidden_layers: got 2.5; allowed: a whole number",
        f"{path}:4: mlp_bias: got 1; allowed: true or false",
    ]


def test_text_config_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    code, lines, path = _import(tmp_path, '{"model_type": "gemma4",\n "text_config": 0}\n')
    assert code == 1
    assert lines == [
        f"{path}:2: text_config: got 0; allowed: an object of the text decoder's fields"
    ]


def test_integers_past_2_63_are_refused_like_in_yaml(tmp_path: Path) -> None:
    code, lines, path = _import(tmp_path, f'{{"model_type": "llama",\n "hidden_size": {10**30}}}\n')
    assert code == 1
    assert lines == [
        f"{path}:2: hidden_size: {10**30} is too large; allowed: whole numbers up "
        "to 9,223,372,036,854,775,807 (2^63 - 1)"
    ]


def test_a_value_outside_the_allowed_set_is_refused(tmp_path: Path) -> None:
    code, lines, path = _import(tmp_path, '{"model_type": "laguna",\n "gating": "nonsense"}\n')
    assert code == 1
    assert lines == [
        f'{path}:2: gating: got "nonsense"; allowed: true, false, "per-head", "per-element"'
    ]


def test_a_config_past_the_layer_cap_is_refused_before_expanding(tmp_path: Path) -> None:
    code, lines, path = _import(
        tmp_path, '{"model_type": "llama",\n "num_hidden_layers": 100000000}\n'
    )
    assert code == 1
    assert lines == [f"{path}:2: num_hidden_layers: got 100000000; allowed: 1 to 10,000"]


def test_unknown_and_misspelt_fields_are_each_named(tmp_path: Path) -> None:
    code, lines, path = _import(
        tmp_path, '{"model_type": "llama",\n "num_hiden_layers": 4,\n "hidden_sise": 5}\n'
    )
    assert code == 1
    assert [line.split(";")[0] for line in lines] == [
        f"{path}:2: num_hiden_layers: not a field of transformers 5.23.0 LlamaConfig",
        f"{path}:3: hidden_sise: not a field of transformers 5.23.0 LlamaConfig",
    ]
    assert all("lccost would need to know how it changes" in line for line in lines)


def test_deep_nesting_is_refused_without_recursion(tmp_path: Path) -> None:
    code, lines, path = _import(tmp_path, "[" * 100_000)
    assert code == 1
    assert lines == [
        f"{path}:1: is not valid JSON: nests more than {MAX_DEPTH} levels deep; a "
        "config.json nests a few"
    ]


def test_a_file_over_the_size_cap_is_not_read(tmp_path: Path) -> None:
    text = json.dumps({"model_type": "llama", "padding": "x" * MAX_CONFIG_BYTES})
    code, lines, path = _import(tmp_path, text)
    assert code == 1
    assert lines == [
        f"{path}: is {len(text):,} bytes; a config.json is at most {MAX_CONFIG_BYTES:,} bytes"
    ]


@pytest.mark.skipif(
    not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
    reason="needs POSIX FIFOs and /dev/zero",
)
@pytest.mark.parametrize("command", [["import-hf"], ["compare", "--context", "1k"]])
def test_devices_and_fifos_are_never_read(tmp_path: Path, command: list[str]) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)  # nothing ever writes to it: reading would block forever
    for path in (fifo, Path("/dev/zero")):
        code, out, err = run_cli([command[0], str(path), *command[1:]])
        assert code == 1 and out == ""
        assert err.startswith(f"Error: {path}: is not a regular file")
        assert err.count("\n") == 1


def test_per_layer_overrides_the_modeling_code_does_not_read_are_refused(tmp_path: Path) -> None:
    config = {
        "model_type": "llama",
        "num_hidden_layers": 4,
        "per_layer_config": {"2": {"head_dim": 64}},
    }
    code, lines, path = _import(tmp_path, json.dumps(config, indent=1))
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith(
        f"{path}:6: per_layer_config.2.head_dim: transformers 5.23.0 "
        "llama does not read head_dim per layer"
    )


def test_two_names_of_one_attribute_that_disagree_are_refused(tmp_path: Path) -> None:
    # Qwen3MoeConfig.attribute_map: num_experts is num_local_experts.
    code, lines, path = _import(
        tmp_path, '{"model_type": "qwen3_moe",\n "num_experts": 8,\n "num_local_experts": 16}\n'
    )
    assert code == 1
    assert lines == [
        f"{path}:3: num_local_experts: = 16 and num_experts = 8 name the same "
        "attribute (Qwen3MoeConfig.attribute_map); give one"
    ]


def test_a_family_needing_a_missing_mechanism_names_it(tmp_path: Path) -> None:
    code, lines, path = _import(tmp_path, '{"model_type": "mamba2"}\n')
    assert code == 1
    assert lines == [
        f"{path}:1: model_type: model_type 'mamba2': every layer is a Mamba2 state "
        "layer; not modelled by lccost"
    ]


def test_the_cli_never_recurses_on_deep_input(tmp_path: Path) -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # far below 100k: the reader must not recurse per level
    try:
        code, lines, _ = _import(tmp_path, '{"a":' * 50_000)
    finally:
        sys.setrecursionlimit(limit)
    assert code == 1 and len(lines) == 1


def test_gemma4_sharing_without_a_producer_names_the_config_field(tmp_path: Path) -> None:
    # 6 layers, pattern 5 sliding : 1 full, so layer 5 is the only full layer; sharing the last
    # 2 layers leaves it without an earlier full layer to read from.
    config = {"model_type": "gemma4_text", "num_hidden_layers": 6, "num_kv_shared_layers": 2}
    code, lines, path = _import(tmp_path, json.dumps(config, indent=1))
    assert code == 1
    assert lines == [
        f"{path}:4: num_kv_shared_layers: is 2: layers from 4 on read the cache of "
        "an earlier layer of their type, but no layer before 4 is full_attention"
    ]


def test_hybrid_family_fields_are_accounted_for(tmp_path: Path) -> None:
    # The hybrid families use the same strict core: an unknown key is named with its line.
    code, lines, path = _import(tmp_path, '{"model_type": "qwen3_next",\n "linear_num_heads": 8}\n')
    assert code == 1
    assert lines == [
        f"{path}:2: linear_num_heads: not a field of transformers 5.23.0 "
        "Qwen3NextConfig; lccost would need to know how it changes the model's "
        "parameters or cache (a misspelt field would otherwise be dropped silently)"
    ]
