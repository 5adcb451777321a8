"""Import a Hugging Face ``config.json`` as an lccost architecture spec, or refuse it with reasons.

The package is the shared core plus one module per ``model_type``:

- ``jsonfile``: the strict reader (regular files only, size and nesting caps, duplicate keys,
  integers past 2^63 - 1, the line of every key);
- ``core``: ``Fields`` (a config read against its family's transformers 5.23.0 class: defaults,
  ``attribute_map`` aliases, ``per_layer_config`` overrides, every key accounted for) and
  ``Family`` (what a family module declares);
- ``build``: the layer and top-level mappings the family modules share;
- ``families/<model_type>.py``: one per ``model_type``, each with its configuration class's
  defaults (copied from transformers 5.23.0, which is not imported at run time), its
  cost-irrelevant fields with the reason, and the layers its modeling code builds.

The layer structure follows what the transformers 5.23.0 modeling code builds from the config,
since that is what ``--accounting reference`` describes, and ``params_total`` equals
``sum(p.numel() for p in model.parameters())`` of its causal LM (checked by the census,
``python -m lccost.hf.census``; docs/coverage.md).

Adding a family (one file plus its census row):

1. Write ``lccost/hf/families/<model_type>.py`` (``-`` in a model_type becomes ``_``) defining
   ``FAMILY = Family(model_type=..., class_name=..., source=..., defaults={...},
   attribute_map={...}, ignored={field: reason}, per_layer=frozenset(...), build=build)``.
   ``defaults`` are the class's field defaults as written in its ``configuration_*.py``;
   ``build(f: Fields) -> Built`` reads every field it needs through ``f`` (``f.integer``,
   ``f.flag``, ``f.str_list``, ...) and returns the top-level fields and one layer mapping per
   layer. A field the family needs but lccost cannot model is refused with ``core.refuse``,
   naming the mechanism. Reuse ``build.uniform`` for Llama-like decoders (``build.gqa_heads``,
   ``build.hidden_and_heads`` and ``build.same_layers`` for the pieces). Where the modeling code
   copies another family's (``# Copied from``, a ``modular_*.py`` on it), import that family's
   ``build`` (or a helper it exports, with the difference as a parameter) instead of copying
   it; the defaults, ``attribute_map`` and ``ignored`` stay the family's own.
2. Give it a census row: ``lccost/hf/census.py`` ``VARIANTS[<model_type>]``, a non-default
   variant (per-layer overrides, renamed attributes, windows off the defaults); every
   registered causal-LM model type already gets its default-config row.
3. Run the census (``python -m lccost.hf.census --only <model_type>``), then the whole census
   once, which rewrites tests/data/census.json and docs/coverage.md.

Model types lccost knows but cannot model (a state-space layer, say) are listed in
``families/__init__.py`` ``REFUSED`` with the mechanism they need; a family module takes
precedence, so delete the entry when adding the module (jamba, falcon_h1, bamba, ... are there
today). A new mechanism's parameters must match ``sum(p.numel())`` of transformers:
biases and norms included, as parameters without FLOPs (see ``lccost.mechanisms.norms`` and the
``_vector_params`` of ``attention`` and ``ffn``).
"""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lccost.errors import SpecError, SpecErrors
from lccost.hf.core import Built, Family, Fields
from lccost.hf.jsonfile import JsonConfig, parse_config_text, read_config_file
from lccost.spec.model import Architecture

__all__ = [
    "architecture_from_hf_config",
    "default_name",
    "family",
    "hf_spec",
    "read_hf_config",
    "spec_from_hf_config",
    "spec_to_yaml",
    "supported_model_types",
]

_FAMILIES_DIR = Path(__file__).resolve().parent / "families"


def supported_model_types() -> tuple[str, ...]:
    """Every ``model_type`` with a family module (the module names, nothing imported)."""
    from lccost.hf.families import MODEL_TYPE_NAMES

    names = [
        m.name for m in pkgutil.iter_modules([str(_FAMILIES_DIR)]) if not m.name.startswith("_")
    ]
    return tuple(sorted({MODEL_TYPE_NAMES.get(n, n) for n in names}))


