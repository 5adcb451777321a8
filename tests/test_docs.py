"""README's set-up commands are what CI runs, and every command teaches through --help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent


def readme_setup_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert block is not None, "README.md must open with a bash block of set-up commands"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_install_and_test_commands() -> None:
    install, tests = readme_setup_commands()
    assert "pip install ." in install and "lccost compare" in install
    assert "pytest" in tests


def test_ci_runs_exactly_the_readme_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in readme_setup_commands():
        assert command in ci


def _commands() -> list[str]:
    import typer

    from lccost.cli.app import get_app

    return list(typer.main.get_command(get_app()).commands)  # type: ignore[attr-defined]


def test_every_command_is_tested_for_help() -> None:
    assert len(_commands()) >= 11  # list validate show compare sweep claims import-hf verify
    # fit hardware schema


@pytest.mark.parametrize("command", _commands())
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_has_help(command: str, flag: str) -> None:
    code, out, _ = run_cli([command, flag])
    assert code == 0
    assert "Usage:" in out and len(out.splitlines()) > 5
    assert "Example" in out or "--" in out


def test_changelog_follows_keep_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text and "keepachangelog.com" in text


def test_readme_lists_every_shipped_specs_layer_templates() -> None:
    """The README's template table is what the shipped specs define (after ``extends``), in
    the order each file writes them."""
    from lccost.spec.loader import load_document, shipped_configs

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- templates:start[^>]*-->\n(.*?)<!-- templates:end -->", readme, re.S)
    assert block is not None, "README.md must hold the generated layer-template table"
    rows = ["| model | layer templates |", "|---|---|"]
    for name, path in shipped_configs().items():
        templates = load_document(path).data.get("layer_templates", {})
        rows.append(f"| {name} | {', '.join(f'`{t}`' for t in templates)} |")
    assert block.group(1).splitlines() == rows, "\n".join(rows)
