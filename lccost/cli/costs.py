"""``lccost compare`` and ``lccost sweep``: costs side by side."""

from __future__ import annotations

from typing import Annotated

import typer

from lccost.cli.options import (
    AccountingOption,
    Batch,
    BlockSize,
    Context,
    DType,
    Explain,
    FlopsOption,
    KvDType,
    Units,
)
from lccost.conventions import Accounting, ByteUnit, FlopConvention
from lccost.render.formats import OutputFormat
from lccost.report import Report

Models = Annotated[list[str], typer.Argument(
    help="Shipped model names (see `lccost list`), spec files or config.json files.")]
Baseline = Annotated[str | None, typer.Option(
    "--baseline", help="A model to divide by: adds ratio columns (e.g. 27% of its FLOPs).")]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def emit(report: Report, output: OutputFormat, units: ByteUnit) -> None:
    from lccost.render import formats

    if output is OutputFormat.JSON:
        typer.echo(formats.to_json(report))
    elif output is OutputFormat.CSV:
        typer.echo(formats.to_csv(report), nl=False)
    elif output is OutputFormat.MARKDOWN:
        typer.echo(formats.to_markdown(report, units), nl=False)
    else:
        from lccost.render.table import print_report

        print_report(report, units)


def compare(
    models: Models,
    context: Context = 131072,
    batch: Batch = 1,
    dtype: DType = "bf16",
    kv_dtype: KvDType = None,
    accounting: AccountingOption = Accounting.REFERENCE,
    flops: FlopsOption = FlopConvention.USEFUL,
    block_size: BlockSize = 16,
    baseline: Baseline = None,
    output: Format = OutputFormat.TABLE,
    units: Units = ByteUnit.GB,
    per_layer: Annotated[bool, typer.Option("--per-layer",
                                            help="Per-layer detail in JSON output.")] = False,
    explain: Explain = False,
) -> None:
    """One row per model: KV cache, prefill and decode FLOPs, decode traffic, parameters.

    Example: lccost compare deepseek-v4-pro deepseek-v4-flash --baseline deepseek-v3.2
    --context 1M --kv-dtype native
    """
    from lccost import api

    workload = api.make_workload(context, batch, dtype, kv_dtype, accounting, flops, block_size)
    report = api.compare(models, workload, baseline=baseline, per_layer=per_layer)
    emit(report, output, units)
    if explain:
        from lccost.cli.explain import print_explanation

        for model in models:
            print_explanation(api.model_cost(model, workload))


def sweep(
    models: Models,
    contexts: Annotated[str, typer.Option(
        "--context", "-c", metavar="LIST|RANGE",
        help="Context lengths: a list (4k,32k,128k,1M) or a range by powers of two (1k..1M); "
             "k = 1024, M = 1048576.")] = "4k..1M",
    batch: Batch = 1,
    dtype: DType = "bf16",
    kv_dtype: KvDType = None,
    accounting: AccountingOption = Accounting.REFERENCE,
    flops: FlopsOption = FlopConvention.USEFUL,
    block_size: BlockSize = 16,
    baseline: Baseline = None,
    output: Format = OutputFormat.TABLE,
    units: Units = ByteUnit.GB,
) -> None:
    """The same quantities across context lengths, one row per model and context."""
    from lccost import api

    points = api.parse_contexts(contexts)
    workload = api.make_workload(points[0], batch, dtype, kv_dtype, accounting, flops, block_size)
    report = api.sweep(models, points, workload, baseline=baseline)
    emit(report, output, units)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
    app.command("sweep")(sweep)
