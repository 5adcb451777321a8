"""Read spec files: safe YAML with positions, ``extends``, validation errors mapped to lines.

The YAML dialect is YAML 1.2's core schema, not PyYAML's 1.1 defaults: only ``true``/``false``
are booleans (``yes`` and ``on`` stay strings), ``1e6`` is a float (and so not a valid integer
field), and a leading zero (``017``: octal in 1.1, 17 in 1.2) is refused rather than guessed.
Integers may group digits with ``_`` and are at most 2^63 - 1. Anchors, aliases and explicit
tags are refused before anything is expanded, which also closes the "billion laughs" attack.
Files are read up to ``MAX_SPEC_BYTES`` and nest at most ``MAX_DEPTH`` levels. The parser is
``lccost.spec.yaml12``, imported only when a file is parsed.

Every problem is a ``SpecError`` naming the file, the line, the field path and what is allowed
there; problems found by validation are collected into one ``SpecErrors``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from lccost.errors import SpecError, SpecErrors
from lccost.inputs import check_path_name, read_text, shown_path
from lccost.inputs import exists as _exists
from lccost.spec import cache as spec_cache
from lccost.spec.document import MAX_INT as MAX_INT  # re-exported: its home before yaml12
from lccost.spec.document import SPEC_FIELDS
from lccost.spec.document import Document as Document  # re-exported: its home before yaml12
from lccost.spec.document import render_path as _render_path
from lccost.spec.model import (
    MAX_TEMPLATE_CHAIN,
    Architecture,
    ArchitectureSpec,
    TemplateError,
    expand,
    overlay,
    resolve_template_extends,
)

MAX_SPEC_BYTES = 1_000_000
"""Larger than any architecture spec needs; keeps a stray multi-GB file from being read."""

CONFIG_DIRS = (
    Path(__file__).resolve().parent.parent / "configs",  # installed wheel
    Path(__file__).resolve().parent.parent.parent / "configs",  # source checkout
)


def read_spec_text(path: Path, what: str = "a spec file (.yaml)") -> str:
    """The text of ``path``, read with a size bound, every failure as a ``SpecError``."""
    return read_text(path, MAX_SPEC_BYTES, what)


def parse_yaml(text: str, file: str, noun: str = "spec", fields: str = SPEC_FIELDS) -> Document:
    """``lccost.spec.yaml12.parse_yaml``: one YAML document that must be a mapping, with the line
    of each value. Imported here, when a file is parsed: a spec kept by ``lccost.spec.cache``
    loads without the YAML library."""
    from lccost.spec import yaml12

    return yaml12.parse_yaml(text, file, noun, fields)


def shipped_configs() -> dict[str, Path]:
    """Shipped spec names (file stems) and their paths."""
    for directory in CONFIG_DIRS:
        if directory.is_dir():
            return {p.stem: p for p in sorted(directory.glob("*.yaml")) if p.stem != "claims"}
    return {}


def shipped_specs() -> dict[str, Path]:
    """Every name usable as a model: the shipped specs, then their variants (``variants/``)."""
    for directory in CONFIG_DIRS:
        if directory.is_dir():
            return {
                **shipped_configs(),
                **{p.stem: p for p in sorted(directory.glob("variants/*.yaml"))},
            }
    return {}


def resolve_ref(ref: str, relative_to: Path | None = None) -> Path:
    """A spec path for ``ref``: a file (relative to ``relative_to``'s folder) or a shipped name."""
    candidate = (relative_to.parent / ref) if relative_to else Path(ref)
    if not _exists(candidate):
        exact = _shipped_named(ref)
        if exact is not None:
            return exact
        from lccost.names import match_name

        shipped = shipped_specs()
        name = match_name(ref, shipped)
        if name is not None:
            return shipped[name]
    return candidate


def _shipped_named(name: str) -> Path | None:
    """``shipped_specs()[name]`` when ``name`` is exactly a shipped spec's or variant's name,
    without globbing and sorting both folders (each model on a command line resolves here)."""
    if not name or name.startswith(".") or "/" in name or "\\" in name:
        return None
    file = f"{name}.yaml"
    for directory in CONFIG_DIRS:
        if directory.is_dir():
            variants = directory / "variants"
            if variants.is_dir() and file in os.listdir(variants):  # a variant wins
                return variants / file
            if name != "claims" and file in os.listdir(directory):
                return directory / file
            return None
    return None


MAX_EXTENDS_CHAIN = 32
"""Most files in one ``extends`` chain (the shipped variants use 2)."""


def _merge(parent: Document, child: Document, parent_ref: str) -> Document:
    """Child values over parent values (``overlay``: mappings merge key by key, ``null`` removes
    a key, anything else replaces). Where the child replaces or removes a value, the parent's
    positions under it are dropped, so errors point at the file that wrote the value; a key the
    child removes keeps the child's position (the line that says ``null``).

    A template the child adds under ``layer_templates`` that is not a whole layer (``attention``
    and ``ffn``, or ``extends``) is taken for a misspelt name of one of the parent's.
    """
    inherited: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}
    data = overlay(parent.data, child.data, inherited)
    base_templates = parent.data.get("layer_templates")
    new_templates = child.data.get("layer_templates")
    if isinstance(base_templates, dict) and isinstance(new_templates, dict):
        errors = []
        for name, template in new_templates.items():
            if name in base_templates or not isinstance(template, dict) or "extends" in template:
                continue
            if {"attention", "ffn"} <= set(template):
                continue
            known = ", ".join(base_templates) or "none"
            file, line = child.positions.get(
                ("layer_templates", name), child.positions.get((), ("<unknown>", 1))
            )
            errors.append(
                SpecError(
                    file,
                    f"no template {name!r} in {parent_ref} (templates: "
                    f"{known}); a new template needs attention and ffn, "
                    "or extends",
                    line=line,
                    field=_render_path(("layer_templates", name)),
                )
            )
        if errors:
            raise SpecErrors(errors)
    # A value still there in the merged data came from the child unless it was inherited whole
    # (or lies under a value inherited whole).
    kept_from_parent = set(inherited)
    positions = {
        where: position
        for where, position in parent.positions.items()
        if any(where[:cut] in kept_from_parent for cut in range(1, len(where) + 1))
    }
    positions[()] = child.positions.get((), parent.positions.get((), ("", 1)))
    positions.update(child.positions)
    return Document(data, positions)


