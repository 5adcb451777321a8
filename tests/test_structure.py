"""The CLI only parses and prints: one API call per command, rendering in render/, each
rendering written once."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lccost"


def _sources(folder: str = "") -> dict[str, str]:
    return {
        str(p.relative_to(PACKAGE)): p.read_text() for p in sorted((PACKAGE / folder).rglob("*.py"))
    }


def test_a_report_is_put_together_in_one_place() -> None:
    where = {
        name: len(re.findall(r"(?<!class )\bReport\(", text)) for name, text in _sources().items()
    }
    assert {name: n for name, n in where.items() if n} == {"report.py": 1}


def test_one_markdown_table_writer() -> None:
    # every command's Markdown output (lccost/hf/census.py writes a document, docs/coverage.md,
    # with its own tables: not a command's output)
    where = {
        name: len(re.findall(r"---:?\|", text))
        for name, text in _sources().items()
        if not name.startswith("hf/")
    }
    assert {name: n for name, n in where.items() if n} == {"render/formats.py": 2}
    assert not any("---|" in text for text in _sources("cli").values())


def test_the_cli_neither_costs_nor_draws() -> None:
    for name, text in _sources("cli").items():
        assert "lccost.engine" not in text, name  # costs come from one lccost.api call
        assert "cost_result" not in text and "Conventions(" not in text, name
        # tables, explanations and claims are drawn by lccost.render
        assert not re.search(r"(from|import) rich", text), name