def family(model_type: str) -> Family | None:
    """The family module of ``model_type``, or None when lccost has none."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,63}", model_type):
        return None
    try:
        module = importlib.import_module(f"lccost.hf.families.{model_type.replace('-', '_')}")
    except ModuleNotFoundError:
        return None
    found = getattr(module, "FAMILY", None)
    return found if isinstance(found, Family) and found.model_type == model_type else None


def _model_family(config: JsonConfig) -> Family:
    from lccost.hf.families import REFUSED

    model_type = config.data.get("model_type")
    line = config.line(("model_type",))
    if model_type is None:
        raise SpecError(
            config.file,
            "has no model_type; lccost import-hf reads the config.json "
            "transformers writes, which names it",
        )
    if not isinstance(model_type, str):
        raise SpecError(
            config.file,
            f"got {model_type!r}; allowed: a model type name",
            line=line,
            field="model_type",
        )
    found = family(model_type)
    if found is not None:
        return found
    if model_type in REFUSED:
        raise SpecError(
            config.file,
            f"model_type {model_type!r}: {REFUSED[model_type]}; not modelled by lccost",
            line=line,
            field="model_type",
        )
    raise SpecError(
        config.file,
        f"model_type {model_type!r} has no lccost importer (its "
        "mechanisms have not been checked against transformers); "
        f"{len(supported_model_types())} model types have one, "
        "listed in docs/coverage.md and by lccost import-hf --help",
        line=line,
        field="model_type",
    )


def _build(config: JsonConfig, fam: Family) -> tuple[Built, list[Fields]]:
    problems: list[SpecError] = []
    outer = Fields(config, config.data, fam, (), problems)
    readers = [outer]
    if fam.text_model_type is not None:
        text_family = family(fam.text_model_type)
        assert text_family is not None, fam.text_model_type
        raw = outer.data.get("text_config", {})
        outer.mark_used("text_config")
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            outer.report(
                "text_config",
                f"got {json.dumps(raw)}; allowed: an object of the text decoder's fields",
            )
            raw = {}
        outer.text = Fields(config, raw, text_family, ("text_config",), problems)
        readers.append(outer.text)
    try:
        built = fam.build(outer)
    except _Stop:
        built = Built({}, [])
    for reader in readers:
        reader.check_accounted()
    if problems:
        raise _one_or_all(_dedupe(problems))
    return built, readers


def _one_or_all(problems: list[SpecError]) -> SpecError | SpecErrors:
    """One problem as itself, several as ``SpecErrors`` (printed one per line)."""
    return problems[0] if len(problems) == 1 else SpecErrors(problems)


class _Stop(Exception):
    """A builder cannot go on (the problems are already recorded)."""


def _dedupe(errors: list[SpecError]) -> list[SpecError]:
    unique: dict[str, SpecError] = {}
    for error in errors:
        unique.setdefault(str(error), error)
    return sorted(unique.values(), key=lambda e: e.line or 0)


def spec_from_hf_config(
    config: JsonConfig | Mapping[str, Any], name: str | None = None, source: str = "config.json"
) -> dict[str, Any]:
    """An lccost spec mapping (what a YAML spec holds) for a parsed config.json, or
    ``SpecErrors`` listing every problem (unknown or ill-typed fields, unmodelled mechanisms).
    Not validated against the schema here: ``architecture_from_hf_config`` does that."""
    if not isinstance(config, JsonConfig):
        if not isinstance(config, Mapping):
            raise SpecError(
                source, f"must be a JSON object of config fields, not a {type(config).__name__}"
            )
        config = JsonConfig(dict(config), source)
    fam = _model_family(config)
    built, readers = _build(config, fam)
    notes = list(built.notes)
    notes.extend(n for n in (r.defaults_note() for r in readers) if n)
    name = name or str(config.data.get("_name_or_path") or fam.model_type)
    sources = [
        {
            "ref": f"imported from {config.file} (model_type {fam.model_type}, "
            f"transformers 5.23.0 {fam.class_name}) by lccost import-hf",
            "covers": "every field of this spec",
        }
    ]
    return _assemble(
        name, f"Imported from {config.file} (model_type {fam.model_type}).", built, sources, notes
    )


def read_hf_config(path: Path) -> JsonConfig:
    """The strictly parsed config.json at ``path`` (``jsonfile.read_config_file``)."""
    return read_config_file(path)


def parse_hf_config(text: str, file: str = "config.json") -> JsonConfig:
    return parse_config_text(text, file)


def default_name(path: Path) -> str:
    """``models/ZAYA1-8B/config.json`` -> ``ZAYA1-8B``; ``zaya1-8b.json`` -> ``zaya1-8b``."""
    return path.parent.name if path.name == "config.json" and path.parent.name else path.stem


def _validated(spec: dict[str, Any], file: str) -> Architecture:
    from lccost.spec.loader import Document, validate_document

    try:
        return validate_document(Document(spec), file)
    except SpecErrors as error:
        # The family builders check every value they read, so this is a combination the schema
        # forbids; say that it comes from the imported spec, not from a line of the file.
        raise SpecErrors(
            [
                SpecError(file, f"the imported spec is invalid: {e.field}: {e.detail}")
                for e in error.errors
            ]
        ) from None


def hf_spec(path: Path, name: str | None = None) -> dict[str, Any]:
    """The spec mapping imported from the config.json at ``path``, validated."""
    config = read_hf_config(path)
    spec = spec_from_hf_config(config, name or default_name(path))
    _validated(spec, str(path))
    return spec


def architecture_from_hf_config(path: Path, name: str | None = None) -> Architecture:
    """The validated, expanded architecture of a Hugging Face config.json."""
    config = read_hf_config(path)
    return _validated(spec_from_hf_config(config, name or default_name(path)), str(path))


# ------------------------------------------------------------------------------------ assembly
def _layer_name(layer: dict[str, Any]) -> str:
    attention, ffn = layer["attention"], layer["ffn"]
    kind = attention["kind"]
    if ffn["kind"] == "none":  # a single-purpose block (Nemotron-H): the mixer alone
        return {"attention": "full"}.get(kind, kind) if "window" not in attention else "sliding"
    if kind == "none":
        return "mlp" if ffn["kind"] == "dense" else "moe"
    if kind == "attention":
        part = "sliding" if "window" in attention else "full"
    elif kind == "cca":
        part = "cca_sliding" if "window" in attention else "cca"
    else:
        part = {"v4_sliding": "swa"}.get(kind, kind)
    if ffn["kind"] == "dense":
        return f"{part}_dense"
    return f"{part}_moe_hash" if ffn.get("routing") == "hash" else f"{part}_moe"


MAX_REPEAT_PERIOD = 8
"""Longest block of layers ``_compress`` looks for when folding repeats."""


def _compress(names: list[str]) -> list[Any]:
    """Fold a layer sequence into ``repeat`` entries: at each position the repeated block
    (up to ``MAX_REPEAT_PERIOD`` layers) that covers the most layers."""
    entries: list[Any] = []
    i, n = 0, len(names)
    while i < n:
        best_period, best_count = 1, 1
        for period in range(1, min(MAX_REPEAT_PERIOD, (n - i) // 2) + 1):
            block, count = names[i : i + period], 1
            while names[i + count * period : i + (count + 1) * period] == block:
                count += 1
            if count >= 2 and period * count > best_period * best_count:
                best_period, best_count = period, count
        if best_count == 1:
            entries.append(names[i])
        else:
            entries.append({"repeat": best_count, "layers": names[i : i + best_period]})
        i += best_period * best_count
    return entries


def _assemble(
    name: str, description: str, result: Built, sources: list[dict[str, str]], notes: list[str]
) -> dict[str, Any]:
    templates: dict[str, dict[str, Any]] = {}
    by_key: dict[str, str] = {}
    sequence = []
    for layer in result.layers:
        key = json.dumps(layer, sort_keys=True)
        if key not in by_key:
            base = _layer_name(layer)
            label, suffix = base, 2
            while label in templates:
                label, suffix = f"{base}_{suffix}", suffix + 1
            by_key[key] = label
            templates[label] = copy.deepcopy(layer)
        sequence.append(by_key[key])
    spec: dict[str, Any] = {
        "name": name,
        "description": description,
        **result.top,
        "layer_templates": templates,
        "layers": _compress(sequence),
        "sources": sources,
    }
    if notes:
        spec["notes"] = notes
    return spec


def spec_to_yaml(spec: Mapping[str, Any]) -> str:
    """The spec mapping as YAML that ``lccost`` loads back (no anchors, YAML 1.2 safe):
    mechanisms on one line each, sources and notes as blocks."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def dump(part: dict[str, Any], flow: bool | None, width: int) -> str:
        if not part:
            return ""
        return str(
            yaml.dump(
                part,
                Dumper=_Dumper,
                sort_keys=False,
                default_flow_style=flow,
                width=width,
                allow_unicode=True,
            )
        )

    body = {k: v for k, v in spec.items() if k not in ("sources", "notes")}
    tail = {k: spec[k] for k in ("sources", "notes") if k in spec}
    header = "# Generated by lccost import-hf; edit freely (check with `lccost validate`).\n"
    return header + dump(body, None, 100) + dump(tail, False, 10_000)
