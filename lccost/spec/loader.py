"""Read spec files: safe YAML with positions, ``extends``, validation errors mapped to lines.

The YAML dialect is YAML 1.2's core schema, not PyYAML's 1.1 defaults: only ``true``/``false``
are booleans (``yes`` and ``on`` stay strings), ``017`` is not an octal integer, ``1e6`` is a
float (and so not a valid integer field). Anchors, aliases and tags are refused, which also
closes the "billion laughs" expansion. Files are capped at ``MAX_SPEC_BYTES``.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from lccost.errors import SpecError, SpecErrors
from lccost.spec.model import Architecture, ArchitectureSpec, expand

MAX_SPEC_BYTES = 1_000_000
"""Larger than any architecture spec needs; keeps a stray multi-GB file from being read."""

CONFIG_DIRS = (
    Path(__file__).resolve().parent.parent / "configs",          # installed wheel
    Path(__file__).resolve().parent.parent.parent / "configs",   # source checkout
)

Position = tuple[str, int]
"""(file, 1-based line) where a value is written."""


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars (PyYAML resolves YAML 1.1's ``yes``, ``017``, ``1_0``...)."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?(?:0|[1-9][0-9_]*)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
):
    _Resolver.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern),
                                    list(_first))


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
              yaml.composer.Composer, yaml.constructor.SafeConstructor, _Resolver):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)


@dataclass
class Document:
    """A parsed YAML mapping and where each value was written, by field path."""

    data: dict[str, Any]
    positions: dict[tuple[str | int, ...], Position] = field(default_factory=dict)


_SCALARS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": lambda text: int(text.replace("_", "")),
    "tag:yaml.org,2002:float": lambda text: float(text.replace("_", "")),
    "tag:yaml.org,2002:bool": lambda text: text.lower() == "true",
    "tag:yaml.org,2002:null": lambda text: None,
}


def _construct(node: yaml.Node, path: tuple[str | int, ...], file: str,
               positions: dict[tuple[str | int, ...], Position], seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise SpecError(file, "YAML anchors and aliases (*name) are not supported in specs; "
                              "write the value out, or use layer_templates and extends",
                        line=line)
    seen.add(id(node))
    positions[path] = (file, line)
    if isinstance(node, yaml.ScalarNode):
        convert = _SCALARS.get(node.tag)
        if convert is None:
            raise SpecError(file, f"YAML tag {node.tag!r} is not supported; write a plain "
                                  "number, string, true/false or null", line=line)
        return convert(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), file, positions, seen)
                for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, (*path, "<key>"), file, positions, seen)
            if not isinstance(key, str):
                raise SpecError(file, f"mapping keys must be field names, not {key!r}",
                                line=key_node.start_mark.line + 1)
            if key in mapping:
                raise SpecError(file, f"field {key!r} is given twice in the same mapping",
                                line=key_node.start_mark.line + 1)
            mapping[key] = _construct(value_node, (*path, key), file, positions, seen)
            positions[(*path, key)] = (file, key_node.start_mark.line + 1)
        positions.pop((*path, "<key>"), None)
        return mapping
    raise SpecError(file, "unsupported YAML node", line=line)  # pragma: no cover


def _read_text(path: Path) -> str:
    if not path.exists():
        raise SpecError(str(path), "no such file")
    if path.is_dir():
        raise SpecError(str(path), "is a directory; give a spec file (.yaml)")
    if path.stat().st_size > MAX_SPEC_BYTES:
        raise SpecError(str(path), f"is {path.stat().st_size:,} bytes; a spec is at most "
                                   f"{MAX_SPEC_BYTES:,} bytes")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(str(path), f"is not UTF-8 text (byte {error.start}); save it as "
                                   "UTF-8") from None
    except OSError as error:
        raise SpecError(str(path), f"cannot be read: {error.strerror}") from None


def parse_yaml(text: str, file: str) -> Document:
    """Parse one YAML document that must be a mapping, recording each value's line."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise SpecError(file, f"is not valid YAML: {problem}", line=line) from None
    except yaml.YAMLError as error:
        raise SpecError(file, f"is not valid YAML: {error}") from None
    except RecursionError:
        raise SpecError(file, "nests too deeply to be a spec") from None
    if node is None:
        raise SpecError(file, "is empty; a spec is a mapping with name, hidden_size, "
                              "vocab_size and layers")
    positions: dict[tuple[str | int, ...], Position] = {}
    try:
        data = _construct(node, (), file, positions, set())
    except RecursionError:
        raise SpecError(file, "nests too deeply to be a spec") from None
    if not isinstance(data, dict):
        raise SpecError(file, f"must be a mapping of fields, not a {type(data).__name__}",
                        line=node.start_mark.line + 1)
    return Document(data, positions)


