"""The published claims hold (or keep their pinned, explained deviation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli

from lccost.claims import Outcome, check_claims


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    return {o.claim.id: o for o in check_claims()}


def test_every_claim_holds(outcomes: dict[str, Outcome]) -> None:
    failing = {k: float(o.computed) for k, o in outcomes.items() if not o.passed}
    assert failing == {}


@pytest.mark.parametrize(
    "claim_id",
    [
        "gemma-4-e2b-kv-sharing-saves-2.7gb",
        "gemma-4-e4b-kv-sharing-saves-6gb",
        "deepseek-v4-pro-27pct-flops",
        "deepseek-v4-pro-10pct-kv",
        "deepseek-v4-flash-10pct-flops",
        "deepseek-v4-flash-7pct-kv",
        "gemma-4-e2b-5.1b-with-embeddings",
        "gemma-4-e4b-4.5b-effective",
        "laguna-xs.2-8-heads-per-kv-sliding",
        "laguna-xs.2-6-heads-per-kv-global",
    ],
)
def test_seed_claims_pass_without_deviation(outcomes: dict[str, Outcome], claim_id: str) -> None:
    outcome = outcomes[claim_id]
    assert outcome.claim.known_deviation is None
    assert outcome.passed


def test_gemma_preset_savings_are_the_sources_arithmetic(outcomes: dict[str, Outcome]) -> None:
    # gemma4.md §3: 20 reusing layers x 1,024 B (1 head x 256 x K,V x 2 B) x 131,072 tokens
    assert outcomes["gemma-4-e2b-kv-sharing-saves-2.7gb"].computed * 10**9 == 20 * 1024 * 131072
    # 18 reusing layers x 2,560 B (2 heads x 320 x K,V x 2 B) x 131,072 tokens
    assert outcomes["gemma-4-e4b-kv-sharing-saves-6gb"].computed * 10**9 == 18 * 2560 * 131072


def test_halving_claims_are_exactly_four_and_three_sevenths(outcomes: dict[str, Outcome]) -> None:
    assert outcomes["gemma-4-e2b-kv-sharing-halves-cache"].computed == pytest.approx(400 / 7)
    assert outcomes["gemma-4-e4b-kv-sharing-halves-cache"].computed == pytest.approx(300 / 7)


def test_a_regressed_claim_fails_the_command(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parent.parent / "configs"
    text = (
        (shipped / "claims.yaml")
        .read_text()
        .replace(
            'published: {value: 27, unit: "%", precision: 1}',
            'published: {value: 20, unit: "%", precision: 1}',
        )
    )
    (tmp_path / "claims.yaml").write_text(text)
    (tmp_path / "variants").symlink_to(shipped / "variants")
    code, _out, err = run_cli(["claims", "--file", str(tmp_path / "claims.yaml"), "-f", "json"])
    assert code == 1
    assert "deepseek-v4-pro-27pct-flops" in err
