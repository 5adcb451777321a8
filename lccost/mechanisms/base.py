"""What every mechanism's cost functions receive besides their own spec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lccost.conventions import FlopConvention
from lccost.workload import Workload

if TYPE_CHECKING:
    from lccost.mechanisms.attention import Attention


@dataclass(frozen=True)
class LayerEnv:
    """The model-wide facts a layer's formulas use.

    ``hidden_size`` (D); the ``workload``; ``kv_source``: for a layer that reads another layer's
    cache (cross-layer KV sharing), that layer's attention spec.
    """

    hidden_size: int
    workload: Workload
    kv_source: Attention | None = None

    @property
    def context_tokens(self) -> int:
        return self.workload.context_tokens

    @property
    def executed(self) -> bool:
        return self.workload.flops is FlopConvention.EXECUTED
