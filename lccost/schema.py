"""JSON Schemas of the YAML inputs, for editors (YAML language server) and other tools.

The spec schema is ``ArchitectureSpec.model_json_schema()`` (pydantic v2; the discriminated
unions become ``oneOf`` with a ``discriminator`` on ``kind``) plus the one key the loader takes
before validation: ``extends`` (``lccost.spec.loader.load_document``). A file with ``extends``
is merged over its parent, so it may leave out what the parent gives, at any depth: its schema
is the same one with nothing required, ``null`` allowed for every key and the unions' members
given in part (``_partial``); the whole spec's schema applies to files without ``extends``.
Likewise a layer template with ``extends`` (the
name of another template, resolved before validation by ``resolve_template_extends`` in
``lccost.spec.model``) holds only overrides, where ``null`` removes a key.
"""

from __future__ import annotations

from typing import Any

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

EXTENDS_SCHEMA: dict[str, Any] = {
    "type": "string",
    "title": "Extends",
    "description": (
        "A parent spec: a file path (relative to this file) or a shipped model name. This "
        "file's values are merged over the parent's: mappings key by key, null removes a key, "
        "anything else (lists included) replaces. Required fields may come from the parent; "
        "nested mappings given in part still show their own required fields as missing here."
    ),
}


TEMPLATE_EXTENDS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A layer template given as overrides of another template.",
    "properties": {
        "extends": {
            "type": "string",
            "description": (
                "Another layer template's name; this template's keys are merged over it: mappings "
                "key by key, null removes a key, anything else replaces."
            ),
        },
        "attention": {"type": ["object", "null"]},
        "ffn": {"type": ["object", "null"]},
    },
    "required": ["extends"],
    "additionalProperties": False,
}


OVERRIDE_SUFFIX = "__override"
"""Suffix of the ``$defs`` entries that describe a mapping given in part, in a file with
``extends`` (e.g. ``Layer__override``)."""


def _partial(node: Any, defs: dict[str, Any], partial_defs: dict[str, Any]) -> Any:
    """``node`` as a file with ``extends`` may give it: every mapping in part (nothing
    required), ``null`` allowed for each key (it removes the parent's), the members of a union
    in part too (so ``anyOf``: a part may fit several). Lists replace the parent's whole, so a
    list's items keep their full schema."""
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        if name + OVERRIDE_SUFFIX not in partial_defs:
            partial_defs[name + OVERRIDE_SUFFIX] = {}  # placeholder: the defs may recurse
            partial_defs[name + OVERRIDE_SUFFIX] = _partial(defs[name], defs, partial_defs)
        return {**node, "$ref": f"#/$defs/{name}{OVERRIDE_SUFFIX}"}
    result = {k: v for k, v in node.items() if k not in ("required", "discriminator")}
    for union in ("oneOf", "anyOf"):
        if union in node:
            result.pop(union)
            result["anyOf"] = [_partial(member, defs, partial_defs) for member in node[union]]
    if isinstance(node.get("properties"), dict):
        result["properties"] = {
            key: _nullable(_partial(value, defs, partial_defs))
            for key, value in node["properties"].items()
        }
    if isinstance(node.get("additionalProperties"), dict):
        result["additionalProperties"] = _nullable(
            _partial(node["additionalProperties"], defs, partial_defs)
        )
    return result


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [node, {"type": "null"}]}


def _template_or_layer(layer: dict[str, Any]) -> dict[str, Any]:
    """A layer template: ``layer``, or overrides of another template (``extends``)."""
    return {
        "if": {"type": "object", "required": ["extends"]},
        "then": TEMPLATE_EXTENDS_SCHEMA,
        "else": layer,
    }


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of an architecture spec file, with or without ``extends``.

    A file without ``extends`` is a whole spec (``$defs/ArchitectureSpec``, required fields
    and all). A file with ``extends`` holds overrides merged over its parent: mappings key by
    key (so given in part), ``null`` removes a key, lists replace the parent's whole. The top
    level describes that override form, which every whole spec also satisfies, so an editor
    offers the same completions in both.
    """
    from lccost.spec.model import ArchitectureSpec

    full = ArchitectureSpec.model_json_schema()
    defs: dict[str, Any] = full.pop("$defs", {})
    templates = full["properties"].get("layer_templates", {})
    layer = templates.get("additionalProperties")
    partial_defs: dict[str, Any] = {}
    override = _partial(full, defs, partial_defs)
    override.pop("title", None)
    if layer is not None:
        templates["additionalProperties"] = _template_or_layer(layer)
        override["properties"]["layer_templates"] = _nullable(
            {
                **templates,
                "additionalProperties": _nullable(
                    _template_or_layer(_partial(layer, defs, partial_defs))
                ),
            }
        )
    override["properties"] = {"extends": EXTENDS_SCHEMA, **override["properties"]}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **override,
        "title": "lccost architecture spec",
        "if": {"not": {"required": ["extends"]}},
        "then": {"$ref": "#/$defs/ArchitectureSpec"},
        "$defs": {**defs, **partial_defs, "ArchitectureSpec": full},
    }


def hardware_json_schema() -> dict[str, Any]:
    """The JSON Schema of a hardware profile file (``configs/hardware/*.yaml``)."""
    from lccost.hardware import HardwareProfile

    schema = HardwareProfile.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": "lccost hardware profile"}
