"""Plain-text renderings of a report: JSON (the contract), CSV (exact integers) and Markdown."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from lccost.conventions import ByteUnit, format_context, number_format

if TYPE_CHECKING:  # the report models pull in pydantic; `lccost --help` should not
    from lccost.report import CostResult, LayerResult, Report


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters (escape sequences that would move the cursor, retitle
    or clear the terminal) written as ``\\xNN``; newlines and tabs kept."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


CSV_FIELDS = (
    "model",
    "context",
    "batch",
    "dtype",
    "kv_dtype",
    "accounting",
    "flop_convention",
    "kv_cache_bytes",
    "prefill_flops",
    "decode_flops",
    "decode_bytes",
    "decode_weight_bytes",
    "decode_cache_read_bytes",
    "decode_cache_write_bytes",
    "params_total",
    "params_active",
    "params_embedding",
    "params_effective",
    "decode_intensity",
    "prefill_intensity",
    "decode_flops_fp8_equivalent",
    "generate_tokens",
    "generate_decode_flops",
    "baseline",
    "source",
    "peak_engine",
    "prefill_peak_bytes",
    "decode_peak_bytes",
    "peak_missing_reason",
)


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def to_csv(report: Report) -> str:
    """One row per result: ``CSV_FIELDS`` (None written as an empty cell, as ``csv`` writes
    it), then ``ratio_<quantity>`` for each ratio any result has."""
    buffer = io.StringIO()
    ratio_names = sorted({k for r in report.results for k in (r.ratios or {})})
    csv.writer(buffer, lineterminator="\n").writerow(
        [*CSV_FIELDS, *(f"ratio_{name}" for name in ratio_names)]
    )
    cells = attrgetter(*CSV_FIELDS)
    rows: Iterable[tuple[object, ...]] = map(cells, report.results)
    if ratio_names:
        rows = (
            (*cells(r), *((r.ratios or {}).get(name, "") for name in ratio_names))
            for r in report.results
        )
    buffer.writelines(f"{line}\n" for line in csv_lines(rows))
    return buffer.getvalue()


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Each row as ``csv.writer`` writes it (minimal quoting, ``\\n`` terminator left off), for
    thousands of rows whose text repeats (a sweep: the model, its settings and reasons).

    Each arrangement of text cells is written by the csv module once, with ``%s`` where the
    numbers go (the text's own ``%`` doubled), and each row is that line % its numbers: what
    the csv module writes for an ``int`` is ``str`` of it, for a ``float`` its ``repr``, the
    same text as ``str`` (Python 3), and neither is ever quoted. Only cells of exactly those
    two types are numbers; anything else (None, strings, enums, bools) is text, written by
    the csv module."""
    line_types: tuple[type, ...] = ()
    texts: tuple[object, ...] | None = None
    template = ""
    numbers_of: Callable[[Sequence[object]], tuple[object, ...]] = _none
    texts_of = numbers_of
    for row in rows:
        types = tuple(map(type, row))
        if types != line_types:  # where the numbers are: found once per arrangement
            number_at = [i for i, kind in enumerate(types) if kind is int or kind is float]
            text_at = [i for i in range(len(row)) if i not in number_at]
            numbers_of, texts_of = _items(number_at), _items(text_at)
            line_types, texts = types, None
        row_texts = texts_of(row)
        if row_texts != texts:
            cells = [
                "%s" if kind is int or kind is float else _escape_percent(value)
                for value, kind in zip(row, types, strict=True)
            ]
            line = io.StringIO()  # the terminator decides what is quoted: to_csv's
            csv.writer(line, lineterminator="\n").writerow(cells)
            template, texts = line.getvalue()[:-1], row_texts
        yield template % numbers_of(row)


def _escape_percent(value: object) -> object:
    """Text whose ``%`` stays itself in a %-template."""
    return value.replace("%", "%%") if isinstance(value, str) else value


def _none(row: Sequence[object]) -> tuple[object, ...]:
    return ()


def _items(positions: list[int]) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """The cells at ``positions`` of a row, as a tuple (``itemgetter``, one C call)."""
    if not positions:
        return _none
    if len(positions) == 1:
        (only,) = positions
        return lambda row: (row[only],)
    return itemgetter(*positions)


def caption(report: Report, unit: ByteUnit) -> str:
    """What every number in a table means: the settings shared by the results and the units."""
    first = report.results[0]
    contexts = sorted({r.context for r in report.results})
    context = (
        f"context {format_context(first.context)} ({first.context:,} tokens)"
        if len(contexts) == 1
        else "contexts as listed"
    )
    settings = f" ({first.accounting_settings})" if first.accounting_settings else ""
    fp8 = (
        " FP8-equiv. = FLOPs weighted by the precision of the compute formats the spec pins "
        "(bf16 x2, fp8 x1, fp4 x0.5)."
        if any(pins_compute_formats(r) for r in all_results(report))
        else ""
    )
    return (
        f"{context}, batch {first.batch}, weights {first.dtype}, KV {first.kv_dtype}; "
        f"accounting: {first.accounting.value}{settings}; FLOPs: "
        f"{first.flop_convention.value} "
        f"(2 per multiply-add); bytes in "
        + (
            "decimal units (GB = 10^9, MB = 10^6, kB = 10^3)"
            if unit is ByteUnit.GB
            else "binary units (GiB = 2^30, MiB = 2^20, KiB = 2^10)"
        )
        + "; params in B = 10^9, M = 10^6."
        + fp8
    )


