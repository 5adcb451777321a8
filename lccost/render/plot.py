"""Plots of a sweep: one labelled line per model against context length, log-log.

``write_plot`` draws a PNG, SVG or PDF file with matplotlib, imported on first use only (the
optional extra ``lccost[plot]``), so ``lccost --help`` never pays for it. ``terminal_plot``
draws the same series as plain text for a quick look. No arithmetic beyond scaling to the
unit named on the axis.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lccost.conventions import GB, format_context
from lccost.errors import LccostError
from lccost.files import check_target, write_atomic
from lccost.report import CostResult, Report


@dataclass(frozen=True)
class Quantity:
    """A plottable field of ``CostResult``: its axis label and the unit it is scaled to."""

    field: str
    label: str
    unit: str
    divisor: int


PLOT_QUANTITIES: dict[str, Quantity] = {
    q.field: q
    for q in (
        Quantity("kv_cache_bytes", "KV cache held", "GB, 10^9 bytes", GB),
        Quantity("decode_flops", "decode FLOPs per step", "GFLOP, 2 per multiply-add", 10**9),
        Quantity("decode_bytes", "bytes moved per decode step", "GB, 10^9 bytes", GB),
        Quantity("prefill_flops", "prefill FLOPs", "TFLOP, 2 per multiply-add", 10**12),
    )
}
"""What ``--plot-quantity`` accepts."""

PLOT_SUFFIXES = (".png", ".svg", ".pdf")

INSTALL_HINT = "pip install 'lccost[plot]'"


@dataclass(frozen=True)
class Series:
    """One model's points: (context tokens, value in the quantity's unit); zero values are
    left out (a log axis cannot show them) and counted in ``dropped``."""

    model: str
    points: tuple[tuple[int, float], ...]
    dropped: int


@dataclass(frozen=True)
class PlotSummary:
    path: Path | None
    quantity: str
    series: tuple[Series, ...]

    @property
    def dropped(self) -> int:
        return sum(s.dropped for s in self.series)


def quantity(name: str) -> Quantity:
    try:
        return PLOT_QUANTITIES[name]
    except KeyError:
        raise LccostError(f"cannot plot {name!r}; allowed: {', '.join(PLOT_QUANTITIES)}") from None


def series_of(results: Sequence[CostResult], name: str) -> tuple[Series, ...]:
    """One series per model, in the order the models first appear, points by context."""
    what = quantity(name)
    grouped: dict[str, list[tuple[int, int]]] = {}
    for result in results:
        grouped.setdefault(result.model, []).append((result.context, getattr(result, what.field)))
    series = []
    for model, raw in grouped.items():
        kept = tuple(
            (context, value / what.divisor)
            for context, value in sorted(raw)
            if value > 0 and context > 0
        )
        series.append(Series(model, kept, len(raw) - len(kept)))
    return tuple(series)


def _title(report: Report, what: Quantity) -> str:
    first = report.results[0]
    return (
        f"{what.label} vs context: batch {first.batch}, weights {first.dtype}, "
        f"KV {first.kv_dtype}, accounting {first.accounting.value}"
    )


def check_plot_target(path: Path, force: bool = False) -> None:
    """Refuse a plot file before any work: a wrong suffix, no matplotlib, a folder, a missing
    folder, an existing file without ``force`` (``lccost.files.check_target``)."""
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise LccostError(
            f"plot file {str(path)!r}: allowed suffixes {', '.join(PLOT_SUFFIXES)};"
            " or --plot - for a text plot in the terminal"
        )
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise LccostError(
            f"--plot needs matplotlib, which is not installed: {INSTALL_HINT}"
        ) from None
    check_target(path, force=force)


MAX_TICKS = 16
"""More contexts than this make a dense sweep: no markers, ticks at powers of two."""


def _power_of_two_ticks(low: int, high: int) -> list[int]:
    """At most ``MAX_TICKS`` powers of two (every 1st, 2nd, 3rd... exponent) in [low, high]."""
    exponents = list(range(max(0, low - 1).bit_length(), high.bit_length()))
    step = max(1, -(-len(exponents) // MAX_TICKS))
    return [2**e for e in exponents[::step] if low <= 2**e <= high] or [low, high]


def write_plot(
    report: Report, name: str, path: Path, max_context: Mapping[str, int | None] | None = None
) -> PlotSummary:
    """Draw ``name`` against context for every model of ``report`` into ``path`` (log-log).

    With ``max_context`` (model name -> its spec's limit), points past a model's limit are
    drawn dashed: what the architecture would hold, not what the model was trained for. Each
    line carries the SVG id ``series-<i>`` (its dashed part ``beyond-max-context-<i>``), so
    the file can be checked and restyled.
    """
    what = quantity(name)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise LccostError(
            f"plot file {str(path)!r}: allowed suffixes {', '.join(PLOT_SUFFIXES)};"
            " or --plot - for a text plot in the terminal"
        )
    if not report.results:
        raise LccostError("nothing to plot: the sweep has no results")
    try:
        import matplotlib
        from matplotlib.figure import Figure
        from matplotlib.ticker import FixedLocator, NullLocator
    except ImportError:
        raise LccostError(
            f"--plot needs matplotlib, which is not installed: {INSTALL_HINT}"
        ) from None
    series = series_of(report.results, name)
    contexts = sorted({c for s in series for c, _ in s.points})
    # A dense sweep (--points, --every) draws plain lines, so that page and block steps show,
    # with ticks at powers of two instead of at every context.
    dense = len(contexts) > MAX_TICKS
    marker = "" if dense else "o"
    # svg.fonttype none: text stays text (searchable, restylable); hashsalt: stable SVG ids.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "lccost"}):
        figure = Figure(figsize=(8, 5), dpi=150, layout="constrained")
        axes = figure.add_subplot()
        dashed = False
        for index, one in enumerate(series):
            if not one.points:
                continue
            limit = (max_context or {}).get(one.model)
            inside = [p for p in one.points if limit is None or p[0] <= limit]
            beyond = [p for p in one.points if limit is not None and p[0] > limit]
            shown = inside or beyond[:1]
            (line,) = axes.plot(
                [c for c, _ in shown],
                [v for _, v in shown],
                marker=marker,
                markersize=3,
                linewidth=1.6,
                label=one.model,
            )
            line.set_gid(f"series-{index}")
            if beyond:
                dashed = True
                tail = inside[-1:] + beyond
                (extension,) = axes.plot(
                    [c for c, _ in tail],
                    [v for _, v in tail],
                    linestyle="--",
                    linewidth=1.2,
                    marker=marker,
                    markersize=2,
                    color=line.get_color(),
                )
                extension.set_gid(f"beyond-max-context-{index}")
        axes.set_xscale("log", base=2)
        axes.set_yscale("log")
        ticks = _power_of_two_ticks(contexts[0], contexts[-1]) if dense else contexts
        axes.xaxis.set_major_locator(FixedLocator(ticks))
        axes.xaxis.set_minor_locator(NullLocator())
        axes.set_xticks(ticks, [format_context(c) for c in ticks])
        axes.set_xlabel("context length L (tokens; K = 1024, M = 1,048,576)")
        axes.set_ylabel(f"{what.label} ({what.unit})")
        axes.set_title(
            _title(report, what) + ("\ndashed: past the model's max_context" if dashed else ""),
            fontsize=10,
        )
        axes.grid(True, which="major", alpha=0.3)
        axes.legend(fontsize=8)
        metadata = {"Date": None} if path.suffix.lower() in (".svg", ".pdf") else {}
        image = io.BytesIO()
        figure.savefig(image, format=path.suffix.lower()[1:], metadata=metadata)
    write_atomic(path, image.getvalue())
    return PlotSummary(path, name, series)


MARKERS = "ox+*#@%&=ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def terminal_plot(report: Report, name: str, width: int = 64, height: int = 16) -> str:
    """The series as a text grid, log-log, one marker per model, with a legend."""
    what = quantity(name)
    series = series_of(report.results, name)
    points = [(c, v) for s in series for c, v in s.points]
    if not points:
        return f"{what.label}: no positive values to plot\n"
    x_low, x_high = math.log2(min(c for c, _ in points)), math.log2(max(c for c, _ in points))
    y_low, y_high = math.log10(min(v for _, v in points)), math.log10(max(v for _, v in points))
    grid = [[" "] * width for _ in range(height)]

    def cell(low: float, high: float, value: float, size: int) -> int:
        return 0 if high == low else round((value - low) / (high - low) * (size - 1))

    for index, one in enumerate(series):
        marker = MARKERS[index % len(MARKERS)]
        for context, value in one.points:
            column = cell(x_low, x_high, math.log2(context), width)
            row = height - 1 - cell(y_low, y_high, math.log10(value), height)
            grid[row][column] = marker
    top, bottom = f"{10**y_high:.4g}", f"{10**y_low:.4g}"
    margin = max(len(top), len(bottom))
    lines = [f"{what.label} ({what.unit}), log-log"]
    for row, cells in enumerate(grid):
        label = top if row == 0 else bottom if row == height - 1 else ""
        lines.append(f"{label:>{margin}} |{''.join(cells)}")
    lines.append(f"{'':>{margin}} +{'-' * width}")
    left, right = format_context(2 ** round(x_low)), format_context(2 ** round(x_high))
    lines.append(f"{'':>{margin}}  {left}{right:>{width - len(left)}}   context (tokens)")
    for index, one in enumerate(series):
        lines.append(f"  {MARKERS[index % len(MARKERS)]}  {one.model}")
    return "\n".join(lines) + "\n"
