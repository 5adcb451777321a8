"""The README's generated parts and its commands, read from the README itself.

``python tests/readme_blocks.py`` rewrites the generated parts (between ``<!-- NAME:start -->``
and ``<!-- NAME:end -->``); ``test_readme.py`` fails when they drift from the code.
"""

from __future__ import annotations

import re
import shlex
import typing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def command_list() -> str:
    """One line per CLI command: its name and the first sentence of its help."""
    import typer

    from lccost.cli.app import get_app

    group = typer.main.get_command(get_app())
    lines = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        first = (command.help or "").split("\n\n")[0].replace("\n", " ")
        sentence = re.split(r"(?<=\.)\s", first)[0].rstrip(".")
        lines.append(f"- `lccost {name}`: {sentence}.")
    return "\n".join(lines)


def _kinds(union: object) -> list[str]:
    members = typing.get_args(typing.get_args(union)[0])
    return [typing.get_args(m.model_fields["kind"].annotation)[0] for m in members]


def mechanism_list() -> str:
    """The ``kind:`` values of every attention mechanism and feed-forward block."""
    from lccost.mechanisms import AttentionSpec, FeedForwardSpec

    return (
        f"- attention: {', '.join(f'`{k}`' for k in _kinds(AttentionSpec))}\n"
        f"- feed-forward: {', '.join(f'`{k}`' for k in _kinds(FeedForwardSpec))}"
    )


GENERATED = {"commands": command_list, "mechanisms": mechanism_list}


def generated_block(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert match is not None, f"README.md has no <!-- {name}:start/end --> markers"
    return match.group(1).rstrip("\n")


def regenerate(text: str) -> str:
    for name, make in GENERATED.items():
        start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        text = before + start + make() + "\n" + end + after
    return text


@dataclass(frozen=True)
class Example:
    """A README command: its words, the shell text, and the output the README shows (if any)."""

    shell: str
    shown: tuple[str, ...] = ()

    @property
    def args(self) -> list[str]:
        return shlex.split(self.shell)[1:]

    @property
    def needs_shell(self) -> bool:
        return "$(" in self.shell or "|" in self.shell


def examples(text: str | None = None) -> list[Example]:
    """Every ``lccost`` command in the README's code blocks: lines of ```bash blocks (with
    ``\\`` continuations joined, comments dropped, ``&&`` chains split) and ``$ lccost`` lines
    of plain blocks, with the output lines shown under them."""
    text = README.read_text() if text is None else text
    found = []
    for language, body in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
        if language == "bash":
            joined = re.sub(r"\\\n\s*", " ", body)
            for line in joined.splitlines():
                line = re.sub(r"\s+#.*$", "", line).strip()
                for part in (p.strip() for p in line.split("&&")):
                    if part.startswith("lccost "):
                        found.append(Example(part))
        elif language == "":
            lines = body.splitlines()
            for i, line in enumerate(lines):
                if line.startswith("$ lccost "):
                    shown = []
                    for after in lines[i + 1 :]:
                        if after.startswith("$ "):
                            break
                        shown.append(after)
                    found.append(Example(line[2:], tuple(shown)))
    return found


if __name__ == "__main__":
    README.write_text(regenerate(README.read_text()))