_PARSED: dict[tuple[Path, str, str, str], Document] = {}
"""Parsed files by (resolved path, SHA-256 of the bytes, the name messages give it, noun): a
file is parsed once per process however often it is loaded (documents are never mutated once
parsed)."""

MAX_CACHED = 256
"""Files kept parsed, and validated results kept, per process; the oldest go first, so a
process that reads many files (a fuzz run, a long sweep over generated specs) stays bounded."""


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= MAX_CACHED:
        del cache[next(iter(cache))]
    cache[key] = value


def read_document(
    path: Path, noun: str = "spec", fields: str = SPEC_FIELDS, what: str = "a spec file (.yaml)"
) -> tuple[tuple[Path, str], Document]:
    """(resolved path, SHA-256) of ``path`` and its parsed document, parsed once per content."""
    raw_text = read_text(path, MAX_SPEC_BYTES, what)
    key = (path.resolve(), _text_digest(raw_text))
    return key, _document(path, raw_text, key, noun, fields)


def _document(path: Path, raw_text: str, key: tuple[Path, str], noun: str, fields: str) -> Document:
    """``raw_text``, read from ``path`` (``key``: its resolved path and SHA-256), parsed once per
    content."""
    shown = shown_path(path)
    document = _PARSED.get((*key, shown, noun))
    if document is None:
        document = parse_yaml(raw_text, shown, noun, fields)
        _remember(_PARSED, (*key, shown, noun), document)
    return document


