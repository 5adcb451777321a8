"""Plain-text renderings of a report: JSON (the contract), CSV (exact integers) and Markdown."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from lccost.conventions import ByteUnit, format_bytes, format_context, format_flops

if TYPE_CHECKING:  # the report models pull in pydantic; `lccost --help` should not
    from lccost.report import CostResult, Report


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


CSV_FIELDS = (
    "model", "context", "batch", "dtype", "kv_dtype", "accounting", "flop_convention",
    "kv_cache_bytes", "prefill_flops", "decode_flops", "decode_bytes", "decode_weight_bytes",
    "decode_cache_read_bytes", "decode_cache_write_bytes", "params_total", "params_active",
    "params_embedding", "params_effective", "decode_intensity", "prefill_intensity",
    "decode_flops_fp8_equivalent", "generate_tokens", "generate_decode_flops", "baseline",
)


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2)


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    ratio_names = sorted({k for r in report.results for k in (r.ratios or {})})
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CSV_FIELDS, *(f"ratio_{name}" for name in ratio_names)])
    for result in report.results:
        row = [getattr(result, name) for name in CSV_FIELDS]
        ratios = result.ratios or {}
        writer.writerow([*("" if v is None else v for v in row),
                         *(ratios.get(name, "") for name in ratio_names)])
    return buffer.getvalue()


def caption(report: Report, unit: ByteUnit) -> str:
    """What every number in a table means: the settings shared by the results and the units."""
    first = report.results[0]
    contexts = sorted({r.context for r in report.results})
    context = (f"context {format_context(first.context)} ({first.context:,} tokens)"
               if len(contexts) == 1 else "contexts as listed")
    settings = f" ({first.accounting_settings})" if first.accounting_settings else ""
    return (f"{context}, batch {first.batch}, weights {first.dtype}, KV {first.kv_dtype}; "
            f"accounting: {first.accounting.value}{settings}; FLOPs: "
            f"{first.flop_convention.value} "
            f"(2 per multiply-add); bytes in "
            + ("decimal units (GB = 10^9, MB = 10^6)" if unit is ByteUnit.GB
               else "binary units (GiB = 2^30, MiB = 2^20)"))


def summary_rows(results: Sequence[CostResult],
                 unit: ByteUnit) -> tuple[list[str], list[list[str]]]:
    """Column headers and human-readable cells shared by the table and Markdown renderings."""
    with_ratios = any(r.ratios for r in results)
    with_context = len({r.context for r in results}) > 1
    headers = ["model", *(["context"] if with_context else []), "KV cache", "prefill FLOPs",
               "decode FLOPs", "decode bytes", "params (active)", "decode FLOP/B"]
    if with_ratios:
        headers += ["KV vs base", "decode FLOPs vs base"]
    rows = []
    for r in results:
        row = [r.model, *([format_context(r.context)] if with_context else []),
               format_bytes(r.kv_cache_bytes, unit), format_flops(r.prefill_flops),
               format_flops(r.decode_flops), format_bytes(r.decode_bytes, unit),
               f"{r.params_total / 1e9:,.2f}B ({r.params_active / 1e9:,.2f}B)",
               f"{r.decode_intensity:,.1f}"]
        if with_ratios:
            ratios = r.ratios or {}
            row += [f"{ratios.get('kv_cache_bytes', float('nan')):.1%}",
                    f"{ratios.get('decode_flops', float('nan')):.1%}"]
        rows.append(row)
    return headers, rows


def to_markdown(report: Report, unit: ByteUnit) -> str:
    headers, rows = summary_rows(report.results, unit)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + f"\n\n{caption(report, unit)}\n"