@dataclass(frozen=True)
class TextTable:
    """A table of strings, drawn by ``render.table`` (terminal) or ``markdown`` (text).
    ``numeric[i]``: column i holds numbers (right-aligned, never folded); by default every
    column but the first whose cells all start with a number (or are ``-``)."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""
    numeric: Sequence[bool] = ()

    def is_numeric(self, column: int) -> bool:
        if self.numeric:
            return self.numeric[column]
        return column > 0 and all(_NUMBER_CELL.match(row[column]) for row in self.rows)


_NUMBER_CELL = re.compile(r"^(-|n/a$|[-+~]?[0-9])")
"""A cell that reads as a number: ``1,572.99``, ``-0.5``, ``128K (max_context)``, ``-``, or
``n/a`` (a figure that is not modelled)."""


def markdown(table: TextTable) -> str:
    """``table`` as a Markdown table, its caption as a paragraph under it (the one Markdown
    table writer: reports, roofline, fit, claims). ``|`` in a cell is escaped."""

    def cell(text: str) -> str:
        return printable(text).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(map(cell, table.headers)) + " |",
        "|"
        + "".join("---:|" if table.is_numeric(i) else "---|" for i in range(len(table.headers))),
    ]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in table.rows]
    return "\n".join(lines) + (f"\n\n{table.caption}\n" if table.caption else "\n")


def table_csv(table: TextTable) -> str:
    """``table``'s headers and cells as CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return buffer.getvalue()


BYTE_UNITS = {
    ByteUnit.GB: ((10**12, "TB"), (10**9, "GB"), (10**6, "MB"), (10**3, "kB"), (1, "B")),
    ByteUnit.GIB: ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB"), (1, "B")),
}
FLOP_UNITS = (
    (10**18, "EFLOP"),
    (10**15, "PFLOP"),
    (10**12, "TFLOP"),
    (10**9, "GFLOP"),
    (10**6, "MFLOP"),
    (10**3, "kFLOP"),
    (1, "FLOP"),
)
COUNT_UNITS = ((10**9, "B"), (10**6, "M"), (10**3, "k"), (1, ""))


def scaled(
    values: Sequence[int], units: Sequence[tuple[int, str]], decimals: int
) -> tuple[str, list[str]]:
    """One unit for a whole column (``(unit, cells)``): the largest unit in which the smallest
    non-zero value is still at least 1, so no value in the column reads as 0.000; every cell
    with the same number of decimals (none in the smallest unit, which counts whole items)."""
    nonzero = [abs(v) for v in values if v]
    factor, name = units[-1]
    for candidate in units:
        if nonzero and min(nonzero) >= candidate[0]:
            factor, name = candidate
            break
    places = decimals if factor > 1 else 0
    return name, [f"{v / factor:,.{places}f}" if factor > 1 else f"{v:,}" for v in values]


def _with_unit(header: str, unit: str) -> str:
    return f"{header} ({unit})" if unit else header


