"""``lccost claims``: the published numbers, recomputed (see ``lccost.claims``)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
