"""``lccost import-hf`` and ``lccost verify``: Hugging Face config.json files in and out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lccost.cli.options import Force, OutputFile
from lccost.errors import LccostError

FLOP_TOLERANCE = 0.02
"""``verify`` fails when lccost's executed decode FLOPs are more than 2% off the reference's."""

DEFAULT_CONTEXTS = ["1024", "4099"]
"""``verify``'s default contexts: past every shipped window, one not a multiple of 4 or 128."""


def import_hf(
    config: Annotated[Path, typer.Argument(help="A Hugging Face config.json.")],
    output: OutputFile = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="The spec's name (default: the model folder, or the file's stem)."
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Translate a config.json into an lccost YAML spec (validated; missing fields take the
    transformers 5.23.0 class defaults, listed under notes). Model types: see docs/coverage.md
    (lccost.hf.supported_model_types())."""
    from lccost.cli.output import write_text
    from lccost.files import check_target
    from lccost.hf import hf_spec, spec_to_yaml
    from lccost.inputs import check_path_name

    check_path_name(config, "a config.json")
    if output is not None:  # refused before any work: the input itself, a folder, an existing
        check_target(output, [config], force)  # file without --force
    spec = hf_spec(config, name)
    if write_text(spec_to_yaml(spec), output, [config], force):
        typer.echo(f"wrote {output} ({spec['name']})")


def _config_path(model: str) -> Path:
    """A config.json for ``model``: the file, a folder holding one, or a shipped model's own
    config.json (configs/hf/<name>.json, shipped with lccost; SOURCES.md there says where each
    comes from)."""
    from lccost.inputs import check_path_name
    from lccost.spec.loader import CONFIG_DIRS

    path = Path(model)
    check_path_name(path, "a config.json, a folder holding one, or a shipped model name")
    if path.is_dir():
        path = path / "config.json"
    if path.exists():
        return path
    for directory in CONFIG_DIRS:
        bundled = directory / "hf" / f"{model}.json"
        if bundled.exists():
            return bundled
    raise LccostError(
        f"{model!r} is neither a config.json, a folder holding one, nor a shipped "
        "model with its config.json (configs/hf/); give the model's config.json"
    )


def _verify_contexts(texts: list[str] | None) -> list[str] | None:
    """Each ``-c`` checked while parsing (exit 2): a context list of 1 token or more."""
    from lccost.api import parse_contexts

    for text in texts or []:
        try:
            parse_contexts(text)
        except LccostError as error:
            raise typer.BadParameter(str(error)) from None
    return texts


def _verify_dtype(text: str) -> str:
    from lccost.cli.options import parse_dtype
    from lccost.reference import TORCH_DTYPES

    name = parse_dtype(text) or text
    if name not in TORCH_DTYPES:
        raise typer.BadParameter(
            f"{text!r}: the reference model is built in {', '.join(TORCH_DTYPES)}"
        )
    return name


def verify(
    model: Annotated[
        str, typer.Argument(help="A config.json, a folder holding one, or a shipped model name.")
    ],
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context",
            "-c",
            metavar="TOKENS",
            callback=_verify_contexts,
            help="Context L (repeatable, or 1k,4k): 131072, 128k, 1M; 1 token or more.",
        ),
    ] = None,
    dtype: Annotated[
        str,
        typer.Option(
            "--dtype",
            parser=_verify_dtype,
            metavar="DTYPE",
            help="Weight and cache dtype of the reference model: bf16, fp32, fp16.",
        ),
    ] = "bf16",
) -> None:
    """Check lccost against the transformers reference for one model: cache bytes (reference
    accounting, to the byte) and executed decode FLOPs (within 2%), measured on the meta
    device (no weights, no arithmetic). Needs torch and transformers:
    pip install 'lccost[reference]'."""
    from lccost.api import parse_contexts
    from lccost.reference import require_reference, verify_hf_config

    require_reference()
    contexts = [c for text in (context or DEFAULT_CONTEXTS) for c in parse_contexts(text)]
    path = _config_path(model)
    rows = verify_hf_config(path, contexts, dtype=dtype)
    typer.echo(
        f"{path}: transformers 5.23.0 reference (meta device, {dtype}) vs lccost "
        "(--accounting reference --flops executed)"
    )
    typer.echo(
        f"{'context':>9}  {'cache bytes (ref)':>20}  {'lccost':>20}  {'':5}  "
        f"{'decode FLOPs (ref)':>20}  {'lccost':>20}  diff"
    )
    failed = 0
    for row in rows:
        bytes_ok = row.cache_exact
        flops_ok = abs(row.flops_difference) <= FLOP_TOLERANCE
        failed += not (bytes_ok and flops_ok)
        typer.echo(
            f"{row.context_tokens:>9,}  {row.reference_cache_bytes:>20,}  "
            f"{row.lccost_cache_bytes:>20,}  {'ok' if bytes_ok else 'DIFF':5}  "
            f"{row.reference_decode_flops:>20,}  {row.lccost_decode_flops:>20,}  "
            f"{row.flops_difference:+.3%}{'' if flops_ok else '  DIFF'}"
        )
    if failed:
        raise LccostError(
            f"{failed} of {len(rows)} contexts disagree with the reference "
            "(cache bytes must match exactly, decode FLOPs within 2%)"
        )


def register(app: typer.Typer) -> None:
    app.command("import-hf")(import_hf)
    app.command("verify")(verify)
