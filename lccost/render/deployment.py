"""Renderings of the deployment answers: roofline columns beside a report, and ``fit`` tables.

Tables (rich, imported on first use), Markdown, CSV and JSON. No arithmetic beyond unit scaling.
The JSON of a report with ``--hardware`` is the report's own JSON plus a ``roofline`` list, one
entry per result in the same order; CSV rows gain the roofline columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lccost.conventions import GB, GIB, ByteUnit, format_bytes, format_context
from lccost.fit import FitResult
from lccost.hardware import Roofline
from lccost.render.formats import OutputFormat, TextTable, markdown, to_csv, to_markdown
from lccost.report import Report

if TYPE_CHECKING:
    from rich.console import Console

ROOFLINE_CSV_FIELDS = (
    "hardware",
    "gpus",
    "compute_dtype",
    "decode_step_s",
    "decode_tokens_per_s",
    "decode_bound",
    "ttft_s",
    "prefill_bound",
    "fits",
    "weights_and_cache_bytes",
    "peak_bytes",
    "capacity_bytes",
)


def format_seconds(seconds: float) -> str:
    """``0.00464`` -> ``4.64 ms``, ``1290`` -> ``21.5 min``: three significant digits in h, min,
    s, ms or µs, never an exponent."""
    for factor, unit in ((3600.0, "h"), (60.0, "min"), (1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= factor:
            value = seconds / factor
            if unit == "h" and value >= 1000:
                return f"{value:,.0f} h"
            return f"{float(f'{value:.3g}'):,g} {unit}"
    return f"{float(f'{seconds / 1e-9:.3g}'):,g} ns"


def _fits_cell(r: Roofline) -> str:
    """``yes`` or ``NO: 1.2 TB > 80 GB``: weights + cache, or the engine's peak where that is
    the larger, against the devices' memory."""
    if r.fits:
        return "yes"
    capacity = format_bytes(r.capacity_bytes, ByteUnit.GB)
    if r.weights_and_cache_bytes <= r.capacity_bytes and r.peak_bytes is not None:
        return f"NO: {r.peak_engine} peak {format_bytes(r.peak_bytes, ByteUnit.GB)} > {capacity}"
    return f"NO: {format_bytes(r.weights_and_cache_bytes, ByteUnit.GB)} > {capacity}"


def roofline_caption(rooflines: Sequence[Roofline]) -> str:
    """The device, the peaks used and what the times leave out."""
    first = rooflines[0]
    estimated = " (estimated, not a vendor figure)" if first.peak_estimated else ""
    devices = f"{first.gpus} x {first.hardware}" if first.gpus > 1 else first.hardware
    split = (
        (
            f"; tensor parallel over {first.gpus}: FLOPs, weights and cache split evenly, "
            "communication not modelled"
        )
        if first.gpus > 1
        else ""
    )
    return (
        f"roofline on {devices}: peak {first.compute_dtype} "
        f"{first.peak_flops_per_s / 1e12:,.1f} TFLOP/s{estimated}, "
        f"{first.memory_bandwidth_bytes_per_s / 1e12:,.3g} TB/s per device; step time = "
        "max(FLOPs / peak, bytes / bandwidth), a lower bound; TTFT = prefill of the batch's "
        f"prompts{split}"
        + (
            "; rows marked NO do not fit: their weights + cache, or the engine's peak "
            "(prefill activations, lccost fit --engine), exceed the devices' usable memory, "
            "so no run reaches those times"
            if any(not r.fits for r in rooflines)
            else ""
        )
    )


def roofline_rows(rooflines: Sequence[Roofline]) -> tuple[list[str], list[list[str]]]:
    with_context = len({r.context for r in rooflines}) > 1
    headers = [
        "model",
        *(["context"] if with_context else []),
        "decode ms/step",
        "tokens/s",
        "decode bound",
        "TTFT",
        "prefill bound",
        "fits",
    ]
    rows = [
        [
            r.model,
            *([format_context(r.context)] if with_context else []),
            f"{r.decode.seconds * 1e3:,.3f}",
            f"{r.decode_tokens_per_s:,.1f}",
            r.decode.bound,
            format_seconds(r.ttft_s),
            r.prefill.bound,
            _fits_cell(r),
        ]
        for r in rooflines
    ]
    return headers, rows


def _rich_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    table_caption: str,
    console: Console | None,
) -> None:
    from lccost.render.table import print_table

    print_table(TextTable(title, headers, rows, table_caption), console)


def _markdown(headers: Sequence[str], rows: Sequence[Sequence[str]], note: str) -> str:
    return markdown(TextTable("", headers, rows, note))


