"""A command's analysis in the chosen format: the one dispatcher for compare, sweep and show.

Text formats (JSON, CSV, Markdown) are returned for the CLI to print; tables are drawn on the
console (``lccost.render.table``). With a hardware profile the roofline goes beside the report
(``lccost.render.deployment``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lccost.conventions import ByteUnit
from lccost.render.formats import OutputFormat, to_csv, to_json, to_markdown

if TYPE_CHECKING:
    from rich.console import Console

    from lccost.api import Analysis


def render_analysis(
    analysis: Analysis,
    output: OutputFormat,
    unit: ByteUnit,
    title: str | None = None,
    per_layer: bool = False,
    console: Console | None = None,
) -> str | None:
    """``analysis`` in ``output``: the text, or ``None`` once a table has been printed.
    ``per_layer`` adds each result's layer table under the summary table."""
    if analysis.rooflines is not None:
        from lccost.render.deployment import report_with_roofline

        text = report_with_roofline(analysis.report, analysis.rooflines, output, unit, console)
        if text is None and per_layer:
            print_layer_tables(analysis, unit, console)
        return text
    if output is OutputFormat.JSON:
        return to_json(analysis.report) + "\n"
    if output is OutputFormat.CSV:
        return to_csv(analysis.report)
    if output is OutputFormat.MARKDOWN:
        return to_markdown(analysis.report, unit, peaks=analysis.peaks_requested)
    from lccost.render.table import print_report

    print_report(analysis.report, unit, console, title, peaks=analysis.peaks_requested)
    if per_layer:
        print_layer_tables(analysis, unit, console)
    return None


def print_layer_tables(analysis: Analysis, unit: ByteUnit, console: Console | None) -> None:
    from lccost.render.formats import row_label
    from lccost.render.table import print_layers

    for result in analysis.report.results:
        if result.layers is not None:
            print_layers(
                f"{row_label(result)}: {len(result.layers)} layers",
                result.layers,
                unit,
                with_costs=True,
                console=console,
            )