def _chain(path: Path) -> list[tuple[tuple[Path, str], Document, str | None]]:
    """``path`` and its ``extends`` parents, child first: (key, document without ``extends``,
    the parent reference as written)."""
    chain: list[tuple[tuple[Path, str], Document, str | None]] = []
    seen: list[Path] = []
    current = path
    while True:
        key, document = read_document(current)
        seen.append(key[0])
        parent_ref = document.data.get("extends")
        if parent_ref is None:
            chain.append((key, document, None))
            return chain
        data = {k: v for k, v in document.data.items() if k != "extends"}
        chain.append((key, Document(data, document.positions), str(parent_ref)))
        name = shown_path(current)
        line = document.positions.get(("extends",), (name, 1))[1]
        if not isinstance(parent_ref, str) or not parent_ref.strip():
            raise SpecError(
                name,
                f"got {parent_ref!r}; allowed: a spec file path (relative "
                "to this spec) or a shipped model name",
                line=line,
                field="extends",
            )
        if len(chain) >= MAX_EXTENDS_CHAIN:
            first = chain[0][1]
            raise SpecError(
                shown_path(path),
                f"starts an extends chain of more than "
                f"{MAX_EXTENDS_CHAIN} files ({shown_path(path)} -> "
                f"... -> {name} -> {parent_ref}); allowed: at "
                f"most {MAX_EXTENDS_CHAIN}",
                line=first.positions.get(("extends",), ("", None))[1],
                field="extends",
            )
        parent_path = resolve_ref(parent_ref, relative_to=current)
        if _exists(parent_path) and parent_path.resolve() in seen:
            cycle = " -> ".join(shown_path(p) for p in (*seen, parent_path.resolve()))
            raise SpecError(
                name,
                f"{parent_ref!r} makes an extends cycle ({cycle}); allowed: "
                "a parent that does not extend this spec, directly or "
                "through its own parents",
                line=line,
                field="extends",
            )
        if not _exists(parent_path) or parent_path.is_dir():
            names = ", ".join(shipped_configs())
            what = (
                "is a directory, not a spec file"
                if _exists(parent_path)
                else "is neither a file (relative to this spec) nor a shipped model"
            )
            raise SpecError(
                name,
                f"{parent_ref!r} {what}; allowed: a spec file path or a shipped model ({names})",
                line=line,
                field="extends",
            )
        current = parent_path


def _merged_chain(chain: list[tuple[tuple[Path, str], Document, str | None]]) -> Document:
    """The chain's documents merged, root parent first. Merging builds new mappings, but values
    are shared with the parsed documents, which are cached: nothing may change the result."""
    document = chain[-1][1]
    for _, child, parent_ref in reversed(chain[:-1]):
        assert parent_ref is not None
        document = _merge(document, child, parent_ref)
    return document


