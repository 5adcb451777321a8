"""``--explain``: the terms behind each figure, identical layers printed once.

For each explained quantity, layers whose terms are the same (same names, formulas, numbers
and values) form one group, titled with the exact set of layers it covers (``layers 0-3, 5,
9-13``). The weight bytes follow from the parameter ledgers and the weight dtype.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from lccost.accounting import HELD_TOKENS_RULE
from lccost.conventions import number_format
from lccost.engine import ModelCost
from lccost.ledger import Ledger
from lccost.render.formats import TextTable
from lccost.render.table import literal, make_console, print_ledger, print_table

if TYPE_CHECKING:
    from lccost.peak import PeakMemory, ReportPeak

EXPLAINED = (
    ("cache_bytes", "cache bytes per sequence"),
    ("prefill_flops", "prefill FLOPs per sequence"),
    ("decode_flops", "decode FLOPs per sequence"),
    ("cache_read_bytes", "cache bytes read per decode step per sequence"),
    ("cache_write_bytes", "cache bytes written per decode step per sequence"),
    ("params", "parameters"),
)


def layer_set(indices: list[int]) -> str:
    """``[0, 1, 2, 3, 5, 9, 10, 11, 12, 13]`` -> ``0-3, 5, 9-13``: every index, in runs."""
    runs: list[list[int]] = []
    for index in sorted(indices):
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ", ".join(
        f"{run[0]}-{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs
    )


def _key(ledger: Ledger) -> tuple[tuple[str, str, str, int], ...]:
    return tuple((t.name, t.formula, t.substituted(), t.value) for t in ledger)


def grouped_ledgers(model_cost: ModelCost, quantity: str) -> list[tuple[list[int], Ledger]]:
    """Layers with identical ``quantity`` ledgers (attention + FFN), in order of first layer."""
    groups: dict[tuple[tuple[str, str, str, int], ...], tuple[list[int], Ledger]] = {}
    for layer in model_cost.layers:
        ledger = getattr(layer.attention, quantity) + getattr(layer.ffn, quantity)
        if ledger.terms:
            groups.setdefault(_key(ledger), ([], ledger))[0].append(layer.index)
    return list(groups.values())


def print_explanation(model_cost: ModelCost, console: Console | None = None) -> None:
    console = console or make_console()
    w = model_cost.workload
    console.print()
    console.print(
        literal(
            f"{model_cost.architecture.name}: context L = {w.context_tokens:,}, "
            f"accounting {w.accounting.value}, FLOPs {w.flops.value} (2 per multiply-add), "
            f"weights {w.dtype}, KV {w.effective_kv_dtype}. Per sequence; totals x batch "
            f"{w.batch}. In cache terms, e = bytes per token entry, "
            f"{HELD_TOKENS_RULE[w.accounting]}."
        )
    )
    for spec_source in model_cost.architecture.spec.sources:
        covers = f" ({spec_source.covers})" if spec_source.covers else ""
        console.print(literal(f"  source: {spec_source.ref}{covers}"))
    for quantity, label in EXPLAINED:
        for indices, ledger in grouped_ledgers(model_cost, quantity):
            count = f"{len(indices)} layers" if len(indices) > 1 else "1 layer"
            print_ledger(f"{label}: layers {layer_set(indices)} ({count})", ledger, console)
        for name, part in model_cost.model_parts:
            ledger = getattr(part, quantity)
            if ledger.terms:
                print_ledger(f"{label}: {name}", ledger, console)
    fmt = number_format(w.dtype)
    console.print(
        literal(
            f"weight bytes ({w.dtype}: {fmt.description}): all {model_cost.params_total:,} "
            f"parameters = {fmt.whole_bytes_for(model_cost.params_total):,} B; read per decode "
            f"step, the {model_cost.params_active:,} active parameters = "
            f"{model_cost.decode_weight_bytes:,} B (once for the whole batch)"
        )
    )
    console.print(
        literal(
            f"decode bytes per step = weights {model_cost.decode_weight_bytes:,} + cache read "
            f"{model_cost.decode_cache_read_bytes:,} + cache written "
            f"{model_cost.decode_cache_write_bytes:,} + embedding rows {w.batch} x "
            f"{model_cost.embedding_row_bytes:,} = {model_cost.decode_bytes:,} B"
        )
    )


def print_peak(peak: ReportPeak, console: Console | None = None) -> None:
    """``prefill_peak_bytes`` and ``decode_peak_bytes`` term by term, each with the line of the
    engine's code that allocates it (``lccost.peak``), or n/a and why."""
    console = console or make_console()
    summary = peak.summary
    if summary is None:
        console.print(literal(f"peak memory under {peak.label}: n/a: {peak.reason}"))
        return
    phases: list[tuple[str, PeakMemory]] = [("prefill_peak_bytes", summary.prefill)]
    if summary.decode is summary.prefill:
        phases[0] = ("prefill_peak_bytes = decode_peak_bytes", summary.prefill)
    else:
        phases.append(("decode_peak_bytes", summary.decode))
    for label, memory in phases:
        rows = [[term.name, f"{term.bytes:,}", term.source] for term in memory.terms]
        rows.append(["total", f"{memory.total_bytes:,}", ""])
        print_table(
            TextTable(
                f"{label} under {peak.label}: {memory.phase} peak at {memory.where}",
                ("term", "bytes", "source"),
                rows,
                caption=f"not modelled: {memory.not_modelled}",
                numeric=(False, True, False),
            ),
            console,
        )
