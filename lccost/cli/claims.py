"""``lccost claims``: the published numbers, recomputed (see ``lccost.claims``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer


def claims(
    output: Annotated[str, typer.Option("--format", "-f",
                                        help="table, json or markdown.")] = "table",
    path: Annotated[Path | None, typer.Option(
        "--file", help="A claims file (default: the shipped configs/claims.yaml).")] = None,
) -> None:
    """Recompute every published claim from the shipped specs; exit 1 if one fails.

    Each claim: its text and source, the published value with the range its rounding allows,
    what lccost computes and under which accounting, and pass / FAIL / known deviation.
    """
    from lccost.claims import check_claims
    from lccost.errors import LccostError

    if output not in ("table", "json", "markdown"):
        raise typer.BadParameter("choose table, json or markdown", param_hint="--format")
    outcomes = check_claims(path)
    if output == "json":
        typer.echo(json.dumps([{
            "id": o.claim.id, "text": o.claim.text, "source": o.claim.source,
            "published": o.claim.published.model_dump(), "computed": float(o.computed),
            "status": o.status, "passed": o.passed,
            "computation": o.claim.computation.model_dump(mode="json"),
            "scope": o.claim.scope,
            "also": [{"label": label, "computed": float(value)} for label, value in o.also],
            "known_deviation": (o.claim.known_deviation.model_dump()
                                if o.claim.known_deviation else None),
        } for o in outcomes], indent=2))
    else:
        _print(outcomes, "markdown" if output == "markdown" else "table")
    failed = [o.claim.id for o in outcomes if not o.passed]
    if failed:
        raise LccostError(f"{len(failed)} claim(s) no longer hold: {', '.join(failed)}")


def _print(outcomes: list, style: Literal["table", "markdown"]) -> None:  # type: ignore[type-arg]
    rows = []
    for o in outcomes:
        c = o.claim.computation
        how = (f"{c.kind} of {c.quantity or c.fact}, {c.accounting.value}, "
               f"{c.kv_dtype or c.dtype} KV, {c.context}" if c.kind != "fact" else "architecture")
        also = "; ".join(f"{label}: {float(v):.4g}" for label, v in o.also)
        rows.append([o.claim.id, o.claim.published.text(), f"{float(o.computed):.4g}", how,
                     o.status, also])
    headers = ["claim", "published", "computed", "computation", "status", "other accountings"]
    if style == "markdown":
        typer.echo("| " + " | ".join(headers) + " |")
        typer.echo("|" + "---|" * len(headers))
        for row in rows:
            typer.echo("| " + " | ".join(row) + " |")
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Published claims, recomputed")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("claims")(claims)