def load_document(path: Path) -> Document:
    """Parse ``path`` and resolve its ``extends`` chain (relative to each file); the caller's
    own copy, free to change."""
    document = _merged_chain(_chain(path))
    return Document(
        copy.deepcopy(document.data), dict(document.positions), dict(document.inherited)
    )


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X`` (pydantic's locations do not name the non-null member)."""
    while typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            break
        annotation = members[0]
    return annotation


def _union_members(annotation: Any) -> Iterator[tuple[str | None, Any]]:
    """(tag, member) of a tagged union; untagged members yield (None, member)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        tags = [m.tag for m in metadata if isinstance(getattr(m, "tag", None), str)]
        if tags:
            yield tags[0], base
        else:
            yield from _union_members(base)
    elif origin in (typing.Union, types.UnionType):
        for member in typing.get_args(annotation):
            yield from _union_members(member)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        kind = annotation.model_fields.get("kind")
        yield (str(kind.default) if kind is not None else None), annotation
    else:
        yield None, annotation


def _walk(
    loc: tuple[str | int, ...], root: type[BaseModel] = ArchitectureSpec
) -> tuple[tuple[str | int, ...], Any]:
    """Follow pydantic's error location through the schema of ``root``: the document path
    (union tags dropped) and the annotation reached (``None`` once the location leaves the
    schema)."""
    current: Any = root
    path: list[str | int] = []
    for part in loc:
        current = _unwrap(current)
        if current is None:
            path.append(part)
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            path.append(part)
            current = info.annotation if info is not None else None
        elif typing.get_origin(current) is list and isinstance(part, int):
            path.append(part)
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict and isinstance(part, str):
            path.append(part)
            current = typing.get_args(current)[1]
        else:
            members = {tag: member for tag, member in _union_members(current) if tag}
            if part in members:
                current = members[str(part)]  # a union tag: not part of the document
            else:
                path.append(part)
                current = None
    return tuple(path), _unwrap(current)


def _model_at(loc: tuple[str | int, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    """The schema model that holds the last element of ``loc`` (for 'allowed fields')."""
    _, annotation = _walk(loc[:-1], root)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _describe(annotation: Any) -> str:
    """What a value of ``annotation`` looks like, in words (for "required field is missing")."""
    if annotation is int:
        return "a whole number"
    if annotation is str:
        return "text"
    if annotation is bool:
        return "true or false"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping with fields " + ", ".join(annotation.model_fields)
    if typing.get_origin(annotation) is list:
        return "a list"
    tags = sorted(tag for tag, _ in _union_members(annotation) if tag)
    if tags:
        return "a mapping with kind: one of " + ", ".join(tags)
    return "a value"


def _allowed(error: Any, root: type[BaseModel] = ArchitectureSpec) -> str:
    """What is wrong with the value at one pydantic error, and what is allowed there."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "extra_forbidden":
        model = _model_at(tuple(error["loc"]), root)
        if model is not None:
            return "unknown field; allowed here: " + ", ".join(model.model_fields)
        return "unknown field"
    if kind == "missing":
        _, annotation = _walk(tuple(error["loc"]), root)
        return f"required field is missing; allowed: {_describe(annotation)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "greater_than_equal": ">=",
            "greater_than": ">",
            "less_than_equal": "<=",
            "less_than": "<",
        }[kind]
        limit = next(iter(ctx.values()))
        return f"got {error['input']!r}; allowed: a number {bound} {limit}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return (
            f"got {error['input']!r}; allowed: a whole number such as 4096 (no quotes, no exponent)"
        )
    if kind == "bool_type":
        return f"got {error['input']!r}; allowed: true or false"
    if kind in ("string_type", "str_type"):
        return f"got {error['input']!r}; allowed: a text string"
    if kind == "literal_error":
        return f"got {error['input']!r}; allowed: {ctx.get('expected')}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        _, union = _walk(tuple(error["loc"]), root)
        tags = ", ".join(sorted(tag for tag, _ in _union_members(union) if tag))
        if kind == "union_tag_not_found":
            return f"kind is missing; allowed kinds here: {tags}"
        return f"kind {ctx.get('tag')!r} is not known; allowed kinds here: {tags}"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return f"got {type(error['input']).__name__} {error['input']!r}; {error['msg'].lower()}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "too_long":
        return f"has {ctx.get('actual_length')} entries; allowed: at most {ctx.get('max_length')}"
    if kind == "finite_number":
        return f"got {error['input']!r}; allowed: a finite number (not .nan or .inf)"
    if kind == "float_type":
        return f"got {error['input']!r}; allowed: a number such as 2.5"
    if kind == "enum":
        return f"got {error['input']!r}; allowed: {ctx.get('expected')}"
    return str(error["msg"]).removeprefix("Value error, ")


def _spec_error(
    document: Document, file: str, path: tuple[str | int, ...], message: str
) -> SpecError:
    path = _written_at(document, path)
    position = None
    for cut in range(len(path), -1, -1):
        position = document.positions.get(path[:cut])
        if position is not None:
            break
    where_file, line = position if position else (file, None)
    return SpecError(where_file, message, line=line, field=_render_path(path))


def errors_at(
    path: Path,
    problems: list[tuple[tuple[str | int, ...], str]],
    noun: str = "spec",
    fields: str = SPEC_FIELDS,
    what: str = "a spec file (.yaml)",
) -> SpecErrors:
    """``SpecErrors`` for problems found after validation in the file ``path`` (each a field
    path and a message), each at the line where that field is written."""
    _, document = read_document(path, noun, fields, what)
    return SpecErrors(
        [_spec_error(document, shown_path(path), where, message) for where, message in problems]
    )


