"""``lccost sweep --plot``: files with one line per model, a text plot, and the missing extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RunCli

from lccost import api
from lccost.errors import LccostError
from lccost.render.plot import series_of, terminal_plot, write_plot
from lccost.report import Report

MATPLOTLIB_SKIP = "matplotlib is not installed; enable with: pip install 'lccost[plot]'"
MODELS = ["llama-3.1-8b", "gemma-4-e2b", "zaya1-8b"]


def _hand_report() -> Report:
    """Two models at 1K and 2K tokens with KV caches set by hand: a = 1 GB then 2 GB,
    b = 10 GB then 0 (a zero, which a log axis cannot show)."""
    base = api.compare(["llama-3.1-8b"], api.make_workload(1024))
    template = base.results[0]
    rows = [("a", 1024, 10**9), ("a", 2048, 2 * 10**9), ("b", 1024, 10**10), ("b", 2048, 0)]
    results = [
        template.model_copy(update={"model": m, "context": c, "kv_cache_bytes": v})
        for m, c, v in rows
    ]
    return base.model_copy(update={"results": results})


def test_series_group_by_model_and_scale_to_gb() -> None:
    a, b = series_of(_hand_report().results, "kv_cache_bytes")
    assert (a.model, a.points, a.dropped) == ("a", ((1024, 1.0), (2048, 2.0)), 0)
    assert (b.model, b.points, b.dropped) == ("b", ((1024, 10.0),), 1)


def test_svg_has_one_labelled_line_per_model(tmp_path: Path, run_cli: RunCli) -> None:
    pytest.importorskip("matplotlib", reason=MATPLOTLIB_SKIP)
    out = tmp_path / "kv.svg"
    code, _, err = run_cli(
        ["sweep", *MODELS, "--context", "1k..64k", "--plot", str(out), "--format", "json"]
    )
    assert code == 0, err
    assert f"wrote {out}: kv_cache_bytes, 3 series" in err
    svg = out.read_text(encoding="utf-8")
    assert svg.count('id="series-') == len(MODELS)  # each line carries its series id
    for model in MODELS:
        assert f">{model}<" in svg  # legend labels are real text
    assert "GB, 10^9 bytes" in svg and "context length L" in svg


def test_points_past_max_context_are_dashed(tmp_path: Path, run_cli: RunCli) -> None:
    pytest.importorskip("matplotlib", reason=MATPLOTLIB_SKIP)
    out = tmp_path / "kv.svg"
    # llama-3.1-8b stops at 128K (its max_context); deepseek-v4-flash goes to 1M.
    code, _, err = run_cli(
        [
            "sweep",
            "llama-3.1-8b",
            "deepseek-v4-flash",
            "-c",
            "64k..1M",
            "--plot",
            str(out),
            "--format",
            "csv",
        ]
    )
    assert code == 0, err
    svg = out.read_text(encoding="utf-8")
    assert 'id="beyond-max-context-0"' in svg and 'id="beyond-max-context-1"' not in svg
    assert "dashed: past the model" in svg


def test_png_is_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason=MATPLOTLIB_SKIP)
    out = tmp_path / "flops.png"
    report = api.sweep(MODELS[:2], [4096, 8192], api.make_workload(4096))
    summary = write_plot(report, "decode_flops", out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    assert [s.model for s in summary.series] == MODELS[:2]


def test_missing_matplotlib_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    with pytest.raises(LccostError, match=r"pip install 'lccost\[plot\]'"):
        write_plot(_hand_report(), "kv_cache_bytes", tmp_path / "x.png")


def test_cli_reports_missing_matplotlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, _, err = run_cli(
        ["sweep", "llama-3.1-8b", "-c", "1k,2k", "--plot", str(tmp_path / "x.png")]
    )
    assert code == 1 and "pip install 'lccost[plot]'" in err


def test_unknown_suffix_and_quantity_are_refused(tmp_path: Path, run_cli: RunCli) -> None:
    with pytest.raises(LccostError, match="allowed suffixes"):
        write_plot(_hand_report(), "kv_cache_bytes", tmp_path / "x.jpeg")
    code, _, err = run_cli(
        ["sweep", "llama-3.1-8b", "-c", "1k,2k", "--plot", "-", "--plot-quantity", "vibes"]
    )
    assert code == 1 and "kv_cache_bytes, decode_flops, decode_bytes" in err


def test_terminal_plot_spans_the_values_on_log_axes() -> None:
    text = terminal_plot(_hand_report(), "kv_cache_bytes", width=20, height=5)
    lines = text.splitlines()  # a title, then grid rows 0 (top) to 4 (bottom) as lines[1..5]
    # y from 1 GB (a at 1K) to 10 GB (b at 1K); x from 1K to 2K; a = 'o', b = 'x'.
    assert lines[1] == "10 |x" + " " * 19  # top row: b's 10 GB at the left edge
    assert lines[5] == " 1 |o" + " " * 19  # bottom row: a's 1 GB at the left edge
    # a's 2 GB at 2K: log10(2) = 0.30 of the way up, round(0.30 * 4) = 1 row above the bottom
    # (grid row 3), in the last column.
    assert lines[4] == "   |" + " " * 19 + "o"
    assert lines[-2:] == ["  o  a", "  x  b"]


def test_cli_text_plot_goes_to_stdout_with_a_legend(run_cli: RunCli) -> None:
    code, out, err = run_cli(["sweep", *MODELS, "-c", "1k..8k", "--plot", "-"])
    assert code == 0, err
    assert "KV cache held (GB, 10^9 bytes), log-log" in out
    for marker, model in zip("ox+", MODELS, strict=True):
        assert f"  {marker}  {model}" in out


def test_matplotlib_is_not_imported_at_start_up() -> None:
    code = (
        "import sys; from lccost.cli.app import get_app; get_app(); "
        "print('matplotlib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_dense_sweep_is_ticked_at_powers_of_two(run_cli: RunCli, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from lccost.render.plot import MAX_TICKS, _power_of_two_ticks

    # 1k..64k: 2^10 .. 2^16, seven powers of two; 1..2^40: 41 powers thinned to every 3rd.
    assert _power_of_two_ticks(1024, 65536) == [2**e for e in range(10, 17)]
    assert _power_of_two_ticks(1, 2**40) == [2**e for e in range(0, 41, 3)]
    assert len(_power_of_two_ticks(1, 2**62)) <= MAX_TICKS
    out = tmp_path / "dense.svg"
    code, _, err = run_cli(
        [
            "sweep",
            "deepseek-v4-flash",
            "-c",
            "1k..8k",
            "--every",
            "64",
            "--accounting",
            "vllm",
            "--plot",
            str(out),
            "-f",
            "csv",
        ]
    )
    assert code == 0, err
    assert out.read_text(encoding="utf-8").count("<text") < 60  # not one label per context
