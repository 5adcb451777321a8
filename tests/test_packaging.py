"""The wheel holds every package of the source tree: each folder of ``lccost/`` with Python files
is a package (``__init__.py``) listed in pyproject's ``[tool.setuptools] packages``."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_source_folder_is_a_listed_package() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    folders = {
        path.parent for path in (ROOT / "lccost").rglob("*.py") if "__pycache__" not in path.parts
    }
    for folder in folders:
        # issue 16: lccost/spec had no __init__.py, invisible to package tools.
        assert (folder / "__init__.py").is_file(), f"{folder} has no __init__.py"
    packages = {".".join(folder.relative_to(ROOT).parts) for folder in folders}
    assert packages <= listed, f"not in pyproject's packages: {sorted(packages - listed)}"
