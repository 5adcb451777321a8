"""``lccost compare`` and ``lccost sweep``: costs side by side."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lccost.cli.deploy import ComputeDType, Gpus, HardwareName
from lccost.cli.options import (
    AccountingOption,
    Batch,
    BlockSize,
    Context,
    DType,
    EngineOption,
    Explain,
    FlopsOption,
    Format,
    KvDType,
    KvUnified,
    Parallel,
    SwaFull,
    UbatchSize,
    Units,
    llamacpp_params,
)
from lccost.conventions import MAX_GENERATE_TOKENS, Accounting, ByteUnit, FlopConvention
from lccost.render.formats import OutputFormat

if TYPE_CHECKING:  # the report models pull in pydantic; `lccost --help` should not
    from lccost.api import Analysis

Models = Annotated[
    list[str],
    typer.Argument(
        help="Shipped model names (see `lccost list`), spec files or config.json files."
    ),
]
Baseline = Annotated[
    str | None,
    typer.Option(
        "--baseline",
        help="A model to divide by: adds its own row and ratio columns (e.g. 27% of its FLOPs).",
    ),
]
Plot = Annotated[
    str | None,
    typer.Option(
        "--plot",
        metavar="FILE|-",
        help="Draw --plot-quantity against context, log-log, one line per model: a .png, .svg or "
        ".pdf file (needs matplotlib: pip install 'lccost[plot]'; an existing file is replaced "
        "only with --force), or - (or term) for a text plot.",
    ),
]
PlotQuantity = Annotated[
    str,
    typer.Option(
        "--plot-quantity",
        help="What --plot draws: kv_cache_bytes, decode_flops, decode_bytes or prefill_flops.",
    ),
]


def emit(
    analysis: Analysis,
    output: OutputFormat,
    units: ByteUnit,
    explain: bool = False,
    per_layer: bool = False,
) -> None:
    """Print ``analysis`` (and with ``explain`` the terms behind each result)."""
    from lccost.render.report import render_analysis

    text = render_analysis(analysis, output, units, per_layer=per_layer)
    if text is not None:
        typer.echo(text, nl=False)
    if explain:
        explain_all(analysis, output)


def explain_all(analysis: Analysis, output: OutputFormat) -> None:
    """``--explain`` for every result: on stdout under a table, on stderr beside JSON, CSV or
    Markdown (which must stay parseable)."""
    from lccost.render.explain import print_explanation, print_peak
    from lccost.render.table import make_console

    console = make_console(stderr=output is not OutputFormat.TABLE)
    for index, model_cost in enumerate(analysis.model_costs):
        print_explanation(model_cost, console)
        if index < len(analysis.peaks):
            print_peak(analysis.peaks[index], console)


def compare(
    models: Models,
    context: Context = 131072,
    batch: Batch = 1,
    dtype: DType = "bf16",
    kv_dtype: KvDType = None,
    accounting: AccountingOption = Accounting.REFERENCE,
    flops: FlopsOption = FlopConvention.USEFUL,
    block_size: BlockSize = None,
    baseline: Baseline = None,
    output: Format = OutputFormat.TABLE,
    units: Units = ByteUnit.GB,
    per_layer: Annotated[
        bool,
        typer.Option(
            "--per-layer", help="Per-layer detail: a layer table per model (JSON: a layers list)."
        ),
    ] = False,
    explain: Explain = False,
    hardware: HardwareName = None,
    gpus: Gpus = 1,
    compute_dtype: ComputeDType = None,
    engine: EngineOption = None,
    generate: Annotated[
        int | None,
        typer.Option(
            "--generate",
            min=1,
            max=MAX_GENERATE_TOKENS,
            metavar="N",
            help="Also give the decode FLOPs of generating N tokens after the prompt (a table "
            "column; JSON/CSV: generate_decode_flops; exact sum over positions L .. L+N-1; "
            f"N up to {MAX_GENERATE_TOKENS:,}).",
        ),
    ] = None,
    parallel: Parallel = None,
    kv_unified: KvUnified = None,
    swa_full: SwaFull = None,
    ubatch_size: UbatchSize = None,
) -> None:
    """One row per model: KV cache, prefill and decode FLOPs, decode traffic, parameters.

    Example: lccost compare deepseek-v4-pro deepseek-v4-flash --baseline deepseek-v3.2
    --context 1M --kv-dtype native
    """
    from lccost import api

    llamacpp = llamacpp_params(accounting, parallel, kv_unified, swa_full, ubatch_size)
    workload = api.make_workload(
        context, batch, dtype, kv_dtype, accounting, flops, block_size, llamacpp, hardware
    )
    analysis = api.analyse(
        models,
        workload,
        baseline=baseline,
        per_layer=per_layer,
        generate=generate,
        hardware=hardware,
        gpus=gpus,
        compute_dtype=compute_dtype,
        engine=engine,
    )
    emit(analysis, output, units, explain=explain, per_layer=per_layer)


def _contexts(text: str) -> str:
    """``--context`` of ``sweep`` checked while parsing (a usage error, exit 2)."""
    from lccost.api import parse_contexts
    from lccost.errors import LccostError

    try:
        parse_contexts(text)
    except LccostError as error:
        raise typer.BadParameter(str(error)) from None
    return text


def sweep(
    models: Models,
    contexts: Annotated[
        str,
        typer.Option(
            "--context",
            "-c",
            metavar="LIST|RANGE",
            callback=_contexts,
            help="Context lengths: a list (4k,32k,128k,1M) or a range (1k..1M: powers of two, "
            "or see --points and --every); k = 1024, M = 1048576.",
        ),
    ] = "4k..1M",
    points: Annotated[
        int | None,
        typer.Option(
            "--points",
            min=2,
            help="N contexts over the --context range, both ends included, "
            "evenly spaced in log (or in tokens with --linear).",
        ),
    ] = None,
    linear: Annotated[
        bool, typer.Option("--linear", help="With --points: evenly spaced in tokens, not in log.")
    ] = False,
    every: Annotated[
        int | None,
        typer.Option(
            "--every",
            min=1,
            help="Every N tokens over the --context range (exact steps: pages, "
            "compressed blocks, a window's knee).",
        ),
    ] = None,
    batch: Batch = 1,
    dtype: DType = "bf16",
    kv_dtype: KvDType = None,
    accounting: AccountingOption = Accounting.REFERENCE,
    flops: FlopsOption = FlopConvention.USEFUL,
    block_size: BlockSize = None,
    baseline: Baseline = None,
    output: Format = OutputFormat.TABLE,
    units: Units = ByteUnit.GB,
    hardware: HardwareName = None,
    gpus: Gpus = 1,
    compute_dtype: ComputeDType = None,
    engine: EngineOption = None,
    plot: Plot = None,
    plot_quantity: PlotQuantity = "kv_cache_bytes",
    force: Annotated[
        bool, typer.Option("--force", help="Let --plot replace an existing file.")
    ] = False,
    parallel: Parallel = None,
    kv_unified: KvUnified = None,
    swa_full: SwaFull = None,
    ubatch_size: UbatchSize = None,
) -> None:
    """The same quantities across context lengths, one row per model and context.

    Example: lccost sweep llama-3.1-8b deepseek-v4-flash --context 1k..1M --plot kv.png

    Dense: --context 1k..1M --points 1000 (log-spaced; --linear) or --every 4096 (exact steps).
    """
    from lccost import api

    if points is not None and every is not None:
        raise typer.BadParameter("give --points or --every, not both", param_hint="--every")
    if linear and points is None:
        raise typer.BadParameter("--linear spaces --points; give --points N", param_hint="--linear")
    contexts_list = api.parse_contexts(contexts, points=points, linear=linear, every=every)
    llamacpp = llamacpp_params(accounting, parallel, kv_unified, swa_full, ubatch_size)
    workload = api.make_workload(
        contexts_list[0], batch, dtype, kv_dtype, accounting, flops, block_size, llamacpp, hardware
    )
    if plot is not None:  # an unusable plot fails before any work or output
        from lccost.render.plot import check_plot_target, quantity

        quantity(plot_quantity)
        if plot not in ("-", "term"):
            check_plot_target(Path(plot), force=force)
    analysis = api.analyse(
        models,
        workload,
        contexts=contexts_list,
        baseline=baseline,
        hardware=hardware,
        gpus=gpus,
        compute_dtype=compute_dtype,
        engine=engine,
    )
    emit(analysis, output, units)
    if plot is not None:
        _plot(
            analysis,
            plot,
            plot_quantity,
            to_stdout=output in (OutputFormat.TABLE, OutputFormat.MARKDOWN),
        )


def _plot(analysis: Analysis, target: str, quantity: str, to_stdout: bool) -> None:
    """``--plot``: a file (message on stderr) or a text plot (on stdout unless the output is
    JSON or CSV, which must stay parseable)."""
    from lccost.render.plot import terminal_plot, write_plot

    report = analysis.report
    if target in ("-", "term"):
        typer.echo(terminal_plot(report, quantity), nl=False, err=not to_stdout)
        return
    limits = {c.architecture.name: c.architecture.spec.max_context for c in analysis.model_costs}
    summary = write_plot(report, quantity, Path(target), limits)
    dropped = f"; {summary.dropped} zero values left out (log scale)" if summary.dropped else ""
    typer.echo(f"wrote {target}: {quantity}, {len(summary.series)} series{dropped}", err=True)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
    app.command("sweep")(sweep)
