"""Rich tables for the terminal (rich is imported here only, on first use)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lccost.conventions import ByteUnit, format_bytes, format_flops
from lccost.ledger import Ledger
from lccost.render.formats import caption, summary_rows
from lccost.report import LayerResult, Report


def print_report(report: Report, unit: ByteUnit, console: Console | None = None) -> None:
    console = console or Console()
    headers, rows = summary_rows(report.results, unit)
    table = Table(title="lccost", caption=caption(report, unit), caption_justify="left")
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 else "right", no_wrap=i == 0)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def print_layers(title: str, layers: Sequence[LayerResult], unit: ByteUnit, with_costs: bool,
                 console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=title)
    for header in ("layer", "attention", "KV from", "FFN"):
        table.add_column(header)
    if with_costs:
        for header in ("cache", "decode FLOPs", "prefill FLOPs"):
            table.add_column(header, justify="right")
    for layer in layers:
        source = "own" if layer.kv_source_layer is None else f"layer {layer.kv_source_layer}"
        row = [str(layer.index), layer.attention, source, layer.ffn]
        if with_costs:
            row += [format_bytes(layer.cache_bytes, unit), format_flops(layer.decode_flops),
                    format_flops(layer.prefill_flops)]
        table.add_row(*row)
    console.print(table)


def print_ledger(title: str, ledger: Ledger, console: Console | None = None) -> None:
    """Each term: its name, formula, the formula with numbers, and its value."""
    console = console or Console()
    table = Table(title=title, show_lines=False)
    for header in ("term", "formula", "with the numbers", "value"):
        table.add_column(header, justify="right" if header == "value" else "left")
    for term in ledger:
        table.add_row(escape(term.name), escape(term.formula), escape(term.substituted()),
                      f"{term.value:,}")
    table.add_row("total", "", "", f"{ledger.total:,}")
    console.print(table)