def _written_at(document: Document, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """``path``, or where its value was written when it was inherited from a layer template
    (followed through a chain of templates: the inheritance has no cycles)."""
    for _ in range(MAX_TEMPLATE_CHAIN + 1):
        for cut in range(len(path), 0, -1):
            origin = document.inherited.get(path[:cut])
            if origin is not None:
                path = (*origin, *path[cut:])
                break
        else:
            return path
    return path


Root = typing.TypeVar("Root", bound=BaseModel)


def validate_model(root: type[Root], document: Document, file: str) -> Root:
    """``root`` validated from ``document``, or ``SpecErrors``: every problem, each at the
    file:line where the value was written, with its field path and what is allowed there."""
    try:
        return root.model_validate(document.data)
    except ValidationError as error:
        errors = []
        for item in error.errors(include_url=False):
            path, _ = _walk(tuple(item["loc"]), root)
            if item["type"] in ("union_tag_invalid", "union_tag_not_found"):
                path = (*path, "kind")
            errors.append(_spec_error(document, file, path, _allowed(item, root)))
        raise SpecErrors(_dedupe(errors)) from None


def resolve_templates(document: Document, file: str) -> Document:
    """``document`` with its layer templates' ``extends`` resolved (``resolve_template_extends``),
    each inherited value remembered with where it was written, so a problem in it is reported
    once, at that line."""
    templates = document.data.get("layer_templates")
    if not isinstance(templates, dict) or not any(
        isinstance(t, dict) and "extends" in t for t in templates.values()
    ):
        return document
    inherited: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}
    try:
        resolved = resolve_template_extends(templates, inherited)
    except TemplateError as error:
        raise SpecErrors(
            [_spec_error(document, file, ("layer_templates", error.name, "extends"), str(error))]
        ) from None
    return Document(
        {**document.data, "layer_templates": resolved},
        document.positions,
        {**document.inherited, **inherited},
    )


def validate_document(document: Document, file: str) -> Architecture:
    """Validate a parsed document into an ``Architecture`` or raise ``SpecErrors``."""
    document = resolve_templates(document, file)
    spec = validate_model(ArchitectureSpec, document, file)
    architecture, problems = expand(spec)
    if architecture is None:
        raise SpecErrors([_spec_error(document, file, p.path, p.message) for p in problems])
    return architecture


def _dedupe(errors: list[SpecError]) -> list[SpecError]:
    unique: dict[str, SpecError] = {}
    for error in errors:
        unique.setdefault(str(error), error)
    return list(unique.values())


_VALIDATED: dict[tuple[Any, ...], Any] = {}
"""Validated files by root model and the (resolved path, SHA-256) of every file that went into
them: each is validated once per process, and a file edited in between is read afresh."""


def load_model(
    path: Path,
    root: type[Root],
    noun: str,
    fields: str,
    what: str,
    shipped: frozenset[Path] = frozenset(),
) -> Root:
    """A file of one document kind (a hardware profile, a claims file) read, parsed and
    validated through the same path as specs: the same caps, refusals and error lines. A file
    in one of the ``shipped`` folders (resolved) is also kept across processes, as shipped
    specs are (``lccost.spec.cache``): found again by its digest, with no YAML parsed."""
    raw_text = read_text(path, MAX_SPEC_BYTES, what)
    key = (path.resolve(), _text_digest(raw_text))
    cached = _VALIDATED.get((root, key))
    if cached is None and key[0].parent in shipped:
        entry = spec_cache.recall(key, root)
        cached = None if entry is None else entry[1]
    if cached is None:
        document = _document(path, raw_text, key, noun, fields)  # the text read above
        cached = validate_model(root, document, shown_path(path))
        if key[0].parent in shipped:
            spec_cache.keep(((*key, None),), cached)
    _remember(_VALIDATED, (root, key), cached)
    assert isinstance(cached, root)
    return cached


@functools.cache
def _shipped_dirs() -> frozenset[Path]:
    return frozenset(d.resolve() for d in CONFIG_DIRS)


def load_spec(path: Path) -> Architecture:
    """A spec file and its ``extends`` parents, validated and expanded once per content."""
    recalled = _recall_shipped(path)
    if recalled is not None:
        return recalled
    chain = _chain(path)
    files = tuple(k for k, _, _ in chain)
    key = (Architecture, *files)
    cached = _VALIDATED.get(key)
    if cached is None:
        cached = validate_document(_merged_chain(chain), shown_path(path))
        # Shipped specs are also kept across processes (lccost.spec.cache): a cold start
        # neither validates them again nor parses their YAML.
        if all(p.parent in _shipped_dirs() for p, _ in files):
            links = tuple((p, digest, ref) for (p, digest), _, ref in chain)
            _remember(_CHAINS, links[0][:2], links)
            spec_cache.keep(links, cached)
        _remember(_VALIDATED, key, cached)
    assert isinstance(cached, Architecture)
    return cached


