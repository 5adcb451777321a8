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
    Explain,
    FlopsOption,
    KvDType,
    Units,
)
from lccost.conventions import Accounting, ByteUnit, FlopConvention


def list_models(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable list.")] = False,
) -> None:
    """List the shipped model specs with a one-line summary each."""
    import json

    from lccost.api import load
    from lccost.spec.loader import shipped_configs

    rows = []
    for name, path in shipped_configs().items():
        architecture = load(path)
        rows.append({"name": name, "layers": len(architecture.layers),
                     "description": architecture.spec.description, "path": str(path)})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    width = max(len(str(r["name"])) for r in rows)
    for row in rows:
        typer.echo(f"{row['name']:<{width}}  {row['layers']:>3} layers  {row['description']}")


def validate(
    paths: Annotated[list[Path], typer.Argument(help="Spec files (YAML) or config.json files.")],
) -> None:
    """Check spec files: exit 0 when all are valid, else print each problem and exit 1."""
    from lccost.api import load
    from lccost.errors import LccostError

    failures = []
    for path in paths:
        try:
            architecture = load(path)
        except LccostError as error:
            failures.append(str(error))
            continue
        typer.echo(f"ok  {path}  ({architecture.name}, {len(architecture.layers)} layers)")
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
    costs: Annotated[bool, typer.Option("--costs/--no-costs",
                                        help="Add per-layer cache and FLOPs.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Per-layer results as JSON.")] = False,
    explain: Explain = False,
    hardware: HardwareName = None,
    gpus: Gpus = 1,
    compute_dtype: ComputeDType = None,
) -> None:
    """The expanded layer table: per layer its mechanism, heads, window, whose KV it reads,
    its FFN, and (at --context) its cache and FLOPs."""
    from lccost.api import load, make_workload
    from lccost.engine import cost
    from lccost.render.formats import to_json
    from lccost.report import Conventions, Report, cost_result

    architecture = load(model)
    workload = make_workload(context, batch, dtype, kv_dtype, accounting, flops, block_size,
                             hardware=hardware)
    model_cost = cost(architecture, workload)
    result = cost_result(model_cost, per_layer=True)
    lines = None
    if hardware is not None:
        from lccost.hardware import rooflines

        lines = rooflines([model_cost], hardware, gpus, compute_dtype)
    if as_json:
        report = Report(conventions=Conventions(flop_convention=workload.flops,
                                                accounting=workload.accounting),
                        results=[result])
        if lines is None:
            typer.echo(to_json(report))
        else:
            from lccost.render.deployment import report_with_roofline
            from lccost.render.formats import OutputFormat

            typer.echo(report_with_roofline(report, lines, OutputFormat.JSON, units), nl=False)
        return
    from lccost.render.table import print_layers, print_report

    spec = architecture.spec
    title = (f"{spec.name}: {len(architecture.layers)} layers, hidden {spec.hidden_size}, "
             f"vocab {spec.vocab_size}")
    print_layers(title, result.layers or [], units, with_costs=costs)
    if costs:
        print_report(Report(conventions=Conventions(flop_convention=workload.flops,
                                                    accounting=workload.accounting),
                            results=[result]), units)
    if lines is not None:
        from lccost.render.deployment import print_rooflines

        print_rooflines(lines)
    if explain:
        from lccost.cli.explain import print_explanation

        print_explanation(model_cost)


def register(app: typer.Typer) -> None:
    app.command("list")(list_models)
    app.command("validate")(validate)
    app.command("show")(show)