def report_with_roofline(
    report: Report,
    rooflines: Sequence[Roofline],
    output: OutputFormat,
    unit: ByteUnit,
    console: Console | None = None,
) -> str | None:
    """The report in ``output`` with the roofline beside it; tables print (returns ``None``),
    the text formats are returned."""
    if output is OutputFormat.JSON:
        data: dict[str, Any] = report.model_dump(mode="json", exclude_none=True)
        for entry, result in zip(data["results"], report.results, strict=True):
            # A peak that is not modelled stays in the JSON as null, beside its reason.
            entry.setdefault("prefill_peak_bytes", result.prefill_peak_bytes)
            entry.setdefault("decode_peak_bytes", result.decode_peak_bytes)
        data["roofline"] = [r.model_dump(mode="json") for r in rooflines]
        return json.dumps(data, indent=2) + "\n"
    if output is OutputFormat.CSV:
        reader = csv.reader(io.StringIO(to_csv(report)))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*next(reader), *ROOFLINE_CSV_FIELDS])
        for row, r in zip(reader, rooflines, strict=True):
            writer.writerow(
                [
                    *row,
                    r.hardware,
                    r.gpus,
                    r.compute_dtype,
                    r.decode.seconds,
                    r.decode_tokens_per_s,
                    r.decode.bound,
                    r.ttft_s,
                    r.prefill.bound,
                    r.fits,
                    r.weights_and_cache_bytes,
                    "" if r.peak_bytes is None else r.peak_bytes,
                    r.capacity_bytes,
                ]
            )
        return buffer.getvalue()
    headers, rows = roofline_rows(rooflines)
    if output is OutputFormat.MARKDOWN:
        return (
            to_markdown(report, unit, peaks=True)
            + "\n"
            + _markdown(headers, rows, roofline_caption(rooflines))
        )
    from lccost.render.table import print_report

    print_report(report, unit, console, peaks=True)
    print_rooflines(rooflines, console)
    return None


def print_rooflines(rooflines: Sequence[Roofline], console: Console | None = None) -> None:
    """The roofline table alone (``show`` prints it under its layer table)."""
    headers, rows = roofline_rows(rooflines)
    _rich_table(
        f"roofline: {rooflines[0].hardware}", headers, rows, roofline_caption(rooflines), console
    )


# ---------------------------------------------------------------------------------------------
# fit


def _context_cell(tokens: int) -> str:
    """``131072`` -> ``128K``; counts that are not whole K or M with thousands separators."""
    short = format_context(tokens)
    return f"{tokens:,}" if short == str(tokens) else short


def _short_engine(engine: str) -> str:
    """``transformers (sdpa)`` -> ``transformers/sdpa``; a fallback's reason -> ``none*``."""
    if engine.startswith("none ("):
        return "none*"
    return engine.replace(" (", "/").rstrip(")")


def fit_rows(fits: Sequence[FitResult], unit: ByteUnit) -> tuple[list[str], list[list[str]]]:
    batch = {f.batch for f in fits}
    batch_label = f"batch {batch.pop()}" if len(batch) == 1 else "its batch"
    with_peak = any(f.engine != "none" for f in fits)
    headers = [
        "model",
        *(["engine"] if with_peak else []),
        "weights",
        *([] if with_peak else ["cache budget"]),
        f"longest context ({batch_label})",
        "largest batch (at context)",
        *([f"peak ({batch_label} at context)", "dominated by"] if with_peak else []),
    ]
    rows = []
    for f in fits:
        if f.longest_context is None:
            longest = "weights do not fit" if not f.weights_fit else "none (fixed state too big)"
        else:
            longest = _context_cell(f.longest_context)
            if f.capped:
                longest += f" ({f.limit_reason})"
        largest = "unbounded (no cache)" if f.largest_batch is None else f"{f.largest_batch:,}"
        budget = (
            format_bytes(f.cache_budget_bytes, unit)
            if f.weights_fit
            else "-" + format_bytes(-f.cache_budget_bytes, unit)
        )
        peak = (
            [format_bytes(f.peak_bytes, unit), f.peak_dominant or "-"]
            if f.peak_bytes is not None
            else ["-", "weights + cache only"]
        )
        rows.append(
            [
                f.model,
                *([_short_engine(f.engine)] if with_peak else []),
                format_bytes(f.weight_bytes, unit),
                *([] if with_peak else [budget]),
                longest,
                f"{largest} at {_context_cell(f.context)}",
                *(peak if with_peak else []),
            ]
        )
    return headers, rows