_CHAINS: dict[tuple[Path, str], spec_cache.Chain] = {}
"""The ``extends`` chain of each shipped spec validated or recalled in this process, by the
spec file's (resolved path, SHA-256)."""


def _recall_shipped(path: Path) -> Architecture | None:
    """A shipped spec validated before, in this process or kept by ``lccost.spec.cache``, found
    without parsing YAML: the spec file's digest names its chain, and every file of the chain
    must still have its digest and every ``extends`` still resolve to the same file. ``None``
    when not (never kept, edited, not shipped, unreadable): the caller loads it in full, which
    also reports any problem."""
    try:
        resolved = path.resolve()
        if resolved.parent not in _shipped_dirs():
            return None
        first = (resolved, _text_digest(read_spec_text(path)))
    except (OSError, ValueError, SpecError):
        return None
    chain = _CHAINS.get(first)
    if chain is not None:  # seen in this process: its result is normally still held
        files = _unchanged(path, chain)
        cached = None if files is None else _VALIDATED.get((Architecture, *files))
        if cached is not None:
            assert files is not None and isinstance(cached, Architecture)
            return _held(first, chain, files, cached)
    entry = spec_cache.recall(first, Architecture)
    if entry is None:
        return None
    chain, kept = entry
    files = _unchanged(path, chain)
    return None if files is None else _held(first, chain, files, kept)


def _held(
    first: tuple[Path, str],
    chain: spec_cache.Chain,
    files: tuple[tuple[Path, str], ...],
    architecture: Architecture,
) -> Architecture:
    """``architecture`` remembered for this process: by its chain, and by the spec file."""
    _remember(_CHAINS, first, chain)
    _remember(_VALIDATED, (Architecture, *files), architecture)
    return architecture


def _text_digest(text: str) -> str:
    """The SHA-256 that names a file's text (``read_document``'s key)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _unchanged(path: Path, chain: spec_cache.Chain) -> tuple[tuple[Path, str], ...] | None:
    """The (resolved path, SHA-256) of each file of ``chain`` if it still holds starting at
    ``path`` (followed as ``_chain`` follows it: each ``extends`` resolved relative to the
    file as reached, not as resolved), else ``None``."""
    files: list[tuple[Path, str]] = []
    current = path
    try:
        for index, (resolved, digest, parent_ref) in enumerate(chain):
            if current.resolve() != resolved:
                return None
            if index and _text_digest(read_spec_text(current)) != digest:
                return None
            files.append((resolved, digest))
            if parent_ref is None:
                return tuple(files) if index == len(chain) - 1 else None
            current = resolve_ref(parent_ref, relative_to=current)
    except (OSError, ValueError, SpecError):
        return None
    return None


def model_path(ref: str | Path) -> Path:
    """The file a model reference names (a path or a shipped name), checked to exist: a spec
    (.yaml) or a config.json."""
    path = resolve_ref(ref) if isinstance(ref, str) else ref
    check_path_name(path, "a spec file (.yaml), a config.json or a shipped model name")
    if not _exists(path):
        from lccost.names import did_you_mean

        names = ", ".join(shipped_configs()) or "none found"
        raise SpecError(
            shown_path(ref),
            f"is neither a spec file nor a shipped model"
            f"{did_you_mean(str(ref), shipped_specs())}; allowed: a "
            f"spec file path or a shipped model ({names}, or a "
            "variant listed by `lccost list`)",
        )
    return path


def load_architecture(ref: str | Path) -> Architecture:
    """Load a spec by path or shipped name, resolving ``extends``, validated and expanded."""
    path = model_path(ref)
    if path.suffix == ".json":
        # The importer sits above the loader (it validates through it); lccost.api.load reads
        # a config.json.
        raise SpecError(
            str(path),
            "is a config.json; import it with lccost.api.load or "
            "`lccost import-hf`, or write a YAML spec",
        )
    return load_spec(path)
