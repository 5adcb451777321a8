"""``lccost fit``, ``lccost hardware`` and ``lccost schema``: deployment answers.

Also the ``--hardware``/``--gpus``/``--compute-dtype`` options that ``compare``, ``show`` and
``sweep`` share.
"""

from __future__ import annotations

from typing import Annotated

import typer

from lccost.cli.options import (
    AccountingOption,
    Batch,
    BlockSize,
    DType,
    Force,
    KvDType,
    OutputFile,
    Units,
    parse_dtype,
    parse_tokens,
)
from lccost.conventions import MAX_GPUS, Accounting, ByteUnit
from lccost.render.formats import OutputFormat

HardwareName = Annotated[
    str | None,
    typer.Option(
        "--hardware",
        metavar="NAME|PATH",
        help="A hardware profile (see `lccost hardware`) or a profile YAML file: adds the roofline "
        "(decode ms/step, tokens/s, which bound, time to first token).",
    ),
]
Gpus = Annotated[
    int,
    typer.Option(
        "--gpus",
        min=1,
        max=MAX_GPUS,
        help="Devices in tensor parallel: FLOPs, weights and cache split evenly; communication is "
        f"not modelled (1 to {MAX_GPUS:,}).",
    ),
]
ComputeDType = Annotated[
    str | None,
    typer.Option(
        "--compute-dtype",
        parser=parse_dtype,
        metavar="DTYPE",
        help="The peak to use (fp32, bf16, fp16, fp8, int8, fp4); default: the "
        "weight dtype, else what the device runs it in (bf16).",
    ),
]


def _bytes(text: str) -> int:
    from lccost.errors import LccostError
    from lccost.fit import parse_bytes

    try:
        return parse_bytes(text)
    except LccostError as error:
        raise typer.BadParameter(str(error)) from None


def _reserve(text: str | None) -> str | None:
    """``--reserve`` checked while parsing (a usage error), kept as text for ``parse_reserve``."""
    from lccost.errors import LccostError
    from lccost.fit import parse_reserve

    if text is None:
        return None
    try:
        parse_reserve(text)
    except LccostError as error:
        raise typer.BadParameter(str(error)) from None
    return text