def pins_compute_formats(result: CostResult) -> bool:
    """Whether weighting by compute precision changes anything: the spec pins compute formats
    other than the weight dtype for some of the decode FLOPs."""
    bits = number_format(result.dtype).element_bits
    per_sequence = result.decode_flops // result.batch
    return result.decode_flops_fp8_equivalent != result.batch * -(-per_sequence * bits // 8)


def all_results(report: Report) -> list[CostResult]:
    """The baseline rows (first) and the results."""
    return [*report.baseline_results, *report.results]


def row_label(result: CostResult, baseline: bool = False) -> str:
    """The model's name, with the file it came from when it was not a shipped name (three rows
    of one model read from a name, a YAML and a config.json say which is which)."""
    label = result.model
    if result.source is not None and result.source != result.model:
        label += f" ({result.source})"
    return label + (" (baseline)" if baseline else "")


def default_title(report: Report) -> str:
    contexts = sorted({r.context for r in report.results})
    models = list(dict.fromkeys(r.model for r in report.results))
    what = f"{len(models)} models" if len(models) > 1 else models[0]
    if len(contexts) == 1:
        return f"Costs of {what} at {format_context(contexts[0])} context"
    return (
        f"Costs of {what} from {format_context(contexts[0])} to "
        f"{format_context(contexts[-1])} context"
    )


def peak_caption(results: Sequence[CostResult]) -> str:
    """Which engine the peak columns are, and why any row reads n/a."""
    engines = list(dict.fromkeys(r.peak_engine for r in results if r.peak_engine))
    missing = list(
        dict.fromkeys(
            f"{r.model}: {r.peak_missing_reason}" for r in results if r.peak_missing_reason
        )
    )
    text = f" Peaks: device memory under {', '.join(engines) or 'no engine'} (lccost.peak)."
    return text + (f" n/a: {'; '.join(missing)}." if missing else "")


def summary_table(
    report: Report, unit: ByteUnit, title: str | None = None, peaks: bool = False
) -> TextTable:
    """The report's headline table: one row per result (the baseline's first, marked), each
    column in one unit with the same decimals. ``--generate`` adds the generation FLOPs, a
    spec that pins compute formats adds the FP8-equivalent decode FLOPs, ``--baseline`` the
    ratios, ``peaks`` the prefill and decode peak memory (n/a where not modelled)."""
    bases = report.baseline_results
    results = [*bases, *report.results]
    with_ratios = bool(bases) or any(r.ratios for r in results)
    with_context = len({r.context for r in results}) > 1
    with_fp8 = any(pins_compute_formats(r) for r in results)
    generate = sorted({r.generate_tokens for r in results if r.generate_tokens})
    columns: list[tuple[str, list[str]]] = [
        ("model", [row_label(r, i < len(bases)) for i, r in enumerate(results)])
    ]
    if with_context:
        columns.append(("context", [format_context(r.context) for r in results]))

    def add(
        header: str, values: Sequence[int], units: Sequence[tuple[int, str]], decimals: int
    ) -> None:
        name, cells = scaled(values, units, decimals)
        columns.append((_with_unit(header, name), cells))

    add("KV cache", [r.kv_cache_bytes for r in results], BYTE_UNITS[unit], 3)
    add("prefill FLOPs", [r.prefill_flops for r in results], FLOP_UNITS, 2)
    add("decode FLOPs", [r.decode_flops for r in results], FLOP_UNITS, 2)
    if with_fp8:
        add(
            "decode FP8-equiv. FLOPs",
            [r.decode_flops_fp8_equivalent for r in results],
            FLOP_UNITS,
            2,
        )
    if generate:
        tokens = f"{generate[0]:,}" if len(generate) == 1 else "N"
        add(
            f"FLOPs to generate {tokens} tokens",
            [r.generate_decode_flops or 0 for r in results],
            FLOP_UNITS,
            2,
        )
    add("decode bytes", [r.decode_bytes for r in results], BYTE_UNITS[unit], 3)
    if peaks:
        for header, name in (
            ("prefill peak", "prefill_peak_bytes"),
            ("decode peak", "decode_peak_bytes"),
        ):
            values: list[int | None] = [getattr(r, name) for r in results]
            known = [v for v in values if v is not None]
            unit_name, cells = scaled(known, BYTE_UNITS[unit], 3)
            filled = iter(cells)
            columns.append(
                (
                    _with_unit(header, unit_name) if known else header,
                    ["n/a" if v is None else next(filled) for v in values],
                )
            )
    add("params", [r.params_total for r in results], COUNT_UNITS, 2)
    add("active params", [r.params_active for r in results], COUNT_UNITS, 2)
    columns.append(("decode FLOP/B", [f"{r.decode_intensity:,.1f}" for r in results]))
    if with_ratios:
        ratio_fields = [("KV vs base", "kv_cache_bytes"), ("decode FLOPs vs base", "decode_flops")]
        if with_fp8:
            ratio_fields.append(("decode FP8-equiv. FLOPs vs base", "decode_flops_fp8_equivalent"))
        for header, name in ratio_fields:
            columns.append(
                (
                    header,
                    [
                        "100.0%"
                        if i < len(bases)
                        else f"{(r.ratios or {}).get(name, float('nan')):.1%}"
                        for i, r in enumerate(results)
                    ],
                )
            )
    headers = [header for header, _ in columns]
    rows = [list(cells) for cells in zip(*(cells for _, cells in columns), strict=True)]
    return TextTable(
        title or default_title(report),
        headers,
        rows,
        caption(report, unit) + (peak_caption(results) if peaks else ""),
    )


def layer_rows(
    layers: Sequence[LayerResult], unit: ByteUnit, with_costs: bool
) -> tuple[list[str], list[list[str]], list[bool]]:
    """Per layer: index, attention, whose KV it reads, FFN and (``with_costs``) its cache and
    FLOPs, each cost column in one unit."""
    headers = ["layer", "attention", "KV from", "FFN"]
    numeric = [True, False, False, False]
    columns = [
        [str(layer.index) for layer in layers],
        [layer.attention for layer in layers],
        [
            "own" if layer.kv_source_layer is None else f"layer {layer.kv_source_layer}"
            for layer in layers
        ],
        [layer.ffn for layer in layers],
    ]
    if with_costs:
        for header, values, units, decimals in (
            ("cache", [layer.cache_bytes for layer in layers], BYTE_UNITS[unit], 3),
            ("decode FLOPs", [layer.decode_flops for layer in layers], FLOP_UNITS, 2),
            ("prefill FLOPs", [layer.prefill_flops for layer in layers], FLOP_UNITS, 2),
        ):
            name, cells = scaled(values, units, decimals)
            headers.append(_with_unit(header, name))
            numeric.append(True)
            columns.append(cells)
    return headers, [list(row) for row in zip(*columns, strict=True)], numeric


def to_markdown(report: Report, unit: ByteUnit, peaks: bool = False) -> str:
    return markdown(summary_table(report, unit, peaks=peaks))
