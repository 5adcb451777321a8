"""YAML 1.2 core-schema parsing with positions: one document, a mapping, each value's line.

PyYAML's parser events, not its node graph or its YAML 1.1 resolver: only ``true``/``false``
are booleans (``yes`` and ``on`` stay strings), ``1e6`` is a float (and so not a valid integer
field), and a leading zero (``017``: octal in 1.1, 17 in 1.2) is refused rather than guessed.
Integers may group digits with ``_`` and are at most 2^63 - 1. Anchors, aliases and explicit
tags are refused before anything is expanded, which also closes the "billion laughs" attack.
Nesting is bounded (``MAX_DEPTH``). Imported by ``lccost.spec.loader`` only when a file has to
be parsed: a cold start that finds its specs in ``lccost.spec.cache`` imports no YAML library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from lccost.errors import SpecError
from lccost.spec.document import (
    MAX_DEPTH,
    MAX_INT,
    MAX_INT_DIGITS,
    SPEC_FIELDS,
    Document,
    Position,
    render_path,
)

_MISSING = object()


def _int(text: str) -> int:
    digits = text.replace("_", "")
    if len(digits.lstrip("+-")) > 1 and digits.lstrip("+-").startswith("0"):
        shown = text if len(text) <= 30 else text[:27] + "..."
        raise ValueError(
            f"{shown} has a leading zero (octal in YAML 1.1, decimal in YAML 1.2); "
            "allowed: a whole number without leading zeros"
        )
    if len(digits.lstrip("+-").lstrip("0")) > MAX_INT_DIGITS or abs(int(digits)) > MAX_INT:
        shown = text if len(text) <= 30 else text[:27] + "..."
        raise ValueError(
            f"{shown} is too large; allowed: whole numbers up to {MAX_INT:,} (2^63 - 1)"
        )
    return int(digits)


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    if lowered == ".nan":
        return float("nan")
    return float(text)


_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": _int,
    "tag:yaml.org,2002:float": _float,
    "tag:yaml.org,2002:bool": lambda text: text.lower() == "true",
    "tag:yaml.org,2002:null": lambda text: None,
}


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars (PyYAML resolves YAML 1.1's ``yes``, ``017``, ``1_0``...)."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?[0-9][0-9_]*$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    _Resolver.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


_ANCHOR_HELP = (
    "YAML anchors (&name) and aliases (*name) are not supported; write the value "
    "out (a spec can use layer_templates and extends)"
)


class _PurePythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


_FastParser: Any
try:
    from yaml._yaml import CParser as _FastParser  # libyaml: about 10x faster
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _FastParser = _PurePythonParser

SYNTAX_RECHECK_BYTES = 50_000
"""A syntax error found by libyaml is re-parsed by PyYAML's own parser, which emits events more
lazily and so knows which field it was in, for files up to this size."""


class _SyntaxProblem(Exception):
    def __init__(self, error: yaml.YAMLError, near: tuple[str | int, ...]) -> None:
        super().__init__(str(error))
        self.error, self.near = error, near


@dataclass
class _Open:
    """A mapping or sequence being built, where it sits, and (mappings) the key read last."""

    value: dict[str, Any] | list[Any]
    path: tuple[str | int, ...]
    key: str | None = None
    key_line: int = 0

    def next_path(self) -> tuple[str | int, ...]:
        """The path of the value that comes next in this container."""
        if isinstance(self.value, list):
            return (*self.path, len(self.value))
        return (*self.path, self.key) if self.key is not None else self.path

    def near_path(self) -> tuple[str | int, ...]:
        """Where a syntax error found here is: the pending key, else the last one read."""
        if isinstance(self.value, dict) and self.key is None and self.value:
            return (*self.path, next(reversed(self.value)))
        return self.next_path()


_RESOLVER = _Resolver()


def parse_yaml(text: str, file: str, noun: str = "spec", fields: str = SPEC_FIELDS) -> Document:
    """Parse one YAML document that must be a mapping, recording the line of each value.

    Built from parser events, not a node graph: anchors, aliases and tags are refused where they
    appear (nothing is ever expanded), nesting is bounded without recursion, and a syntax error
    names the field the parser had reached.
    """
    try:
        return _build(_FastParser, text, file, noun, fields)
    except _SyntaxProblem as problem:
        found = problem
    if _FastParser is not _PurePythonParser and len(text) <= SYNTAX_RECHECK_BYTES:
        try:
            _build(_PurePythonParser, text, file, noun, fields)
        except _SyntaxProblem as closer:
            found = closer
    error = found.error
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        column = f" (column {mark.column + 1})" if mark else ""
        what = error.problem or error.context or "invalid YAML"
        raise SpecError(
            file,
            f"is not valid YAML{column}: {what}; a {noun} is a YAML mapping of field: value lines",
            line=mark.line + 1 if mark else None,
            field=render_path(found.near) if found.near else None,
        )
    position = getattr(error, "position", None)
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
    reason = getattr(error, "reason", None) or str(error)
    raise SpecError(file, f"is not valid YAML: {reason}; write plain UTF-8 text", line=line)


def _build(parser_class: Any, text: str, file: str, noun: str, fields: str) -> Document:
    positions: dict[tuple[str | int, ...], Position] = {}
    open_: list[_Open] = []
    root: Any = _MISSING
    documents = 0
    try:
        parser = parser_class(text)  # PyYAML's reader checks the characters here
    except yaml.YAMLError as error:
        raise _SyntaxProblem(error, ()) from None
    try:
        while True:
            event = parser.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise SpecError(
                        file,
                        f"holds more than one YAML document (---); a {noun} is one mapping",
                        line=_line(event),
                    )
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                open_.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue  # stream start, document end
            line = _line(event)
            parent = open_[-1] if open_ else None
            if parent is not None and isinstance(parent.value, dict) and parent.key is None:
                parent.key, parent.key_line = _key(event, parent, file, line), line
                continue
            path = parent.next_path() if parent else ()
            value = _value(event, path, file, line)
            if parent is None:
                root = value
                positions[path] = (file, line)
            elif isinstance(parent.value, list):
                parent.value.append(value)
                positions[path] = (file, line)
            else:
                assert parent.key is not None
                parent.value[parent.key] = value
                positions[path] = (file, parent.key_line)
                parent.key = None
            if isinstance(event, yaml.CollectionStartEvent):
                open_.append(_Open(value, path))
    except yaml.YAMLError as error:
        raise _SyntaxProblem(error, open_[-1].near_path() if open_ else ()) from None
    finally:
        parser.dispose()
    if root is _MISSING or root is None:
        raise SpecError(file, f"is empty; a {noun} is a mapping with {fields}", line=1)
    if not isinstance(root, dict):
        raise SpecError(
            file,
            f"must be a mapping of fields ({fields}, ...), not a {type(root).__name__}",
            line=positions[()][1],
        )
    return Document(root, positions)


def _line(event: yaml.Event) -> int:
    """The 1-based line where ``event`` starts (parsers always mark their events)."""
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 1


def _resolve_scalar(value: str, implicit: tuple[bool, bool]) -> str:
    """The YAML 1.2 core-schema tag of a plain scalar (``_Resolver``)."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    return tag


