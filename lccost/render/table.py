"""Tables for the terminal that never cut a digit (rich is imported here only, on first use).

Rich shrinks a table that is wider than the console by cutting cells to ``…``: ``811… MB``.
``print_table`` never lets it. Each column is given at least the width of its widest cell;
when the columns do not fit side by side, the table is split into parts that each repeat the
first (label) column, and below about 40 columns it is printed as one block per row
(``header: value`` lines). Headers wrap on their words. When the output is not a terminal
(``| cat``, ``> file``) the table is written at its full natural width.

Every cell, title and caption is literal text: a model name ``[bold red]BIG[/]`` prints as
written (no markup), and control characters print as escapes (``\\x1b``), so a spec's name
cannot rewrite the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from lccost.conventions import ByteUnit
from lccost.ledger import Ledger
from lccost.render.formats import (
    OutputFormat,
    TextTable,
    layer_rows,
    markdown,
    printable,
    summary_table,
    table_csv,
)
from lccost.report import LayerResult, Report

UNLIMITED_WIDTH = 100_000
"""Console width when the output is not a terminal: tables keep their natural width."""

MIN_SPLIT_WIDTH = 40
"""Below this many columns a table is printed as one block per row instead of side by side."""

LABEL_MAX_WIDTH = 28
"""The label (first) column folds longer names onto more lines rather than squeeze numbers."""


def literal(text: str) -> Text:
    """``text`` as it is written: no rich markup, control characters as ``\\xNN`` escapes."""
    return Text(printable(text))


def make_console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr): the terminal's width, or unlimited width when piped."""
    console = Console(highlight=False, stderr=stderr)
    if not console.is_terminal:
        console = Console(highlight=False, stderr=stderr, width=UNLIMITED_WIDTH)
    return console


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def column_widths(table: TextTable) -> list[int]:
    """The narrowest width each column may take without cutting a cell: a numeric column its
    widest cell; the label column its widest cell up to ``LABEL_MAX_WIDTH`` (longer names
    fold); headers wrap on words, so their longest word."""
    widths = []
    for i, header in enumerate(table.headers):
        cells = [printable(row[i]) for row in table.rows]
        if table.is_numeric(i):
            width = max([len(c) for c in cells] + [_longest_word(header)])
        else:
            width = min(max([len(c) for c in cells] + [_longest_word(header), 1]), LABEL_MAX_WIDTH)
            width = max(width, _longest_word(header))
        widths.append(max(width, 1))
    return widths


def natural_widths(table: TextTable) -> list[int]:
    """Each column's width with nothing wrapped: its widest cell or its whole header."""
    return [
        max([len(printable(row[i])) for row in table.rows] + [len(header)])
        for i, header in enumerate(table.headers)
    ]


def fitted_widths(table: TextTable, columns: Sequence[int], available: int) -> list[int]:
    """Widths for ``columns``: each at least its ``column_widths`` minimum, then widened
    towards its natural width, left to right, while the table stays within ``available``."""
    least, natural = column_widths(table), natural_widths(table)
    widths = [least[i] for i in columns]
    spare = available - table_width(widths)
    for n, i in enumerate(columns):
        grow = min(max(natural[i] - widths[n], 0), max(spare, 0))
        widths[n] += grow
        spare -= grow
    return widths


def table_width(widths: Sequence[int]) -> int:
    """Rich's width of a boxed table: each cell padded by one space a side, one rule between
    and around the columns."""
    return sum(widths) + 3 * len(widths) + 1


def _parts(widths: Sequence[int], width: int) -> list[list[int]] | None:
    """Column indices of each part when the table is split to fit ``width`` (each part repeats
    column 0), or ``None`` when even one value column beside the label does not fit."""
    parts: list[list[int]] = []
    current = [0]
    for i in range(1, len(widths)):
        if table_width([widths[j] for j in [*current, i]]) <= width:
            current.append(i)
            continue
        if len(current) == 1:
            return None
        parts.append(current)
        current = [0, i]
    parts.append(current)
    return parts


def print_table(table: TextTable, console: Console | None = None) -> None:
    """``table`` on ``console`` without cutting any cell (see the module docstring)."""
    console = console or make_console()
    widths = column_widths(table)
    available = console.width
    if table_width(widths) <= available:
        _print_rich(table, list(range(len(widths))), available, console, table.title)
        return
    parts = _parts(widths, available) if available >= MIN_SPLIT_WIDTH else None
    if parts is None:
        _print_blocks(table, console)
        return
    for n, columns in enumerate(parts, 1):
        title = f"{table.title} (part {n} of {len(parts)})" if table.title else ""
        _print_rich(table, columns, available, console, title, caption=n == len(parts))


def _print_rich(
    table: TextTable,
    columns: Sequence[int],
    available: int,
    console: Console,
    title: str,
    caption: bool = True,
) -> None:
    widths = fitted_widths(table, columns, available)
    rich_table = Table(
        title=literal(title) if title else None,
        caption=literal(table.caption) if caption and table.caption else None,
        caption_justify="left",
    )
    for i, width in zip(columns, widths, strict=True):
        numeric = table.is_numeric(i)
        rich_table.add_column(
            literal(table.headers[i]),
            justify="right" if numeric else "left",
            width=width,
            overflow="fold",
        )
    for row in table.rows:
        rich_table.add_row(*(literal(row[i]) for i in columns))
    console.print(rich_table)


def _print_blocks(table: TextTable, console: Console) -> None:
    """The narrow layout: per row, its label, then one ``header: value`` line per column."""
    if table.title:
        console.print(literal(table.title))
    for row in table.rows:
        console.print(literal(row[0]))
        for header, cell in zip(table.headers[1:], row[1:], strict=True):
            console.print(literal(f"  {header}: {cell}"))
    if table.caption:
        console.print(literal(table.caption))


def render_table(
    table: TextTable, output: OutputFormat, json_text: str, console: Console | None = None
) -> str | None:
    """A listing in ``output``: ``json_text`` for JSON, else ``table`` as CSV, Markdown or a
    printed table (then ``None``)."""
    if output is OutputFormat.JSON:
        return json_text
    if output is OutputFormat.CSV:
        return table_csv(table)
    if output is OutputFormat.MARKDOWN:
        return markdown(table)
    print_table(table, console)
    return None


def print_report(
    report: Report,
    unit: ByteUnit,
    console: Console | None = None,
    title: str | None = None,
    peaks: bool = False,
) -> None:
    print_table(summary_table(report, unit, title, peaks), console)


def print_layers(
    title: str,
    layers: Sequence[LayerResult],
    unit: ByteUnit,
    with_costs: bool,
    console: Console | None = None,
) -> None:
    headers, rows, numeric = layer_rows(layers, unit, with_costs)
    print_table(TextTable(title, headers, rows, numeric=numeric), console)


def print_ledger(title: str, ledger: Ledger, console: Console | None = None) -> None:
    """Each term: its name, formula, the formula with numbers, and its value."""
    rows = [[term.name, term.formula, term.substituted(), f"{term.value:,}"] for term in ledger]
    rows.append(["total", "", "", f"{ledger.total:,}"])
    print_table(
        TextTable(
            title,
            ("term", "formula", "with the numbers", "value"),
            rows,
            numeric=(False, False, False, True),
        ),
        console,
    )
