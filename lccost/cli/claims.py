"""``lccost claims``: the published numbers, recomputed (see ``lccost.claims``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lccost.cli.options import Format
from lccost.render.formats import OutputFormat


def claims(
    output: Format = OutputFormat.TABLE,
    path: Annotated[
        Path | None,
        typer.Option("--file", help="A claims file (default: the shipped configs/claims.yaml)."),
    ] = None,
) -> None:
    """Recompute every published claim from the shipped specs; exit 1 if one fails.

    Each claim: its text and source, the published value with the range its rounding allows,
    what lccost computes (same unit) and under which accounting, and pass / FAIL / known
    deviation.
    """
    from lccost.claims import check_claims
    from lccost.errors import LccostError
    from lccost.render.claims import render_claims

    outcomes = check_claims(path)
    text = render_claims(outcomes, output)
    if text is not None:
        typer.echo(text, nl=False)
    failed = [o.claim.id for o in outcomes if not o.passed]
    if failed:
        raise LccostError(f"{len(failed)} claim(s) no longer hold: {', '.join(failed)}")


def register(app: typer.Typer) -> None:
    app.command("claims")(claims)
