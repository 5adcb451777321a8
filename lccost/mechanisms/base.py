"""What every mechanism's cost functions receive besides their own spec."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pydantic import Field

from lccost.accounting import VLLM_DEFAULT_BLOCK_TOKENS
from lccost.conventions import FlopConvention
from lccost.ledger import PartCosts
from lccost.mechanisms.storage import DTypeName
from lccost.spec.base import SpecModel
from lccost.workload import Workload

if TYPE_CHECKING:
    from lccost.mechanisms.attention import Attention


@dataclass(frozen=True)
class LayerEnv:
    """The model-wide facts a layer's formulas use.

    ``hidden_size`` (D); the ``workload``; ``kv_source``: for a layer that reads another layer's
    cache (cross-layer KV sharing), that layer's attention spec; ``attention_token_bytes``: under
    ``vllm``, bytes per token of the model's attention cache, the page a fixed-size state is
    padded to (``lccost.mechanisms.recurrent.state_costs``; None without attention layers).
    """

    hidden_size: int
    workload: Workload
    kv_source: Attention | None = None
    attention_token_bytes: int | None = None

    @property
    def context_tokens(self) -> int:
        return self.workload.context_tokens

    def block_size(self, vllm_default: int = VLLM_DEFAULT_BLOCK_TOKENS) -> int:
        """Tokens per page under the ``vllm`` accounting: ``--block-size`` if given, else the size
        vLLM picks for this mechanism (``vllm_default``)."""
        return self.workload.block_size or vllm_default

    @property
    def executed(self) -> bool:
        return self.workload.flops is FlopConvention.EXECUTED


class MechanismSpec(SpecModel):
    """What every attention and feed-forward mechanism's spec has besides its own fields.

    ``compute_formats`` pins the number format a FLOP term's operands are multiplied in, by term
    name (the names ``--explain`` prints), where the model's own kernels differ from the weight
    dtype: DeepSeek V4 runs core attention in bf16 and its indexer in fp4 while its weights are
    fp8. It only affects the precision-weighted FLOPs (``fp8-equivalent``); raw FLOPs are
    unchanged.
    """

    compute_formats: dict[str, DTypeName] = Field(default_factory=dict)

    def vllm_state_bytes(self, env: LayerEnv) -> int | None:
        """Bytes of this layer's fixed-size states for one sequence as vLLM pages them
        (``MambaSpec.page_size_bytes`` before padding); None for a layer without such states."""
        return None

    def vllm_page_token_bytes(self, env: LayerEnv) -> int | None:
        """Bytes per token of this layer's K/V page under vllm, for an attention layer that
        holds one (what vLLM pads a hybrid model's state pages to); None otherwise."""
        return None

    def tagged(self, costs: PartCosts) -> PartCosts:
        """``costs`` with the FLOP terms tagged by ``compute_formats``."""
        if not self.compute_formats:
            return costs
        return replace(costs,
                       prefill_flops=costs.prefill_flops.computed_in(self.compute_formats),
                       decode_flops=costs.decode_flops.computed_in(self.compute_formats))
