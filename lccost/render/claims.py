"""``lccost claims`` rendered: each claim's text and source, the published value with the range
its rounding allows, the computed value in the same unit, how it was computed, and the status.
Table, Markdown, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from fractions import Fraction

from lccost.claims import Computation, Outcome
from lccost.render.formats import OutputFormat, TextTable, markdown

CSV_FIELDS = (
    "id",
    "text",
    "source",
    "published_value",
    "unit",
    "precision",
    "published_low",
    "published_high",
    "computed",
    "status",
    "passed",
    "computation",
    "scope",
    "also",
)


def with_unit(value: Fraction | float, unit: str) -> str:
    """A claim's value in its unit: ``26.96%``, ``2.684 GB``, ``5.104B params``, ``35``."""
    number = f"{float(value):,.4g}"
    if unit == "%":
        return f"{number}%"
    if unit == "count":
        return number
    if unit == "B params":
        return f"{number}B params"
    return f"{number} {unit}"


def how(computation: Computation) -> str:
    c = computation
    if c.kind == "fact":
        return f"architecture fact: {c.fact} of {c.model}"
    of = f"{c.model} vs {c.other}" if c.other else c.model
    return (
        f"{c.kind} of {c.quantity}, {of}, {c.accounting.value}, "
        f"{c.kv_dtype or c.dtype} KV, context {c.context}"
    )


def claims_table(outcomes: Sequence[Outcome]) -> TextTable:
    headers = (
        "claim",
        "text",
        "source",
        "published",
        "computed",
        "computation",
        "status",
        "other accountings",
    )
    rows = []
    for o in outcomes:
        unit = o.claim.published.unit
        also = "; ".join(f"{label}: {with_unit(v, unit)}" for label, v in o.also)
        published = o.claim.published
        low, high = published.bounds()
        stated = with_unit(published.value, unit)
        if published.precision:
            stated += f" [{float(low):g}, {float(high):g})"
        rows.append(
            [
                o.claim.id,
                o.claim.text,
                o.claim.source,
                stated,
                with_unit(o.computed, unit),
                how(o.claim.computation),
                o.status,
                also,
            ]
        )
    failed = sum(not o.passed for o in outcomes)
    return TextTable(
        "Published claims, recomputed from the shipped specs",
        headers,
        rows,
        f"{len(outcomes)} claims, {failed} failing; a claim passes when the computed value "
        "lies in the range the published figure's rounding allows",
        numeric=(False, False, False, True, True, False, False, False),
    )


def claims_json(outcomes: Sequence[Outcome]) -> str:
    return (
        json.dumps(
            [
                {
                    "id": o.claim.id,
                    "text": o.claim.text,
                    "source": o.claim.source,
                    "published": o.claim.published.model_dump(),
                    "computed": float(o.computed),
                    "status": o.status,
                    "passed": o.passed,
                    "computation": o.claim.computation.model_dump(mode="json"),
                    "scope": o.claim.scope,
                    "also": [{"label": label, "computed": float(value)} for label, value in o.also],
                    "known_deviation": (
                        o.claim.known_deviation.model_dump() if o.claim.known_deviation else None
                    ),
                }
                for o in outcomes
            ],
            indent=2,
        )
        + "\n"
    )


def claims_csv(outcomes: Sequence[Outcome]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for o in outcomes:
        p = o.claim.published
        low, high = p.bounds()
        writer.writerow(
            [
                o.claim.id,
                o.claim.text,
                o.claim.source,
                p.value,
                p.unit,
                p.precision,
                float(low),
                float(high),
                float(o.computed),
                o.status,
                o.passed,
                how(o.claim.computation),
                o.claim.scope,
                "; ".join(f"{label}: {float(v)}" for label, v in o.also),
            ]
        )
    return buffer.getvalue()


def render_claims(outcomes: Sequence[Outcome], output: OutputFormat) -> str | None:
    """The claims in ``output``: text, or ``None`` once the table is printed."""
    if output is OutputFormat.JSON:
        return claims_json(outcomes)
    if output is OutputFormat.CSV:
        return claims_csv(outcomes)
    if output is OutputFormat.MARKDOWN:
        return markdown(claims_table(outcomes))
    from lccost.render.table import print_table

    print_table(claims_table(outcomes))
    return None
