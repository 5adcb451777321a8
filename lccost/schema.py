"""JSON Schemas of the YAML inputs, for editors (YAML language server) and other tools.

The spec schema is ``ArchitectureSpec.model_json_schema()`` (pydantic v2; the discriminated
unions become ``oneOf`` with a ``discriminator`` on ``kind``) plus the one key the loader takes
before validation: ``extends`` (``lccost.spec.loader.load_document``). A file with ``extends``
is merged over its parent, so it may leave out what the parent gives: the top-level required
fields apply only to files without ``extends``. Likewise a layer template with ``extends`` (the
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
        "extends": {"type": "string", "description": (
            "Another layer template's name; this template's keys are merged over it: mappings "
            "key by key, null removes a key, anything else replaces.")},
        "attention": {"type": ["object", "null"]},
        "ffn": {"type": ["object", "null"]},
    },
    "required": ["extends"],
    "additionalProperties": False,
}


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of an architecture spec file, ``extends`` included."""
    from lccost.spec.model import ArchitectureSpec

    schema = ArchitectureSpec.model_json_schema()
    required = schema.pop("required", [])
    templates = schema["properties"].get("layer_templates", {})
    layer = templates.get("additionalProperties")
    if layer is not None:
        templates["additionalProperties"] = {
            "if": {"type": "object", "required": ["extends"]},
            "then": TEMPLATE_EXTENDS_SCHEMA,
            "else": layer,
        }
    schema["properties"] = {"extends": EXTENDS_SCHEMA, **schema["properties"]}
    schema["if"] = {"not": {"required": ["extends"]}}
    schema["then"] = {"required": required}
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": "lccost architecture spec"}


def hardware_json_schema() -> dict[str, Any]:
    """The JSON Schema of a hardware profile file (``configs/hardware/*.yaml``)."""
    from lccost.hardware import HardwareProfile

    schema = HardwareProfile.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": "lccost hardware profile"}
