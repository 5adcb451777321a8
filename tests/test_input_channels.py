"""Every YAML input (specs, hardware profiles, claims files) and every input path goes through
one loader: hostile input gets exit 1 and one line per problem naming file, line and field,
never a traceback or a hang (issues 14 and 16)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import run_cli

from lccost.errors import SpecErrors
from lccost.hardware import load_hardware, shipped_hardware
from lccost.spec import loader
from lccost.spec.loader import load_architecture, shipped_configs

ROOT = Path(__file__).resolve().parent.parent
LONG_NAME = "a" * 300 + ".yaml"  # one name of 305 bytes; Linux and macOS allow 255

ONE_LAYER = (
    "{attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8}, "
    "ffn: {kind: dense, intermediate_size: 8}}"
)


def _one_error_per_line(err: str) -> list[str]:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines and lines[0].startswith("Error: ")
    return lines


# --- claims --file: the channel that had no caps --------------------------------------------

CLAIM = """claims:
  - id: c
    text: t
    source: s
    published: {{value: {value}, unit: GB, precision: {precision}}}
    computation: {{kind: ratio, model: llama-3.1-8b, other: llama-3.1-8b,
                  quantity: kv_cache_bytes, context: "{context}", dtype: {dtype}}}
"""


def _claims(tmp_path: Path, **fields: str) -> Path:
    values = {"value": "1", "precision": "0.1", "context": "128k", "dtype": "bf16", **fields}
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIM.format(**values), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fields", "line", "field", "message"),
    [
        ({"value": ".nan"}, 5, "claims[0].published.value", "allowed: a finite number"),
        ({"precision": ".inf"}, 5, "claims[0].published.precision", "allowed: a finite number"),
        ({"context": "abc"}, 7, "claims[0].computation.context", "'abc' is not a token count"),
        # context "0" made the ratio 0 / 0: ZeroDivisionError.
        ({"context": "0"}, 7, "claims[0].computation.context", "allowed: 1 or more"),
        ({"dtype": "fp7"}, 7, "claims[0].computation.dtype", "unknown dtype 'fp7'; allowed: fp32"),
    ],
)
def test_bad_claim_values_are_refused_at_their_line(
    tmp_path: Path, fields: dict[str, str], line: int, field: str, message: str
) -> None:
    path = _claims(tmp_path, **fields)
    code, _out, err = run_cli(["claims", "--file", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert only.startswith(f"Error: {path}:{line}: {field}: ")
    assert message in only


def test_every_problem_in_a_claims_file_is_listed(tmp_path: Path) -> None:
    path = _claims(tmp_path, value=".nan", precision=".inf", context="abc", dtype="fp7")
    code, _out, err = run_cli(["claims", "--file", str(path)])
    assert code == 1
    lines = _one_error_per_line(err)
    assert len(lines) == 4
    assert all(f"{path}:" in line for line in lines)


def test_claims_file_tags_and_anchors_are_refused_like_a_specs(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("claims: !!python/object:os.system []\n", encoding="utf-8")
    code, _out, err = run_cli(["claims", "--file", str(path)])
    assert code == 1
    assert f"{path}:1: claims: YAML tag" in err


def _fifo(tmp_path: Path) -> Path:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    return fifo


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.yaml", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: Path("/proc/self/mem"), "cannot be read"),
        (lambda tmp: Path("/dev/zero"), "is not a regular file"),  # read on, memory grew 1 GB/s
        (_fifo, "is not a regular file"),  # open() blocked forever
        (
            lambda tmp: tmp / LONG_NAME,
            "has a name of 305 bytes; allowed: file and folder names of at most 255 bytes",
        ),
    ],
)
@pytest.mark.parametrize(
    "option", [["claims", "--file"], ["compare", "llama-3.1-8b", "--hardware"]]
)
def test_unreadable_files_are_one_line(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    make,
    message: str,
    option: list[str],
) -> None:
    path = make(tmp_path)  # /proc/self/mem exists on Linux, where lccost and its CI run
    code, _out, err = run_cli([*option, str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert message in only


def test_non_utf8_claims_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_bytes(b"claims:\n  - id: caf\xe9\n")
    code, _out, err = run_cli(["claims", "--file", str(path)])
    assert code == 1
    # "claims:\n" is 8 bytes, "  - id: caf" 11 more: the Latin-1 e-acute is byte 19.
    assert f"{path}:2: is not UTF-8 text (byte 19 is 0xe9)" in err


def test_oversized_claims_file_is_not_read_past_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("claims: []\n" + "#" * loader.MAX_SPEC_BYTES, encoding="utf-8")
    code, _out, err = run_cli(["claims", "--file", str(path)])
    assert code == 1
    assert f"is over {loader.MAX_SPEC_BYTES:,} bytes" in err


@pytest.mark.parametrize(
    "args",
    [
        ["verify", LONG_NAME],
        ["import-hf", LONG_NAME],
        ["validate", LONG_NAME],
        ["compare", LONG_NAME],
    ],
)
def test_paths_over_255_characters_are_one_line(args: list[str]) -> None:
    if args[0] == "verify":
        pytest.importorskip("torch")
        pytest.importorskip("transformers")
    code, _out, err = run_cli(args)
    assert code == 1
    [only] = _one_error_per_line(err)
    assert "has a name of 305 bytes" in only


# --- one validator for every root model ------------------------------------------------------


def test_hardware_profile_errors_are_all_listed_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "gpu.yaml"
    path.write_text(
        "name: g\nmemory_bytes: 0\nmemory_bandwidth_bytes_per_s: '1'\n"
        "peak_flops_per_s: {bf16: 1, fp5: 2}\nsources: [{ref: x}]\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecErrors) as caught:
        load_hardware(path)
    lines = str(caught.value).splitlines()
    assert lines == [
        f"{path}:2: memory_bytes: got 0; allowed: a number >= 1",
        f"{path}:3: memory_bandwidth_bytes_per_s: got '1'; allowed: a whole number such as "
        "4096 (no quotes, no exponent)",
        f"{path}:4: peak_flops_per_s.fp5: unknown field; allowed here: fp32, bf16, fp16, fp8, "
        "int8, fp4",
    ]


def test_hardware_module_uses_no_private_loader_function() -> None:
    source = (ROOT / "lccost" / "hardware.py").read_text(encoding="utf-8")
    assert "loader._" not in source


def test_an_explicit_empty_tag_is_refused(tmp_path: Path) -> None:
    # libyaml reports `! 4096` with tag "!" yet resolves it as the int 4096; it was accepted.
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: x\nhidden_size: ! 4096\nvocab_size: 8\nlayers: [{ONE_LAYER}]\n", encoding="utf-8"
    )
    code, _out, err = run_cli(["validate", str(path)])
    assert code == 1
    assert f"{path}:2: hidden_size: YAML tag '!' is not supported" in err


def test_a_loaded_spec_is_validated_once_per_content(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        f"name: x\nhidden_size: 8\nvocab_size: 8\nlayers: [{ONE_LAYER}]\n", encoding="utf-8"
    )
    first = load_architecture(path)
    assert load_architecture(path) is first
    path.write_text(
        f"name: y\nhidden_size: 8\nvocab_size: 8\nlayers: [{ONE_LAYER}]\n", encoding="utf-8"
    )
    assert load_architecture(path).name == "y"


def test_an_edited_parent_is_read_afresh(tmp_path: Path) -> None:
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        f"name: p\nhidden_size: 8\nvocab_size: 8\nlayers: [{ONE_LAYER}]\n", encoding="utf-8"
    )
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: c\n", encoding="utf-8")
    assert load_architecture(child).spec.hidden_size == 8
    parent.write_text(
        parent.read_text(encoding="utf-8").replace("hidden_size: 8", "hidden_size: 16"),
        encoding="utf-8",
    )
    assert load_architecture(child).spec.hidden_size == 16


def test_shipped_profiles_and_specs_are_cached(tmp_path: Path) -> None:
    for path in shipped_hardware().values():
        assert load_hardware(path) is load_hardware(path)
    for path in shipped_configs().values():
        assert load_architecture(path) is load_architecture(path)


# --- variants: errors where the user wrote them -----------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_typo_in_an_inherited_template_is_reported_once_in_the_users_file(tmp_path: Path) -> None:
    # gemma-4-e2b's sliding_wide extends sliding: the typo used to be reported a second time,
    # at the shipped file's sliding_wide line.
    path = _write(
        tmp_path,
        "extends: gemma-4-e2b\nname: x\nlayer_templates:\n  sliding: {attention: {windw: 1024}}\n",
    )
    code, _out, err = run_cli(["validate", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert only.startswith(
        f"Error: {path}:4: layer_templates.sliding.attention.windw: unknown field"
    )


def test_misspelt_template_name_in_an_override_names_the_templates(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "extends: gemma-4-e2b\nname: x\nlayer_templates:\n  slidng: {attention: {window: 1024}}\n",
    )
    code, _out, err = run_cli(["validate", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert only == (
        f"Error: {path}:4: layer_templates.slidng: no template 'slidng' in "
        "gemma-4-e2b (templates: sliding, full, sliding_wide, full_wide); a new "
        "template needs attention and ffn, or extends"
    )


def test_a_whole_new_template_in_an_override_is_accepted(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"extends: llama-3.1-8b\nname: x\nlayer_templates:\n"
        f"  small: {ONE_LAYER}\nlayers: [decoder, small]\n",
    )
    assert len(load_architecture(path).layers) == 2


def test_null_layers_blames_the_users_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "extends: gemma-4-e2b\nname: x\nlayers: null\n")
    code, _out, err = run_cli(["validate", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert only.startswith(f"Error: {path}:3: layers: required field is missing")


def test_template_cycle_is_reported_at_the_extends_that_closes_it(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"name: x\nhidden_size: 8\nvocab_size: 8\nlayer_templates:\n"
        f"  a: {ONE_LAYER}\n  b: {{extends: c}}\n  c:\n    extends: b\n"
        "layers: [a]\n",
    )
    code, _out, err = run_cli(["validate", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert only == f"Error: {path}:8: layer_templates.c.extends: layer template cycle: b -> c -> b"


def test_a_thousand_extends_is_one_line(tmp_path: Path) -> None:
    _write(tmp_path, f"name: x\nhidden_size: 8\nvocab_size: 8\nlayers: [{ONE_LAYER}]\n", "c0.yaml")
    for i in range(1, 1001):
        _write(tmp_path, f"extends: c{i - 1}.yaml\n", f"c{i}.yaml")
    path = tmp_path / "c1000.yaml"
    code, _out, err = run_cli(["validate", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert only.startswith(
        f"Error: {path}:1: extends: starts an extends chain of more than "
        f"{loader.MAX_EXTENDS_CHAIN} files"
    )


def test_a_chain_at_the_limit_loads(tmp_path: Path) -> None:
    _write(tmp_path, f"name: x\nhidden_size: 8\nvocab_size: 8\nlayers: [{ONE_LAYER}]\n", "c0.yaml")
    for i in range(1, loader.MAX_EXTENDS_CHAIN):
        _write(tmp_path, f"extends: c{i - 1}.yaml\n", f"c{i}.yaml")
    assert load_architecture(tmp_path / f"c{loader.MAX_EXTENDS_CHAIN - 1}.yaml").name == "x"


def test_twenty_thousand_explicit_layers_do_not_pass_the_cap(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"name: x\nhidden_size: 8\nvocab_size: 8\nlayer_templates:\n"
        f"  a: {ONE_LAYER}\nlayers:\n" + "  - a\n" * 20_000,
    )
    code, _out, err = run_cli(["validate", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert f"{path}:6: layers: has 20000 entries; allowed: at most 10000" in only


def test_a_full_repeat_followed_by_more_layers_does_not_pass_the_cap(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"name: x\nhidden_size: 8\nvocab_size: 8\nlayer_templates:\n"
        f"  a: {ONE_LAYER}\nlayers:\n  - {{repeat: 10000, layers: [a]}}\n"
        "  - a\n  - a\n",
    )
    code, _out, err = run_cli(["validate", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert "expands to more than 10000 layers" in only


def test_exactly_ten_thousand_layers_load(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"name: x\nhidden_size: 8\nvocab_size: 8\nlayer_templates:\n"
        f"  a: {ONE_LAYER}\nlayers:\n  - {{repeat: 9999, layers: [a]}}\n"
        "  - a\n",
    )
    assert len(load_architecture(path).layers) == 10_000


def test_the_caches_stay_bounded(tmp_path: Path) -> None:
    for i in range(loader.MAX_CACHED + 10):
        path = tmp_path / f"s{i}.yaml"
        path.write_text(
            f"name: s{i}\nhidden_size: 8\nvocab_size: 8\nlayers: [{ONE_LAYER}]\n", encoding="utf-8"
        )
        load_architecture(path)
    assert len(loader._PARSED) <= loader.MAX_CACHED
    assert len(loader._VALIDATED) <= loader.MAX_CACHED


def test_changing_a_loaded_document_does_not_change_the_next_load() -> None:
    path = shipped_configs()["llama-3.1-8b"]
    loader.load_document(path).data["name"] = "changed"
    assert loader.load_document(path).data["name"] == "llama-3.1-8b"


def test_errors_name_the_file_as_given_each_time(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _write(tmp_path, "name: x\nhidden_size: 0\nvocab_size: 8\nlayers: [a]\n", "bad.yaml")
    monkeypatch.chdir(tmp_path)
    for given in ("bad.yaml", str(tmp_path / "bad.yaml")):
        code, _out, err = run_cli(["validate", given])
        assert code == 1
        assert err.startswith(f"Error: {given}:2: hidden_size: got 0")


def test_unknown_models_and_missing_operands_in_claims_are_refused_at_their_lines(
    tmp_path: Path,
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        "claims:\n  - id: a\n    text: t\n    source: s\n"
        "    published: {value: 1, unit: GB, precision: 0.1}\n"
        "    computation: {kind: ratio, model: llama-3.1-8b, quantity: kv_cache_bytes}\n"
        "  - id: b\n    text: t\n    source: s\n"
        "    published: {value: 1, unit: GB, precision: 0.1}\n"
        "    computation:\n      kind: value\n      model: llama-9\n"
        "      quantity: kv_cache_bytes\n",
        encoding="utf-8",
    )
    code, _out, err = run_cli(["claims", "--file", str(path)])
    assert code == 1
    lines = _one_error_per_line(err)
    assert lines[0] == (
        f"Error: {path}:6: claims[0].computation: kind ratio needs other: (the "
        "model to compare with)"
    )
    assert len(lines) == 1  # the unknown model is checked once the file validates
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "model: llama-3.1-8b, quantity", "model: llama-3.1-8b, other: llama-3.1-8b, quantity"
        ),
        encoding="utf-8",
    )
    code, _out, err = run_cli(["claims", "--file", str(path)])
    assert code == 1
    [only] = _one_error_per_line(err)
    assert only.startswith(
        f"Error: {path}:13: claims[1].computation.model: 'llama-9' is "
        "neither a spec file (relative to this claims file) nor a shipped "
        "model; shipped: "
    )
