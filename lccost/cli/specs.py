"""``lccost list``, ``lccost validate`` and ``lccost show``: the specs themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    Units,
)
from lccost.conventions import Accounting, ByteUnit, FlopConvention
from lccost.render.formats import OutputFormat


def list_models(
    output: Format = OutputFormat.TABLE,
    as_json: Annotated[
        bool, typer.Option("--json", hidden=True, help="Deprecated: use --format json.")
    ] = False,
) -> None:
    """List the shipped model specs with a one-line summary each."""
    import json

    from lccost.api import load
    from lccost.spec.loader import shipped_specs

    rows = []
    for name, path in shipped_specs().items():
        architecture = load(path)
        rows.append(
            {
                "name": name,
                "layers": len(architecture.layers),
                "variant": path.parent.name == "variants",
                "description": architecture.spec.description,
                "path": str(path),
            }
        )
    from lccost.render.formats import TextTable
    from lccost.render.table import render_table

    text = render_table(
        TextTable(
            "Shipped specs",
            ("name", "kind", "layers", "description"),
            [
                [
                    str(r["name"]),
                    "variant" if r["variant"] else "model",
                    str(r["layers"]),
                    str(r["description"]),
                ]
                for r in rows
            ],
            "use a name wherever a model is asked for; variants (configs/variants) extend a model",
            numeric=(False, False, True, False),
        ),
        OutputFormat.JSON if as_json else output,
        json.dumps(rows, indent=2) + "\n",
    )
    if text is not None:
        typer.echo(text, nl=False)


def validate(
    paths: Annotated[list[Path], typer.Argument(help="Spec files (YAML) or config.json files.")],
) -> None:
    """Check spec files: exit 0 when all are valid, else print each problem and exit 1."""
    from lccost.api import load
    from lccost.errors import LccostError
    from lccost.render.formats import printable

    failures = []
    for path in paths:
        try:
            architecture = load(path)
        except LccostError as error:
            failures.append(str(error))
            continue
        typer.echo(
            printable(f"ok  {path}  ({architecture.name}, {len(architecture.layers)} layers)")
        )
    if failures:
        raise LccostError("\n".join(failures))


def show(
    model: Annotated[str, typer.Argument(help="Shipped model name, spec path or config.json.")],
    context: Context = 131072,
    batch: Batch = 1,
    dtype: DType = "bf16",
    kv_dtype: KvDType = None,
    accounting: AccountingOption = Accounting.REFERENCE,
    flops: FlopsOption = FlopConvention.USEFUL,
    block_size: BlockSize = None,
    units: Units = ByteUnit.GB,
    costs: Annotated[
        bool, typer.Option("--costs/--no-costs", help="Add per-layer cache and FLOPs.")
    ] = True,
    output: Format = OutputFormat.TABLE,
    as_json: Annotated[
        bool, typer.Option("--json", hidden=True, help="Deprecated: use --format json.")
    ] = False,
    explain: Explain = False,
    hardware: HardwareName = None,
    gpus: Gpus = 1,
    compute_dtype: ComputeDType = None,
    engine: EngineOption = None,
) -> None:
    """The expanded layer table: per layer its mechanism, heads, window, whose KV it reads,
    its FFN, and (at --context) its cache and FLOPs."""
    from lccost import api
    from lccost.render.report import render_analysis

    if as_json:
        output = OutputFormat.JSON
    workload = api.make_workload(
        context, batch, dtype, kv_dtype, accounting, flops, block_size, hardware=hardware
    )
    analysis = api.analyse(
        [model],
        workload,
        per_layer=True,
        hardware=hardware,
        gpus=gpus,
        compute_dtype=compute_dtype,
        engine=engine,
    )
    if output is OutputFormat.TABLE:
        from lccost.render.table import print_layers

        architecture = analysis.model_costs[0].architecture
        spec = architecture.spec
        result = analysis.report.results[0]
        title = (
            f"{spec.name}: {len(architecture.layers)} layers, hidden {spec.hidden_size}, "
            f"vocab {spec.vocab_size}"
        )
        print_layers(title, result.layers or [], units, with_costs=costs)
    if (
        output is not OutputFormat.TABLE
        or costs
        or analysis.rooflines is not None
        or analysis.peaks_requested
    ):
        text = render_analysis(analysis, output, units)
        if text is not None:
            typer.echo(text, nl=False)
    if explain:
        from lccost.cli.costs import explain_all

        explain_all(analysis, output)


def register(app: typer.Typer) -> None:
    app.command("list")(list_models)
    app.command("validate")(validate)
    app.command("show")(show)