def shipped_configs() -> dict[str, Path]:
    """Shipped spec names (file stems) and their paths."""
    for directory in CONFIG_DIRS:
        if directory.is_dir():
            return {p.stem: p for p in sorted(directory.glob("*.yaml"))
                    if p.stem != "claims"}
    return {}


def resolve_ref(ref: str, relative_to: Path | None = None) -> Path:
    """A spec path for ``ref``: a file (relative to ``relative_to``'s folder) or a shipped name."""
    candidate = (relative_to.parent / ref) if relative_to else Path(ref)
    if candidate.exists() or candidate.suffix in (".yaml", ".yml", ".json"):
        if candidate.exists() or ref not in shipped_configs():
            return candidate
    shipped = shipped_configs()
    name = Path(ref).stem if Path(ref).suffix in (".yaml", ".yml") else ref
    if name in shipped:
        return shipped[name]
    return candidate


def _merge(parent: Document, child: Document) -> Document:
    """Child values over parent values: mappings merge key by key, ``null`` removes a key,
    anything else (lists included) replaces."""

    def merge(base: Any, over: Any, path: tuple[str | int, ...]) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            result = dict(base)
            for key, value in over.items():
                if value is None:
                    result.pop(key, None)
                elif key in result:
                    result[key] = merge(result[key], value, (*path, key))
                else:
                    result[key] = value
            return result
        return over

    data = merge(parent.data, child.data, ())
    positions = dict(parent.positions)
    positions.update(child.positions)
    return Document(data, positions)


