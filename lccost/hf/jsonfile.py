"""Read a config.json strictly: bounded, with the line of every key, and every problem listed.

Python's ``json`` module keeps the last of two equal keys, recurses once per nesting level (100k
``[`` raise ``RecursionError``), reads ``NaN`` and integers of any size, and forgets where a value
was written. This reader refuses each of those and records the 1-based line of every key, by
field path (``("text_config", "head_dim")``), so an error can point at the field.

Limits: the file must be a regular file (``/dev/zero`` and FIFOs are never read) of at most
``MAX_CONFIG_BYTES``, nest at most ``MAX_DEPTH`` levels, and hold integers of at most 2^63 - 1
(``lccost.spec.loader.MAX_INT``, the bound YAML specs have).
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass, field
from json import decoder
from pathlib import Path
from typing import Any

from lccost.errors import SpecError, SpecErrors
from lccost.spec.loader import MAX_INT

MAX_CONFIG_BYTES = 4_000_000
"""Larger than any config.json (the largest carry per-layer lists of a few hundred entries)."""

MAX_DEPTH = 32
"""Deeper nesting than any config.json has (rope parameters per layer type nest 3 levels)."""

MAX_NUMBER_CHARS = 64
"""A longer number literal is no config value (and Python's int-from-text limit stays far)."""

Path_ = tuple[str | int, ...]


@dataclass
class JsonConfig:
    """A parsed config.json object, the line of each key (by field path), and its file name."""

    data: dict[str, Any]
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """The line of ``path``, or of the nearest enclosing field that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.text, self.file = text, file
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[Path_, int] = {}
        self.problems: list[SpecError] = []

    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self.newlines, pos - 1) + 1

    def fail(self, pos: int, message: str) -> SpecError:
        return SpecError(self.file, f"is not valid JSON: {message}", line=self.line_at(pos))

    def skip(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        assert match is not None
        return match.end()

    def value(self, pos: int, path: Path_) -> tuple[Any, int]:
        pos = self.skip(pos)
        if len(path) > MAX_DEPTH:
            raise self.fail(
                pos, f"nests more than {MAX_DEPTH} levels deep; a config.json nests a few"
            )
        if pos >= len(self.text):
            raise self.fail(pos, "the text ends where a value is expected")
        char = self.text[pos]
        if char == "{":
            return self.object(pos + 1, path)
        if char == "[":
            return self.array(pos + 1, path)
        if char == '"':
            return self.string(pos + 1)
        for word, constant in _LITERALS.items():
            if self.text.startswith(word, pos):
                return constant, pos + len(word)
        match = _NUMBER.match(self.text, pos)
        if match is None or match.end() == pos:
            shown = self.text[pos : pos + 12].split("\n")[0]
            raise self.fail(
                pos, f"unexpected {shown!r} (NaN, Infinity and bare words are not JSON)"
            )
        literal = match.group()
        if len(literal) > MAX_NUMBER_CHARS:
            raise self.fail(
                pos,
                f"a number of {len(literal)} characters; allowed: whole numbers "
                f"up to {MAX_INT:,} or ordinary decimals",
            )
        if match.group(1) or match.group(2):
            number = float(literal)
            if number in (float("inf"), float("-inf")):
                self.problems.append(self.field_error(path, pos, f"{literal} overflows a float"))
            return number, match.end()
        integer = int(literal)
        if abs(integer) > MAX_INT:
            self.problems.append(
                self.field_error(
                    path,
                    pos,
                    f"{literal} is too large; allowed: whole numbers up to {MAX_INT:,} (2^63 - 1)",
                )
            )
        return integer, match.end()

    def field_error(self, path: Path_, pos: int, message: str) -> SpecError:
        name = ".".join(str(p) for p in path) or None
        return SpecError(self.file, message, line=self.line_at(pos), field=name)

    def string(self, pos: int) -> tuple[str, int]:
        try:
            text, end = decoder.scanstring(self.text, pos, True)  # type: ignore[attr-defined]
            return str(text), int(end)
        except ValueError as error:
            raise self.fail(pos, str(error).split(":")[0]) from None

    def object(self, pos: int, path: Path_) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        pos = self.skip(pos)
        if self.text.startswith("}", pos):
            return result, pos + 1
        while True:
            pos = self.skip(pos)
            if not self.text.startswith('"', pos):
                raise self.fail(pos, "expected a quoted key")
            key_pos = pos
            key, pos = self.string(pos + 1)
            pos = self.skip(pos)
            if not self.text.startswith(":", pos):
                raise self.fail(pos, f"expected ':' after the key {key!r}")
            here = (*path, key)
            value, pos = self.value(pos + 1, here)
            if key in result:
                first = self.lines.get(here)
                self.problems.append(
                    self.field_error(
                        here,
                        key_pos,
                        f"is given twice (first on line {first}); JSON readers keep "
                        "only one of them silently, so remove the other",
                    )
                )
            else:
                self.lines[here] = self.line_at(key_pos)
                result[key] = value
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
                continue
            if self.text.startswith("}", pos):
                return result, pos + 1
            raise self.fail(pos, "expected ',' or '}'")

    def array(self, pos: int, path: Path_) -> tuple[list[Any], int]:
        result: list[Any] = []
        pos = self.skip(pos)
        if self.text.startswith("]", pos):
            return result, pos + 1
        while True:
            value, pos = self.value(pos, (*path, len(result)))
            result.append(value)
            pos = self.skip(pos)
            if self.text.startswith(",", pos):
                pos += 1
                continue
            if self.text.startswith("]", pos):
                return result, pos + 1
            raise self.fail(pos, "expected ',' or ']'")


def parse_config_text(text: str, file: str) -> JsonConfig:
    """Parse ``text`` (a config.json) into a ``JsonConfig``; raise ``SpecError`` for invalid
    JSON, ``SpecErrors`` listing every duplicate key and out-of-range number."""
    parser = _Parser(text, file)
    data, end = parser.value(0, ())
    end = parser.skip(end)
    if end < len(text):
        raise parser.fail(end, "extra text after the JSON value")
    if len(parser.problems) == 1:
        raise parser.problems[0]
    if parser.problems:
        raise SpecErrors(parser.problems)
    if not isinstance(data, dict):
        raise SpecError(
            file, f"must be a JSON object of config fields, not a {type(data).__name__}", line=1
        )
    return JsonConfig(data, file, parser.lines)


def read_config_file(path: Path) -> JsonConfig:
    """Read and parse the config.json at ``path``: a regular UTF-8 file of at most
    ``MAX_CONFIG_BYTES`` (checked before reading, so devices and FIFOs are never opened)."""
    file = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SpecError(file, "no such file") from None
    except OSError as error:
        raise SpecError(file, f"cannot be read: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise SpecError(file, "is a directory; give its config.json")
    if not stat.S_ISREG(info.st_mode):
        raise SpecError(
            file, "is not a regular file (a device, FIFO or socket); allowed: a config.json file"
        )
    if info.st_size > MAX_CONFIG_BYTES:
        raise SpecError(
            file, f"is {info.st_size:,} bytes; a config.json is at most {MAX_CONFIG_BYTES:,} bytes"
        )
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise SpecError(file, f"cannot be read: {error.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise SpecError(file, f"is more than {MAX_CONFIG_BYTES:,} bytes; a config.json is smaller")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(file, f"is not UTF-8 text (byte {error.start})") from None
    return parse_config_text(text.removeprefix("\ufeff"), file)
