"""``sweep --points N [--linear]`` and ``--every N``: the contexts of a dense sweep."""

from __future__ import annotations

import pytest
from conftest import RunCli

from lccost.api import MAX_SWEEP_POINTS, parse_contexts
from lccost.errors import LccostError


def test_every_gives_exact_steps_and_ends_on_the_range_end() -> None:
    assert parse_contexts("1k..2k", every=256) == [1024, 1280, 1536, 1792, 2048]
    assert parse_contexts("1000..2000", every=300) == [1000, 1300, 1600, 1900, 2000]


def test_points_are_log_spaced_by_default_and_even_with_linear() -> None:
    # 1k..1M in 3 log steps: 2^10, 2^15, 2^20
    assert parse_contexts("1k..1M", points=3) == [1024, 32768, 1048576]
    # 1..10 in 4 even steps of 3
    assert parse_contexts("1..10", points=4, linear=True) == [1, 4, 7, 10]
    assert len(parse_contexts("1k..1M", points=1000)) == 1000


def test_rounding_duplicates_are_dropped() -> None:
    # 1..4 in 10 log steps, 4^(i/9) rounded: 1, 1, 1, 2, 2, 2, 3, 3, 3, 4
    assert parse_contexts("1..4", points=10) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("1k..1M", {"every": 1}, "more than 10,000"),
        ("1k..1M", {"points": 3, "every": 4}, "not both"),
        ("4k,8k", {"points": 3}, "need a range"),
        ("1k..1M", {"points": MAX_SWEEP_POINTS + 1}, "--points takes 2"),
    ],
)
def test_bad_combinations_are_refused(text: str, options: dict[str, int], message: str) -> None:
    with pytest.raises(LccostError, match=message):
        parse_contexts(text, **options)  # type: ignore[arg-type]


def test_cli_refuses_points_with_every_as_a_misused_option(run_cli: RunCli) -> None:
    code, _, err = run_cli(
        ["sweep", "llama-3.1-8b", "-c", "1k..8k", "--points", "3", "--every", "64"]
    )
    assert code == 2 and "--points or --every" in err


def test_cli_every_writes_one_row_per_step(run_cli: RunCli) -> None:
    code, out, err = run_cli(
        ["sweep", "llama-3.1-8b", "-c", "1k..2k", "--every", "256", "-f", "csv"]
    )
    assert code == 0, err
    rows = out.strip().splitlines()[1:]
    assert [int(row.split(",")[1]) for row in rows] == [1024, 1280, 1536, 1792, 2048]


SWEEP_CONTEXTS = [1, 127, 128, 129, 4097, 131072, (1 << 20) + 5]
"""Around the windows, pages and compression blocks of the shipped models, and past 1M."""


@pytest.mark.parametrize("accounting", ["reference", "full-context", "vllm", "llamacpp"])
def test_a_sweeps_results_equal_each_point_computed_and_validated_alone(accounting: str) -> None:
    # A sweep builds its later points as copies of its first without re-validating them
    # (``lccost.report.cost_results``); each must equal the result pydantic validates for that
    # point computed on its own (``cost`` at that context), baseline ratios and peaks included,
    # and serialise to the same JSON.
    from lccost import api
    from lccost.engine import cost
    from lccost.peak import peak_not_asked
    from lccost.report import CostResult, Report, cost_result
    from lccost.spec.loader import shipped_specs

    names = sorted(shipped_specs())
    workload = api.make_workload(1, batch=3, accounting=accounting, kv_dtype="native")
    report = api.sweep(names, SWEEP_CONTEXTS, workload, baseline="llama-3.1-8b")
    peak = peak_not_asked(workload)
    expected_base = [
        cost_result(cost(api.load("llama-3.1-8b"), api.at_context(workload, c)), peak=peak)
        for c in SWEEP_CONTEXTS
    ]
    expected = [
        cost_result(cost(api.load(name), api.at_context(workload, c)), baseline=base, peak=peak)
        for name in names
        for c, base in zip(SWEEP_CONTEXTS, expected_base, strict=True)
    ]
    assert report.baseline_results == expected_base
    assert report.results == expected
    for got, want in zip(report.results, expected, strict=True):
        assert got.model_dump_json() == want.model_dump_json()
        assert CostResult.model_validate(got.model_dump()) == got
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_a_sweeps_peaks_and_generated_flops_are_each_points_own() -> None:
    # With --engine every point has its own peaks, and --generate its own decode FLOPs; the
    # copies made for later points carry them, as each point computed and validated alone.
    from lccost import api
    from lccost.engine import cost
    from lccost.peak import Engine, report_peak
    from lccost.report import cost_result

    names = ["llama-3.1-8b", "gemma-4-e2b", "deepseek-v3.2"]  # the last: peak not modelled
    workload = api.make_workload(1, batch=2)
    analysis = api.analyse(
        names, workload, contexts=SWEEP_CONTEXTS[:5], generate=3, engine="transformers"
    )
    expected = []
    for name in names:
        architecture = api.load(name)
        for context in SWEEP_CONTEXTS[:5]:
            point = cost(architecture, api.at_context(workload, context))
            peak = report_peak(architecture, point.workload, Engine.TRANSFORMERS)
            expected.append(cost_result(point, generate=3, peak=peak))
    assert analysis.report.results == expected
    assert len({r.prefill_peak_bytes for r in analysis.report.results[:5]}) == 5
    assert analysis.report.results[-1].peak_missing_reason is not None