def load_document(path: Path, chain: tuple[Path, ...] = ()) -> Document:
    """Parse ``path`` and resolve its ``extends`` chain (relative to each file)."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise SpecError(str(path), f"extends cycle: {cycle}; a spec cannot extend itself")
    document = parse_yaml(_read_text(path), str(path))
    parent_ref = document.data.pop("extends", None)
    if parent_ref is None:
        return document
    line = document.positions.get(("extends",), (str(path), 0))[1]
    if not isinstance(parent_ref, str):
        raise SpecError(str(path), "must be a file path or a shipped model name",
                        line=line, field="extends")
    parent_path = resolve_ref(parent_ref, relative_to=path)
    if not parent_path.exists():
        names = ", ".join(shipped_configs())
        raise SpecError(str(path), f"{parent_ref!r} is neither a file (relative to this "
                                   f"spec) nor a shipped model ({names})",
                        line=line, field="extends")
    parent = load_document(parent_path, (*chain, resolved))
    return _merge(parent, document)


def _render_path(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


def _doc_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The path of ``loc`` in the document: pydantic's union tags dropped."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, dict | list):
            if isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
                path.append(part)  # a missing or unknown field: keep its name
                node = None
            continue  # a union tag, not part of the document
        else:
            continue
        path.append(part)
    return tuple(path)


def _is_tag(part: str) -> bool:
    return part in _UNION_TAGS


def _union_members(annotation: Any) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        tags = [m.tag for m in metadata if hasattr(m, "tag")]
        if tags:
            yield tags[0], base
        else:
            yield from _union_members(base)
    elif origin in (typing.Union, types.UnionType):
        for member in typing.get_args(annotation):
            yield from _union_members(member)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        kind = annotation.model_fields.get("kind")
        yield (kind.default if kind is not None else annotation.__name__), annotation
    else:
        yield None, annotation


def _collect_tags() -> set[str]:
    from lccost.mechanisms import AttentionSpec, FeedForwardSpec
    from lccost.spec.model import LayerEntry

    return {str(tag) for union in (AttentionSpec, FeedForwardSpec, LayerEntry)
            for tag, _ in _union_members(union) if tag is not None}


_UNION_TAGS = _collect_tags()


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The schema model that holds the last element of ``loc`` (for 'allowed fields')."""
    current: Any = ArchitectureSpec
    for part in loc[:-1]:
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return None
            current = info.annotation
            continue
        origin = typing.get_origin(current)
        if origin in (list, dict) and isinstance(part, int | str):
            args = typing.get_args(current)
            current = args[-1]
            continue
        members = dict(_union_members(current))
        if part in members:
            current = members[part]
        elif None in members:
            current = members[None]
        else:
            return None
        origin = typing.get_origin(current)
        while origin in (typing.Union, types.UnionType):  # Optional[Model]
            current = next(a for a in typing.get_args(current) if a is not type(None))
            origin = typing.get_origin(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    members = [m for _, m in _union_members(current)]
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    return models[0] if len(models) == 1 else None


def _allowed(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "extra_forbidden":
        model = _model_at(tuple(error["loc"]))
        if model is not None:
            return "unknown field; allowed here: " + ", ".join(model.model_fields)
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=",
                 "less_than": "<"}[kind]
        limit = next(iter(ctx.values()))
        return f"got {error['input']!r}; allowed: a number {bound} {limit}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"got {error['input']!r}; allowed: a whole number such as 4096 (no quotes, " \
               "no exponent)"
    if kind == "bool_type":
        return f"got {error['input']!r}; allowed: true or false"
    if kind in ("string_type", "str_type"):
        return f"got {error['input']!r}; allowed: a text string"
    if kind == "literal_error":
        return f"got {error['input']!r}; allowed: {ctx.get('expected')}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        from lccost.mechanisms import AttentionSpec, FeedForwardSpec
        tags = sorted(str(t) for union in (AttentionSpec, FeedForwardSpec)
                      for t, _ in _union_members(union))
        got = ctx.get("tag", "nothing")
        return f"kind {got!r} is not known; allowed kinds: {', '.join(tags)}"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return f"got {type(error['input']).__name__} {error['input']!r}; {error['msg'].lower()}"
    if kind == "too_short":
        return "must not be empty"
    return error["msg"].removeprefix("Value error, ")


def _spec_error(document: Document, file: str, path: tuple[str | int, ...],
                message: str) -> SpecError:
    position = None
    for cut in range(len(path), -1, -1):
        position = document.positions.get(path[:cut])
        if position is not None:
            break
    where_file, line = position if position else (file, None)
    return SpecError(where_file, message, line=line, field=_render_path(path))


def validate_document(document: Document, file: str) -> Architecture:
    """Validate a parsed document into an ``Architecture`` or raise ``SpecErrors``."""
    try:
        spec = ArchitectureSpec.model_validate(document.data)
    except ValidationError as error:
        errors = []
        for item in error.errors(include_url=False):
            path = _doc_path(document.data, tuple(item["loc"]))
            errors.append(_spec_error(document, file, path, _allowed(item)))
        raise SpecErrors(_dedupe(errors)) from None
    architecture, problems = expand(spec)
    if architecture is None:
        raise SpecErrors([_spec_error(document, file, p.path, p.message) for p in problems])
    return architecture


def _dedupe(errors: list[SpecError]) -> list[SpecError]:
    unique: dict[str, SpecError] = {}
    for error in errors:
        unique.setdefault(str(error), error)
    return list(unique.values())


def load_architecture(ref: str | Path) -> Architecture:
    """Load a spec by path or shipped name, resolving ``extends``, validated and expanded."""
    path = resolve_ref(str(ref)) if isinstance(ref, str) else ref
    if not path.exists():
        names = ", ".join(shipped_configs()) or "none found"
        raise SpecError(str(ref), f"is neither a spec file nor a shipped model; shipped "
                                  f"models: {names}")
    if path.suffix == ".json":
        from lccost.hf_import import architecture_from_hf_config

        return architecture_from_hf_config(path)
    document = load_document(path)
    return validate_document(document, str(path))
