"""What the tables, --explain and claims print: every digit, one unit per column, literal text."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from helpers import run_cli
from rich.console import Console

from lccost.conventions import ByteUnit
from lccost.render.explain import layer_set
from lccost.render.formats import TextTable, scaled, summary_table
from lccost.render.table import print_table

ROOT = Path(__file__).resolve().parent.parent
ELLIPSIS = "\u2026"


def _render(table: TextTable, width: int) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    print_table(table, console)
    return buffer.getvalue()


def _report(args: list[str]):  # type: ignore[no-untyped-def]
    from lccost.report import Report

    code, out, err = run_cli([*args, "-f", "json"])
    assert code == 0, err
    return Report.model_validate_json(out)


@pytest.mark.parametrize("width", [20, 40, 60, 80, 100, 140, 400])
def test_a_table_keeps_every_number_whole_at_any_width(width: int) -> None:
    report = _report(
        [
            "compare",
            "deepseek-v4-pro",
            "deepseek-v4-flash",
            "--baseline",
            "deepseek-v3.2",
            "-c",
            "1M",
            "--dtype",
            "fp8",
            "--kv-dtype",
            "native",
            "--generate",
            "16",
        ]
    )
    table = summary_table(report, ByteUnit.GB)
    out = _render(table, width)
    assert ELLIPSIS not in out
    for row in table.rows:
        for i, cell in enumerate(row):
            if table.is_numeric(i):  # a number is on one line, whole
                assert cell in out, (cell, width)
    assert max(len(line) for line in out.splitlines()) <= max(width, 0) or width < 40


def test_piped_output_is_written_at_full_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # a pipe is not a terminal: no width applies
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    code, out, _ = run_cli(["compare", "gemma-4-e2b", "deepseek-v4-pro", "-c", "128k"])
    assert code == 0 and ELLIPSIS not in out
    header = next(line for line in out.splitlines() if "┃ model" in line)
    assert "KV cache (MB)" in header and "decode FLOP/B" in header  # one line, unwrapped
    # gemma-4-e2b at 128K holds 811,585,536 B (README; test_readme checks it against CSV)
    assert "811.586" in out


def test_each_column_has_one_unit_and_the_same_decimals() -> None:
    # 523,264 B and 268,435,456 B in one column: kB, three decimals each
    unit, cells = scaled(
        [523_264, 268_435_456], ((10**9, "GB"), (10**6, "MB"), (10**3, "kB"), (1, "B")), 3
    )
    assert unit == "kB" and cells == ["523.264", "268,435.456"]
    unit, cells = scaled([100 * 10**9, 5 * 10**9], ((10**9, "GB"), (1, "B")), 3)
    assert cells == ["100.000", "5.000"]  # not "100.0" beside "5.000"
    report = _report(["sweep", "llama-3.1-8b", "zaya1-8b", "-c", "1k..1M"])
    table = summary_table(report, ByteUnit.GB)
    for i, header in enumerate(table.headers):
        if "(" in header and table.is_numeric(i):
            decimals = {len(row[i].partition(".")[2]) for row in table.rows}
            assert len(decimals) == 1, header
            assert all(not re.search(r"[A-Za-z]", row[i]) for row in table.rows), header


def test_table_titles_say_what_the_table_holds() -> None:
    code, out, _ = run_cli(["compare", "gemma-4-e2b", "llama-3.1-8b", "-c", "128k"])
    assert code == 0
    title = out.splitlines()[0].strip()
    assert title == "Costs of 2 models at 128K context"
    code, out, _ = run_cli(["sweep", "llama-3.1-8b", "-c", "1k..4k"])
    assert out.splitlines()[0].strip() == "Costs of llama-3.1-8b from 1K to 4K context"


def test_the_baseline_has_its_own_row() -> None:
    code, out, _ = run_cli(
        [
            "compare",
            "deepseek-v4-pro",
            "--baseline",
            "deepseek-v3.2",
            "-c",
            "1M",
            "--kv-dtype",
            "native",
        ]
    )
    assert code == 0
    row = next(line for line in out.splitlines() if "deepseek-v3.2 (baseline)" in line)
    assert row.count("100.0%") >= 2  # the baseline is 100% of itself
    report = _report(["compare", "deepseek-v4-pro", "--baseline", "deepseek-v3.2", "-c", "1M"])
    assert [r.model for r in report.baseline_results] == ["deepseek-v3.2"]
    assert [r.model for r in report.results] == ["deepseek-v4-pro"]


def test_rows_say_which_input_they_came_from() -> None:
    inputs = ["llama-3.1-8b", "configs/llama-3.1-8b.yaml", "configs/hf/llama-3.1-8b.json"]
    code, out, err = run_cli(
        ["compare", *[str(ROOT / i) if "/" in i else i for i in inputs], "-c", "1k"]
    )
    assert code == 0, err
    rows = [line for line in out.splitlines() if "llama-3.1-8b" in line and "│" in line]
    assert len(rows) == 3
    assert "llama-3.1-8b.yaml)" in rows[1] and "llama-3.1-8b.json)" in rows[2]
    assert "(" not in rows[0].split("│")[1]  # the shipped name needs no source
    report = _report(["compare", "llama-3.1-8b", str(ROOT / inputs[1]), "-c", "1k"])
    assert [r.source for r in report.results] == [None, str(ROOT / inputs[1])]


def test_the_precision_weighted_ratio_is_in_the_table() -> None:
    # DeepSeek-V4 report §1: V4-Pro needs 27% of V3.2's single-token FLOPs at 1M, counted in
    # equivalent FP8 FLOPs; the published figure's rounding allows [26.5%, 27.5%). The raw
    # ratio is lower (V4's fp4 experts weigh half), so the table must show both.
    code, out, _ = run_cli(
        [
            "compare",
            "deepseek-v4-pro",
            "deepseek-v4-flash",
            "--baseline",
            "deepseek-v3.2",
            "--context",
            "1M",
            "--dtype",
            "fp8",
            "--kv-dtype",
            "native",
        ]
    )
    assert code == 0
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if "┃ model" in line)
    assert "decode FP8-equiv. FLOPs vs base" in lines[header]
    row = next(line for line in lines if line.startswith("│ deepseek-v4-pro "))
    *_, raw, weighted = [
        float(cell.strip().rstrip("%"))
        for cell in row.strip("│ ").split("│")
        if cell.strip().endswith("%")
    ]
    assert 26.5 <= weighted < 27.5
    assert raw < weighted
    # a plain GQA model pins no compute format: no FP8-equivalent column
    code, out, _ = run_cli(["compare", "llama-3.1-8b", "-c", "1k"])
    assert "FP8-equiv" not in out


def test_generate_and_per_layer_show_in_the_table() -> None:
    _, plain, _ = run_cli(["compare", "llama-3.1-8b", "-c", "4k"])
    _, generate, _ = run_cli(["compare", "llama-3.1-8b", "-c", "4k", "--generate", "3"])
    assert "FLOPs to generate 3 tokens" in generate and "generate" not in plain
    _, per_layer, _ = run_cli(["compare", "llama-3.1-8b", "-c", "4k", "--per-layer"])
    assert "llama-3.1-8b: 32 layers" in per_layer
    assert len(per_layer.splitlines()) > len(plain.splitlines()) + 32


def test_layer_sets_are_exact() -> None:
    assert layer_set([0, 1, 2, 3, 5, 9, 10, 11, 12, 13]) == "0-3, 5, 9-13"
    assert layer_set([4, 9, 14]) == "4, 9, 14"
    assert layer_set([7, 8]) == "7, 8"


def test_explain_groups_identical_layers_and_explains_every_figure() -> None:
    code, out, _ = run_cli(["compare", "gemma-4-e2b", "-c", "128k", "--explain"])
    assert code == 0
    assert "..." not in out
    # gemma4.md §2.1: layers 15-34 read earlier layers' KV; the sliding ones among them (all but
    # every fifth) are one group, the full ones (19, 24, 29, 34) another
    assert "decode FLOPs per sequence: layers 15-18, 20-23, 25-28, 30-33 (16 layers)" in out
    assert "decode FLOPs per sequence: layers 19, 24, 29, 34 (4 layers)" in out
    titles = [line for line in out.splitlines() if "decode FLOPs per sequence: layers" in line]
    assert len(titles) == 4  # sliding/full x owning/sharing
    assert "prefill FLOPs per sequence" in out and "parameters: layers" in out
    assert "weight bytes (bf16" in out


def test_claims_show_text_source_and_units() -> None:
    code, out, _ = run_cli(["claims"])
    assert code == 0
    flat = " ".join(out.split())
    assert "Gemma 4 E2B's cross-layer KV" in flat and "R2026" in flat
    # the V4-Pro "27%" claim: its computed value with its unit, inside [26.5, 27.5)
    assert re.search(r"\b(26\.[5-9]|27\.[0-4])\d*%", flat)
    assert re.search(r"\b\d\.\d+ GB\b", flat) and "B params" in flat
    code, out, _ = run_cli(["claims", "-f", "csv"])
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {"text", "source", "unit", "computed", "status"} <= set(rows[0])


@pytest.mark.parametrize("name", ["[/bold]x", "[bold red]BIG[/]"])
def test_user_text_is_printed_literally(name: str, write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec(f'extends: llama-3.1-8b\nname: "{name}"\n')
    for command in (["compare", str(path), "-c", "1k"], ["show", str(path), "-c", "1k"]):
        code, out, err = run_cli(command)
        assert code == 0, err
        assert name in out


def test_control_characters_are_escaped(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec('extends: llama-3.1-8b\nname: "\\e]0;title\\a\\e[2Jx"\n')
    code, out, err = run_cli(["compare", str(path), "-c", "1k"])
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;title\\x07\\x1b[2Jx" in out


def test_show_takes_format_like_every_command() -> None:
    code, out, _ = run_cli(["show", "gemma-4-e2b", "-f", "json"])
    assert code == 0 and len(json.loads(out)["results"][0]["layers"]) == 35
    code, old, _ = run_cli(["show", "gemma-4-e2b", "--json"])  # the old spelling, hidden
    assert code == 0 and json.loads(old) == json.loads(out)
    code, out, _ = run_cli(["show", "--help"])
    assert "--format" in out and "--json" not in out


def test_hardware_columns_have_one_unit_and_the_same_decimals() -> None:
    code, out, _ = run_cli(["hardware", "-f", "csv"])
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    headers, cells = rows[0], rows[1:]
    assert headers[1] == "memory (GiB)" and all("(TFLOP/s)" in h for h in headers[3:])
    for i in [1, *range(3, len(headers))]:
        decimals = {len(row[i].rstrip("~").partition(".")[2]) for row in cells if row[i] != "-"}
        assert decimals == {1}, headers[i]  # 19.5 beside 2,250.0, not 2,250


@pytest.mark.parametrize("command", ["compare", "show"])
def test_explain_beside_json_keeps_the_json_parseable(command: str) -> None:
    code, out, err = run_cli([command, "llama-3.1-8b", "-c", "1k", "--explain", "-f", "json"])
    assert code == 0
    assert json.loads(out)["results"][0]["model"] == "llama-3.1-8b"
    assert "1,024*4,096" in err.replace("\n", "")  # the terms went to stderr


def test_explain_adds_up_the_decode_bytes() -> None:
    code, out, _ = run_cli(["compare", "llama-3.1-8b", "-c", "1k", "--explain"])
    assert code == 0
    line = " ".join(out.split()).split("decode bytes per step = ")[1].split(" B")[0]
    parts, total = line.split(" = ")
    numbers = [int(n.replace(",", "")) for n in re.findall(r"[\d,]+(?= \+|$)", parts)]
    # Llama 3.1 8B at L = 1,024, bf16: 32 layers x 2 (K, V) x 8 heads x 128 x 2 B = 131,072 B
    # written per token and 1,024 times that read; one embedding row of 4,096 x 2 B
    assert numbers[1:] == [134_217_728, 131_072, 8_192]
    assert sum(numbers) == int(total.replace(",", ""))
    (row,) = csv.DictReader(
        io.StringIO(run_cli(["compare", "llama-3.1-8b", "-c", "1k", "-f", "csv"])[1])
    )
    assert int(row["decode_bytes"]) == int(total.replace(",", ""))


def test_csv_rows_are_what_the_csv_module_writes() -> None:
    # ``csv_lines`` writes each arrangement of text once through the csv module and fills in
    # the numbers; every row must be what ``csv.writer`` writes for it: quotes, commas,
    # newlines and ``%`` in text, None, bools, enums, negative and float numbers, and rows
    # whose numbers move to other columns.
    from enum import StrEnum

    from lccost.render.formats import csv_lines

    class Kind(StrEnum):
        A = "a,b"

    rows: list[tuple[object, ...]] = [
        ("plain", 1, 2.5, None, Kind.A),
        ("plain", 10**30, -0.0, None, Kind.A),
        ('say "hi", 100%', -3, 1e-7, None, Kind.A),
        ('say "hi", 100%', 4, float("nan"), "%s %d", Kind.A),
        ("two\nlines", True, 5, 6.0, ""),
        ("%%", None, 7, "x\ry", 8),
        ("", "", "", "", ""),
    ]
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows(rows)
    assert "".join(f"{line}\n" for line in csv_lines(rows)) == expected.getvalue()


def test_a_sweeps_csv_is_what_the_csv_module_writes() -> None:
    # The whole file, against the csv module's own rows of the same results.
    from lccost import api
    from lccost.render.formats import CSV_FIELDS, to_csv

    contexts = [1, 5000, 131072]
    report = api.sweep(
        ["gemma-4-e2b", "deepseek-v4-flash"],
        contexts,
        api.make_workload(1, accounting="vllm"),
        baseline="llama-3.1-8b",
    )
    names = sorted(report.results[0].ratios or {})
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow([*CSV_FIELDS, *(f"ratio_{name}" for name in names)])
    for result in report.results:
        ratios = result.ratios or {}
        writer.writerow(
            [getattr(result, name) for name in CSV_FIELDS] + [ratios[name] for name in names]
        )
    assert to_csv(report) == expected.getvalue()
    assert len(expected.getvalue().splitlines()) == 1 + 2 * len(contexts)