def fit_caption(fits: Sequence[FitResult], unit: ByteUnit) -> str:
    first = fits[0]
    device = first.hardware or "custom memory"
    capacity = (
        f"{format_bytes(first.capacity_bytes, ByteUnit.GB)} = "
        f"{format_bytes(first.capacity_bytes, ByteUnit.GIB)}"
    )
    devices = f"{first.gpus} x {device}" if first.gpus > 1 else device
    reserves = sorted({f"{f.reserve} ({format_bytes(f.reserve_bytes, unit)})" for f in fits})
    peaks = [f for f in fits if f.peak_bytes is not None]
    fallbacks = [
        f"{f.model}: {f.engine[len('none (') : -1]}" for f in fits if f.engine.startswith("none (")
    ]
    return (
        f"{devices}: {capacity} per device (usable, as the device reports it), reserve "
        f"{' / '.join(reserves)} each; weights {first.dtype} (all parameters), KV "
        f"{first.kv_dtype}, accounting {first.accounting.value}. Longest context: every "
        "length up to it fits; capped at the model's max_context. "
        + (
            "Tensor parallel: weights and cache split evenly; communication buffers not counted. "
            if first.gpus > 1
            else ""
        )
        + (
            f"Engine {peaks[0].engine}: solved on its peak memory (the larger of prefill, "
            "the batch's prompts together, and first decode step); not modelled: "
            f"{peaks[0].not_modelled}. "
            if peaks
            else ""
        )
        + (
            "Engine none: weights + cache only, activations left to the reserve"
            + (" (* " + "; ".join(fallbacks) + ")" if fallbacks else "")
            + ". "
            if len(peaks) < len(fits)
            else ""
        )
        + f"Bytes in {unit.value} ({'10^9' if unit is ByteUnit.GB else '2^30'})."
    )


def fits_json(fits: Sequence[FitResult]) -> str:
    return json.dumps({"fits": [f.model_dump(mode="json") for f in fits]}, indent=2) + "\n"


def fits_csv(fits: Sequence[FitResult]) -> str:
    rows = [f.model_dump(mode="json") for f in fits]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def render_fits(
    fits: Sequence[FitResult], output: OutputFormat, unit: ByteUnit, console: Console | None = None
) -> str | None:
    """``fit`` results in ``output``; tables print (returns ``None``), text is returned."""
    if output is OutputFormat.JSON:
        return fits_json(fits)
    if output is OutputFormat.CSV:
        return fits_csv(fits)
    headers, rows = fit_rows(fits, unit)
    if output is OutputFormat.MARKDOWN:
        return _markdown(headers, rows, fit_caption(fits, unit))
    device = fits[0].hardware or "custom memory"
    _rich_table(
        f"What fits: longest context and largest batch on {device}",
        headers,
        rows,
        fit_caption(fits, unit),
        console,
    )
    return None


def hardware_rows(profiles: Sequence[tuple[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """One row per profile: name, memory, bandwidth and each stated peak in TFLOP/s."""
    from lccost.hardware import PEAK_DTYPES

    headers = [
        "name",
        "memory (GiB)",
        "bandwidth (GB/s)",
        *(f"{dtype} (TFLOP/s)" for dtype in PEAK_DTYPES),
    ]
    rows = []
    for stem, profile in profiles:
        stated = profile.peak_flops_per_s.stated()
        peaks = [
            _tflops(stated[d]) + ("~" if d in profile.estimated else "") if d in stated else "-"
            for d in PEAK_DTYPES
        ]
        rows.append(
            [
                stem,
                f"{profile.memory_bytes / GIB:,.1f}",
                f"{profile.memory_bandwidth_bytes_per_s / GB:,.0f}",
                *peaks,
            ]
        )
    return headers, rows


def _tflops(flops_per_s: int) -> str:
    return f"{flops_per_s / 1e12:,.1f}"  # one decimal in every row: 19.5 beside 2,250.0


def hardware_table(profiles: Sequence[tuple[str, Any]]) -> TextTable:
    headers, rows = hardware_rows(profiles)
    return TextTable(
        "Shipped hardware profiles",
        headers,
        rows,
        "memory in GiB (2^30); bandwidth in GB/s (10^9); dense peaks (no 2:4 "
        "sparsity) in TFLOP/s (int8: TOP/s); ~ = estimate, not a vendor figure; "
        "`--hardware NAME` takes the name",
    )


def print_hardware(profiles: Sequence[tuple[str, Any]], console: Console | None = None) -> None:
    from lccost.render.table import print_table

    print_table(hardware_table(profiles), console)
