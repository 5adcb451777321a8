"""The lint gates CI runs with the suite, as subprocesses of the interpreter running pytest (both
tools come with ``.[test]``): ``ruff check`` and ``ruff format --check`` on the package, the tests
and the benchmarks, and ``mypy --strict`` on the package and the tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["lccost", "tests"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_lint_tool_is_installed(tool: str) -> None:
    # A missing tool must fail the suite, not skip it: CI would then lint nothing.
    assert _run(tool, "--version").returncode == 0, f"pip install '.[test]' installs {tool}"


def test_ruff_check_is_clean() -> None:
    result = _run("ruff", "check", *TARGETS, "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    # One layout for everyone: a branch that merges cannot bring its own alignment.
    result = _run("ruff", "format", "--check", *TARGETS, "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy", "--strict", *TARGETS)
    assert result.returncode == 0, result.stdout + result.stderr