def fit(
    models: Annotated[
        list[str],
        typer.Argument(
            help="Shipped model names (see `lccost list`), spec files or config.json files."
        ),
    ],
    hardware: HardwareName = None,
    memory: Annotated[
        int | None,
        typer.Option(
            "--memory",
            parser=_bytes,
            metavar="SIZE",
            help="Memory per device instead of the profile's: 80GB (10^9 bytes), 80GiB (2^30), "
            "or bytes.",
        ),
    ] = None,
    gpus: Gpus = 1,
    batch: Batch = 1,
    context: Annotated[
        int | None,
        typer.Option(
            "--context",
            "-c",
            parser=parse_tokens,
            metavar="TOKENS",
            help="Context for 'largest batch' (default: each model's max_context, else 128k); "
            "k = 1024, M = 1048576.",
        ),
    ] = None,
    dtype: DType = "bf16",
    kv_dtype: KvDType = None,
    accounting: AccountingOption = Accounting.REFERENCE,
    block_size: BlockSize = None,
    reserve: Annotated[
        str | None,
        typer.Option(
            "--reserve",
            metavar="SHARE|SIZE",
            callback=_reserve,
            help="Memory each device keeps for what the engine's peak does not model: 10%, 8GB, "
            "8GiB or 0. Default: 1GiB under transformers (CUDA context and cuBLAS workspace, "
            "measured on an H200), 10% under vllm (gpu_memory_utilization 0.9) and none.",
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            metavar="ENGINE",
            help="Solve on this engine's peak memory: transformers (prefill activations, "
            "full-prompt K/V of sliding layers, masks), vllm (paged cache + one chunk) or "
            "none (weights + cache). Default: the --accounting's engine (reference: "
            "transformers, vllm: vllm, others: none).",
        ),
    ] = None,
    attn: Annotated[
        str,
        typer.Option(
            "--attn", metavar="IMPL", help="transformers attention implementation: sdpa or eager."
        ),
    ] = "sdpa",
    max_batched_tokens: Annotated[
        int | None,
        typer.Option(
            "--max-batched-tokens",
            min=1,
            help="vllm: tokens of one prefill chunk. Default: what `vllm serve` picks, 8192 on "
            "devices of 70 GiB or more (not A100), else 2048.",
        ),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TABLE,
    units: Units = ByteUnit.GB,
) -> None:
    """The longest context that fits at --batch, and the largest batch at --context, after the
    weights (all parameters in --dtype) and the reserve. Exact: solved on the cost engine, not
    by bytes per token.

    Example: lccost fit llama-3.1-8b gemma-4-e4b --hardware rtx-4090 --batch 4
    """
    from lccost import api
    from lccost.errors import LccostError
    from lccost.fit import ENGINE_RESERVES, fit_many, parse_reserve
    from lccost.hardware import load_hardware
    from lccost.peak import AttentionImpl, Engine, default_engine, unmodelled_reason
    from lccost.render.deployment import render_fits

    if hardware is None and memory is None:
        raise LccostError(
            "say how much memory: --hardware NAME (see `lccost hardware`) or "
            "--memory SIZE (e.g. 80GB)"
        )
    profile = load_hardware(hardware) if hardware is not None else None
    capacity = memory if memory is not None else profile.memory_bytes  # type: ignore[union-attr]
    workload = api.make_workload(
        0, batch, dtype, kv_dtype, accounting, block_size=block_size, hardware=profile
    )
    label = profile.name if profile is not None else None
    if profile is not None and memory is not None:
        label = f"{profile.name} (memory set to {memory:,} bytes)"
    allowed_engines = ", ".join(e.value for e in Engine)
    if engine is not None and engine not in allowed_engines.split(", "):
        raise typer.BadParameter(
            f"{engine!r} is not an engine; allowed: {allowed_engines}", param_hint="--engine"
        )
    if attn not in ("sdpa", "eager"):
        raise typer.BadParameter(
            f"{attn!r} is not an attention implementation; allowed: sdpa, eager",
            param_hint="--attn",
        )
    chosen = Engine(engine) if engine is not None else default_engine(accounting)
    workload = api.with_engine_device(workload, chosen, profile)
    results = []
    for architecture in (api.load(m) for m in models):
        used = chosen
        refusal = None if engine is not None else unmodelled_reason(architecture, chosen)
        if refusal is not None:
            # The default engine cannot model this one: answer from weights + cache, and say so.
            used = Engine.NONE
        reserve_value = (
            parse_reserve(reserve) if reserve is not None else ENGINE_RESERVES[used.value]
        )
        (result,) = fit_many(
            [architecture],
            workload,
            capacity,
            reserve_value,
            gpus,
            context,
            label,
            used,
            AttentionImpl(attn),
            max_batched_tokens,
        )
        if refusal is not None:
            result = result.model_copy(update={"engine": f"none ({refusal})"})
        results.append(result)
    text = render_fits(results, output, units)
    if text is not None:
        typer.echo(text, nl=False)


def hardware_list(
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TABLE,
    as_json: Annotated[
        bool, typer.Option("--json", hidden=True, help="Deprecated: use --format json.")
    ] = False,
) -> None:
    """The shipped hardware profiles: memory, bandwidth and dense peaks per dtype, with sources
    in each YAML (configs/hardware). Any profile file can be passed by path instead."""
    import json

    from lccost.hardware import load_hardware, shipped_hardware
    from lccost.render.deployment import hardware_table
    from lccost.render.table import render_table

    profiles = [(stem, load_hardware(path)) for stem, path in shipped_hardware().items()]
    json_text = (
        json.dumps(
            [
                {
                    "id": stem,
                    "path": str(shipped_hardware()[stem]),
                    **profile.model_dump(mode="json"),
                }
                for stem, profile in profiles
            ],
            indent=2,
        )
        + "\n"
    )
    text = render_table(
        hardware_table(profiles), OutputFormat.JSON if as_json else output, json_text
    )
    if text is not None:
        typer.echo(text, nl=False)


def schema(
    out: OutputFile = None,
    hardware: Annotated[
        bool,
        typer.Option(
            "--hardware-profile", help="The schema of hardware profiles instead of model specs."
        ),
    ] = False,
    force: Force = False,
) -> None:
    """The JSON Schema of spec files (with `extends`), for editor completion and checking.

    Example: lccost schema -o lccost.schema.json, then start a spec with
    # yaml-language-server: $schema=./lccost.schema.json
    """
    import json

    from lccost.cli.output import write_text
    from lccost.schema import hardware_json_schema, spec_json_schema

    text = json.dumps(hardware_json_schema() if hardware else spec_json_schema(), indent=2) + "\n"
    if write_text(text, out, force=force):
        typer.echo(f"wrote {out}", err=True)


def register(app: typer.Typer) -> None:
    app.command("fit")(fit)
    app.command("hardware")(hardware_list)
    app.command("schema")(schema)
