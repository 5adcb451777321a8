"""``lccost schema``: the JSON Schema of spec files (and of hardware profiles) for editors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import RunCli

from lccost.hardware import shipped_hardware
from lccost.spec.loader import parse_yaml, read_spec_text, shipped_configs

ROOT = Path(__file__).resolve().parent.parent
JSONSCHEMA_SKIP = "jsonschema is not installed; enable with: pip install jsonschema"

# The mechanism kinds of lccost.mechanisms (attention: 6, feed-forward: 2), written out.
KINDS = {"attention", "mla", "cca", "csa", "hca", "v4_sliding", "dense", "moe"}


def _schema(run_cli: RunCli, *args: str) -> dict[str, Any]:
    code, out, err = run_cli(["schema", *args])
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_schema_is_json_with_every_mechanism_kind(run_cli: RunCli) -> None:
    schema = _schema(run_cli)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    kinds = set(re.findall(r'"kind": \{"const": "([a-z0-9_]+)"', json.dumps(schema)))
    assert kinds >= KINDS


def test_schema_accepts_extends_and_relaxes_required_with_it(run_cli: RunCli) -> None:
    schema = _schema(run_cli)
    assert schema["properties"]["extends"]["type"] == "string"
    assert "required" not in schema
    assert schema["if"] == {"not": {"required": ["extends"]}}
    whole = schema["$defs"][schema["then"]["$ref"].removeprefix("#/$defs/")]
    assert {"name", "hidden_size", "vocab_size", "layers"} <= set(whole["required"])
    assert schema["additionalProperties"] is False


def test_schema_written_to_a_file(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "lccost.schema.json"
    code, stdout, err = run_cli(["schema", "-o", str(out)])
    assert (code, stdout) == (0, "") and f"wrote {out}" in err
    assert json.loads(out.read_text(encoding="utf-8")) == _schema(run_cli)


def test_hardware_schema(run_cli: RunCli) -> None:
    schema = _schema(run_cli, "--hardware-profile")
    assert {"memory_bytes", "memory_bandwidth_bytes_per_s", "peak_flops_per_s"} <= set(
        schema["required"]
    )


def test_shipped_specs_validate_against_the_schema(run_cli: RunCli) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason=JSONSCHEMA_SKIP)
    validator = jsonschema.Draft202012Validator(_schema(run_cli))
    variants = sorted((ROOT / "configs" / "variants").glob("*.yaml"))
    assert len(variants) >= 3
    for path in [*shipped_configs().values(), *variants]:
        data = parse_yaml(read_spec_text(path), str(path)).data
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (path, errors)
    # A child that only extends and renames is complete; an unknown field is not.
    assert validator.is_valid({"extends": "llama-3.1-8b", "name": "mine"})
    assert not validator.is_valid({"extends": "llama-3.1-8b", "nmae": "mine"})
    assert not validator.is_valid({"name": "no layers", "hidden_size": 1, "vocab_size": 1})
    # A layer template with extends holds overrides only (null removes a key).
    base: dict[str, Any] = {
        "name": "t",
        "hidden_size": 8,
        "vocab_size": 8,
        "layers": ["b"],
        "layer_templates": {
            "a": {
                "attention": {"kind": "attention", "query_heads": 1, "kv_heads": 1, "head_dim": 8},
                "ffn": {"kind": "dense", "intermediate_size": 8},
            }
        },
    }
    variant = {"extends": "a", "ffn": {"kind": "moe", "intermediate_size": None}}
    assert validator.is_valid(
        {**base, "layer_templates": {**base["layer_templates"], "b": variant}}
    )
    assert not validator.is_valid(
        {**base, "layer_templates": {**base["layer_templates"], "b": {**variant, "mlp": {}}}}
    )


def test_shipped_profiles_validate_against_the_hardware_schema(run_cli: RunCli) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason=JSONSCHEMA_SKIP)
    validator = jsonschema.Draft202012Validator(_schema(run_cli, "--hardware-profile"))
    for path in shipped_hardware().values():
        data = parse_yaml(read_spec_text(path), str(path)).data
        assert not [e.message for e in validator.iter_errors(data)], path


def test_override_files_may_give_mappings_in_part(run_cli) -> None:  # type: ignore[no-untyped-def]
    """A file with extends merges maps, replaces lists and deletes with null (loader._merge):
    the schema says the same, and still refuses unknown fields at any depth."""
    jsonschema = pytest.importorskip("jsonschema", reason=JSONSCHEMA_SKIP)
    validator = jsonschema.Draft202012Validator(_schema(run_cli))
    override = {"extends": "deepseek-v4-pro", "name": "w"}
    # The shipped 64k-window variant: one field of one template's attention.
    assert validator.is_valid(
        {**override, "layer_templates": {"hca": {"attention": {"window": 65536}}}}
    )
    assert validator.is_valid(
        {**override, "kv_sharing": None, "per_layer_embeddings": {"dim": 128}}
    )
    assert not validator.is_valid(
        {**override, "layer_templates": {"hca": {"attention": {"windw": 65536}}}}
    )
    assert not validator.is_valid({**override, "per_layer_embeddings": {"dimm": 1}})
    # A list replaces the parent's whole, so its entries are whole layers.
    assert not validator.is_valid({**override, "layers": [{"attention": {"window": 8}}]})
    # Without extends a partial template is no spec.
    whole = {"name": "t", "hidden_size": 8, "vocab_size": 8, "layers": ["a"]}
    assert not validator.is_valid(
        {**whole, "layer_templates": {"a": {"attention": {"window": 65536}}}}
    )


def test_every_generated_valid_spec_fits_the_schema_whole_and_as_an_override() -> None:
    """The schema describes what the loader accepts: a generated valid spec, and the same spec
    as an override (``extends`` plus any subset of its top-level fields)."""
    jsonschema = pytest.importorskip("jsonschema", reason=JSONSCHEMA_SKIP)
    from conftest import valid_specs
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from lccost.schema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(valid_specs(), st.data())
    def check(spec: dict[str, Any], data: st.DataObject) -> None:
        assert not [e.message for e in validator.iter_errors(spec)]
        keys = data.draw(st.sets(st.sampled_from(sorted(spec))))
        override = {"extends": "base.yaml", **{k: spec[k] for k in keys}}
        assert not [e.message for e in validator.iter_errors(override)]

    check()