def _refusal(event: Any) -> str | None:
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
        return _ANCHOR_HELP
    tag = getattr(event, "tag", None)
    if tag is not None:  # "!" included: libyaml would then resolve "! 4096" as an int
        return (
            f"YAML tag {tag!r} is not supported; write a plain number, string, true/false or null"
        )
    return None


def _key(event: Any, mapping: _Open, file: str, line: int) -> str:
    """The field name a key event gives, or a ``SpecError``."""
    where = render_path(mapping.path)
    refused = _refusal(event)
    if refused is not None:
        raise SpecError(file, refused, line=line, field=where)
    if (
        not isinstance(event, yaml.ScalarEvent)
        or _resolve_scalar(event.value, event.implicit) != "tag:yaml.org,2002:str"
    ):
        shown = event.value if isinstance(event, yaml.ScalarEvent) else "[...]"
        raise SpecError(
            file,
            f"mapping keys must be field names (plain text), not {shown!r}",
            line=line,
            field=where,
        )
    assert isinstance(mapping.value, dict)
    if event.value in mapping.value:
        raise SpecError(
            file,
            "is given twice in the same mapping; give each field once",
            line=line,
            field=render_path((*mapping.path, event.value)),
        )
    return str(event.value)


def _value(event: Any, path: tuple[str | int, ...], file: str, line: int) -> Any:
    """The Python value a node event starts: a scalar, or an empty dict/list to fill."""
    refused = _refusal(event)
    if refused is not None:
        raise SpecError(file, refused, line=line, field=render_path(path))
    if len(path) > MAX_DEPTH:
        raise SpecError(
            file,
            f"nests more than {MAX_DEPTH} levels deep; allowed: at most {MAX_DEPTH} levels",
            line=line,
            field=render_path(path),
        )
    if isinstance(event, yaml.MappingStartEvent):
        return {}
    if isinstance(event, yaml.SequenceStartEvent):
        return []
    tag = _resolve_scalar(event.value, event.implicit)
    try:
        return _SCALARS[tag](event.value)
    except ValueError as error:
        raise SpecError(file, str(error), line=line, field=render_path(path)) from None
