"""The README cannot drift: its generated lists match the code, each of its commands runs, and
in an 80-column terminal and when piped none of them cuts a number."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_cli
from readme_blocks import GENERATED, README, ROOT, Example, examples, generated_block

ELLIPSIS = "\u2026"

EXAMPLES = examples()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_readme_lists_match_the_code(name: str) -> None:
    # Regenerate with: python tests/readme_blocks.py
    assert generated_block(README.read_text(), name) == GENERATED[name]()


def test_readme_examples_are_found() -> None:
    # The Tour alone has seven commands; the set-up line one, the fit and validate examples two.
    assert len(EXAMPLES) >= 10
    assert any(e.args[:1] == ["fit"] and e.shown for e in EXAMPLES)


def _terminal(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    if mode == "terminal-80":  # rich reads these when a console is made
        monkeypatch.setenv("TTY_COMPATIBLE", "1")
        monkeypatch.setenv("COLUMNS", "80")
    else:
        monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
        monkeypatch.delenv("COLUMNS", raising=False)


@pytest.mark.parametrize("mode", ["terminal-80", "piped"])
@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if not e.needs_shell], ids=lambda e: e.shell[:60]
)
def test_readme_command_runs_and_keeps_every_digit(
    example: Example, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _terminal(monkeypatch, mode)
    code, out, err = run_cli(example.args)
    expects_error = any(line.startswith("Error:") for line in example.shown)
    assert code == (1 if expects_error else 0), err
    assert ELLIPSIS not in out + err
    if mode == "terminal-80":
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        table_lines = [line for line in plain.splitlines() if set(line) & set("│┃━─")]
        assert max(map(len, table_lines), default=0) <= 80
    if example.shown:  # what the README shows is what the command prints, line for line
        printed = (err if expects_error else out).splitlines()
        assert printed[: len(example.shown)] == list(example.shown)


def test_readme_shell_command_runs(tmp_path: Path) -> None:
    """The figure's command (a shell substitution), with the figure written to a temporary
    file: lccost and python from this interpreter."""
    pytest.importorskip("matplotlib")
    (example,) = [e for e in EXAMPLES if e.needs_shell]
    target = tmp_path / "kv.svg"
    shell = (
        example.shell.replace("docs/kv-cache-vs-context.png", str(target))
        .replace("python -c", f"{sys.executable} -c")
        .replace("lccost ", f"{sys.executable} -m lccost ")
    )
    done = subprocess.run(
        ["bash", "-c", shell],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 0
    assert ELLIPSIS not in done.stdout
    # one series per shipped model, no variants
    from lccost.spec.loader import shipped_configs

    assert f"{len(shipped_configs())} series" in done.stderr


def test_readme_python_example_runs() -> None:
    block = re.search(r"```python\n(.*?)```", README.read_text(), re.S)
    assert block is not None and "lccost.compare(" in block.group(1)
    namespace: dict[str, object] = {}
    exec(block.group(1), namespace)  # our own README's example
    report = namespace["report"]
    assert [r.model for r in report.results] == ["gemma-4-e2b", "deepseek-v4-pro"]  # type: ignore[attr-defined]


def test_readme_gemma_cache_figures_are_what_lccost_prints() -> None:
    sentence = re.search(r"Gemma 4 E2B at 128K holds (.*?)\.\n", README.read_text(), re.S)
    assert sentence is not None and "Gemma 4 E2B at 128K" in sentence.group(0)
    stated = {
        mode: value
        for value, mode in re.findall(r"([\d,.]+) MB\s+under\s+`([a-z-]+)`", sentence.group(1))
    }
    assert set(stated) == {"reference", "vllm", "llamacpp", "full-context"}
    for mode, value in stated.items():
        _code, out, _ = run_cli(
            ["compare", "gemma-4-e2b", "-c", "128k", "--accounting", mode, "-f", "csv"]
        )
        (row,) = csv.DictReader(io.StringIO(out))
        assert f"{int(row['kv_cache_bytes']) / 1e6:,.3f}" == value
