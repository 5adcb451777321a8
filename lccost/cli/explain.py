"""``--explain``: the terms behind each figure, grouped by identical layers."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from lccost.accounting import HELD_TOKENS_RULE
from lccost.engine import ModelCost
from lccost.render.table import print_ledger

EXPLAINED = (
    ("cache_bytes", "cache bytes per sequence"),
    ("decode_flops", "decode FLOPs per sequence"),
    ("cache_read_bytes", "cache bytes read per decode step per sequence"),
)


def print_explanation(model_cost: ModelCost, console: Console | None = None) -> None:
    console = console or Console()
    w = model_cost.workload
    console.print(
        f"\n[bold]{model_cost.architecture.name}[/bold]: context L = {w.context_tokens:,}, "
        f"accounting {w.accounting.value}, FLOPs {w.flops.value} (2 per multiply-add), "
        f"weights {w.dtype}, KV {w.effective_kv_dtype}. Per sequence; totals x batch "
        f"{w.batch}. In cache terms, e = bytes per token entry, "
        f"{escape(HELD_TOKENS_RULE[w.accounting])}.")
    for spec_source in model_cost.architecture.spec.sources:
        covers = f" ({spec_source.covers})" if spec_source.covers else ""
        console.print(escape(f"  source: {spec_source.ref}{covers}"))
    for quantity, label in EXPLAINED:
        for indices, layer in model_cost.layer_groups():
            ledger = getattr(layer.attention, quantity) + getattr(layer.ffn, quantity)
            if not ledger.terms:
                continue
            span = _span(indices)
            print_ledger(f"{label}: layers {span} (x{len(indices)} layers)", ledger, console)
        for name, part in model_cost.model_parts:
            ledger = getattr(part, quantity)
            if ledger.terms:
                print_ledger(f"{label}: {name}", ledger, console)


def _span(indices: list[int]) -> str:
    if len(indices) <= 6:
        return ", ".join(map(str, indices))
    return f"{', '.join(map(str, indices[:4]))}, ... {indices[-1]}"
