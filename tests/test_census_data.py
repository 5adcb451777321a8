"""The committed census (tests/data/census.json) has no wrong row, and the documents generated
from it (docs/coverage.md, README's family list) have not drifted from it.

The census itself runs transformers (``python -m lccost.hf.census --write``, the ``reference``
extra); tests/reference/test_census_live.py re-runs a representative subset live.
"""

from __future__ import annotations

import json
from pathlib import Path

from lccost.hf import supported_model_types
from lccost.hf.census import coverage_markdown, readme_block, type_verdicts

# The checkout's files, not the installed package's neighbours: CI installs lccost as a wheel.
REPO = Path(__file__).resolve().parent.parent
CENSUS_JSON = REPO / "tests" / "data" / "census.json"
COVERAGE_MD = REPO / "docs" / "coverage.md"
README_MD = REPO / "README.md"

CENSUS = json.loads(CENSUS_JSON.read_text())


def test_census_records_the_versions_it_ran_against() -> None:
    assert CENSUS["transformers"] == "5.23.0"
    assert CENSUS["torch"].startswith("2.13.0")
    assert CENSUS["date"]


def test_no_census_row_is_wrong() -> None:
    wrong = [
        (r["model_type"], r["variant"], r.get("reason", ""))
        for r in CENSUS["rows"]
        if r["verdict"] == "wrong"
    ]
    assert wrong == []


def test_every_refused_row_names_its_reason() -> None:
    for row in CENSUS["rows"]:
        if row["verdict"] in ("refused", "unbuildable"):
            assert row.get("reason"), row


def test_every_family_module_has_an_exact_census_row() -> None:
    verdicts = type_verdicts(CENSUS["rows"])
    assert {t: verdicts.get(t) for t in supported_model_types() if verdicts.get(t) != "exact"} == {}


def test_every_family_has_a_non_default_variant_or_is_covered_by_its_default() -> None:
    # A family module imports at least its default config exactly; those with variants in the
    # census were also checked off their defaults (per-layer overrides, aliases, windows).
    variants = {r["model_type"] for r in CENSUS["rows"] if r["variant"] != "default"}
    assert {"gemma4_text", "qwen3_moe", "llama", "mistral", "qwen2"} <= variants


def test_coverage_md_is_generated_from_the_census() -> None:
    assert COVERAGE_MD.read_text() == coverage_markdown(CENSUS), (
        "docs/coverage.md drifted: run python -m lccost.hf.census --render"
    )


def test_readme_lists_the_families_the_census_found_exact() -> None:
    assert readme_block(CENSUS) in README_MD.read_text(), (
        "README's family list drifted: run python -m lccost.hf.census --render"
    )
