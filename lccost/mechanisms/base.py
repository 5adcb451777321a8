"""The mechanism interface: what the engine, the spec checks, ``fit`` and the reports may ask of a
mechanism, and what its cost functions receive besides its own spec.

A mechanism is one pydantic model (a ``kind`` literal and its fields) in its own module under
``lccost/mechanisms/``, subclassing ``MechanismSpec``, plus one entry in a union of
``lccost/mechanisms/__init__.py``. The union is the only registry, and these methods are the only
way the rest of lccost reaches a mechanism: no caller probes for attributes (``getattr``) or
branches on mechanism types (``isinstance``). Two methods must be written; the others have
defaults that are right for a mechanism without the feature they describe.

Must be written:
- ``summary()``: one line for tables, e.g. ``"GQA window 512 8q/1kv x 256"``;
- ``costs(env)``: every ledger of one layer at ``env.workload``, per sequence (``PartCosts``):
  parameters, cache bytes held after L tokens, bytes read and written by one decode step,
  prefill FLOPs of L tokens, decode FLOPs at context L. Its module owns every formula for every
  accounting and FLOP convention, each written in the module docstring with its source,
  including what ``full-context`` holds for it (the table in ``docs/accountings.md``).
  Decode FLOP terms may depend on the context only through the symbol ``L``: ``--generate``
  re-evaluates each term at L + 1, L + 2, ... with its other symbols as bound.
  The context reaches ``costs`` only as ``env.context_tokens`` passed to a term as its symbol
  ``L``, or inside ``env.per_context(lambda L: ...)`` for a value computed in Python (tokens an
  accounting holds): ``costs`` also runs once per model with L unknown, to compile the fast
  path (``lccost.ledger``, compile mode), and any other arithmetic on L then raises.

Defaults (override where the mechanism has the feature):
- ``cache_period(env)`` = 1: S such that the layer's cache is monotone at stride S,
  cache(L + S) >= cache(L) (``fit`` searches with it); e.g. m for a compressor that frees its
  m - 1 buffered tokens when a block closes;
- ``reads_cache_of()`` = None: the index of the earlier layer whose cache this layer reads
  instead of holding one (cross-layer KV sharing); ``env.kv_source`` is then that layer's spec;
- ``sharing_group()`` = None: the "layer type" of Gemma 4's ``kv_sharing`` rule (a layer reads
  the last earlier owner of its group); None: this mechanism takes no part in sharing;
- ``reading_cache_of(layer)``: a copy of this spec that reads ``layer``'s cache (only called
  when ``sharing_group()`` is not None);
- ``sharing_problem(source)`` = refuses: why this layer cannot read the cache of ``source``
  (None when it can);
- ``query_heads_per_kv_head()`` = None: H / K for grouped-query attention, else None;
- ``sliding_window()`` = None: W, the keys a query of a windowed GQA layer sees, else None;
- ``context_problems(max_context)`` = none: (field path, message) for a value that cannot be
  right at the spec's ``max_context`` (a top-k larger than the entries that can exist);
- ``peak_attention(env)`` = None: the shape ``lccost.peak`` needs to model this layer's
  attention during a prefill and a decode step (``PeakAttention``: H query heads, K KV heads,
  head dim d, window W, whether it owns a cache, and e, the bytes one token's cache entry holds
  in the ``reference`` accounting, i.e. exactly what ``costs`` counts per held token there);
  None: the peak is not modelled for this mechanism, and ``lccost.peak`` refuses naming the
  layer and the mechanism rather than guess. Implement it only where the peak's terms (query,
  K/V, scores, masks of softmax attention as transformers runs it) are exact for the mechanism;
- ``peak_mlp()`` = None: the shape of a feed-forward block for the peak (``PeakMLP``: width I
  and whether gated: 3 B·L·I activation tensors alive at once if gated, else 2); None: not
  modelled (refused as above);
- ``vllm_state_bytes(env)`` = None: a fixed-size state's bytes per sequence as vLLM pages it
  (before padding), for a recurrent layer (``lccost.mechanisms.recurrent``);
- ``vllm_page_token_bytes(env)`` = None: bytes per token of an attention layer's vLLM page,
  what a hybrid model's state pages are padded to.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Self, cast

from pydantic import Field

from lccost.accounting import VLLM_DEFAULT_BLOCK_TOKENS, every_token
from lccost.conventions import FlopConvention
from lccost.ledger import CONTEXT, ContextDependent, PartCosts
from lccost.storage import DTypeName
from lccost.strict import SpecModel
from lccost.workload import Workload


@dataclass(frozen=True)
class PeakAttention:
    """What ``lccost.peak`` needs of a softmax-attention layer (``MechanismSpec.peak_attention``).

    ``query_heads`` H, ``kv_heads`` K, ``head_dim`` d, ``window`` W (None: full),
    ``owns_cache`` (False: reads another layer's cache), ``kv_bytes_per_token`` e: bytes of one
    token's cache entry in the ``reference`` accounting (K and V, two tensors of e / 2 each).
    """

    query_heads: int
    kv_heads: int
    head_dim: int
    window: int | None
    owns_cache: bool
    kv_bytes_per_token: int


@dataclass(frozen=True)
class PeakMLP:
    """What ``lccost.peak`` needs of a feed-forward block (``MechanismSpec.peak_mlp``): the
    width ``intermediate_size`` I and ``gated`` (gate, up and down)."""

    intermediate_size: int
    gated: bool

    @property
    def activation_tensors(self) -> int:
        """B·L·I tensors alive at once: act(gate), up and their product (3) if gated, else the
        up projection and its activation (2)."""
        return 3 if self.gated else 2


@dataclass(frozen=True)
class LayerEnv:
    """The model-wide facts a layer's formulas use.

    ``hidden_size`` (D); the ``workload``; ``kv_source``: for a layer that reads another layer's
    cache (``MechanismSpec.reads_cache_of``), that layer's spec; ``attention_token_bytes``: under
    ``vllm``, bytes per token of the model's attention cache, the page a fixed-size state is
    padded to (``lccost.mechanisms.recurrent.state_costs``; None without attention layers).
    ``compiling``: the context is unknown (``lccost.ledger``, compile mode) and
    ``workload.context_tokens`` is not used.
    """

    hidden_size: int
    workload: Workload
    kv_source: MechanismSpec | None = None
    attention_token_bytes: int | None = None
    compiling: bool = False

    @property
    def context_tokens(self) -> int:
        """L, for a term's symbol ``L`` (``CONTEXT`` in compile mode)."""
        return CONTEXT if self.compiling else self.workload.context_tokens

    def per_context(self, value_at: Callable[[int], int]) -> int:
        """``value_at(L)``: a symbol's value computed from L in Python (e.g. the tokens an
        accounting holds). In compile mode, that function itself, for the compiled code to call;
        ``every_token`` (the rule "all L tokens") is L itself, in both modes."""
        if value_at is every_token:
            return self.context_tokens
        if self.compiling:
            return cast(int, ContextDependent(value_at))
        return value_at(self.workload.context_tokens)

    def block_size(self, vllm_default: int = VLLM_DEFAULT_BLOCK_TOKENS) -> int:
        """Tokens per page under the ``vllm`` accounting: ``--block-size`` if given, else the size
        vLLM picks for this mechanism (``vllm_default``)."""
        return self.workload.block_size or vllm_default

    @property
    def executed(self) -> bool:
        return self.workload.flops is FlopConvention.EXECUTED


class MechanismSpec(SpecModel, ABC):
    """What every attention and feed-forward mechanism declares (module docstring).

    ``compute_formats`` pins the number format a FLOP term's operands are multiplied in, by term
    name (the names ``--explain`` prints), where the model's own kernels differ from the weight
    dtype: DeepSeek V4 runs core attention in bf16 and its indexer in fp4 while its weights are
    fp8. It only affects the precision-weighted FLOPs (``fp8-equivalent``); raw FLOPs are
    unchanged.
    """

    compute_formats: dict[str, DTypeName] = Field(default_factory=dict)

    @abstractmethod
    def summary(self) -> str:
        """One line naming the mechanism and its shape, for tables."""

    @abstractmethod
    def costs(self, env: LayerEnv) -> PartCosts:
        """Every ledger of one layer at ``env.workload``, per sequence (module docstring)."""

    def cache_period(self, env: LayerEnv) -> int:
        """S: cache(L + S) >= cache(L) for every L under ``env``'s accounting. 1: monotone."""
        return 1

    def reads_cache_of(self) -> int | None:
        """The earlier layer whose cache this layer reads instead of holding one; None: own."""
        return None

    def sharing_group(self) -> object | None:
        """The layer type a ``kv_sharing`` rule matches on; None: cannot share a cache."""
        return None

    def reading_cache_of(self, layer: int) -> Self:
        """This spec, reading the cache of ``layer`` instead of holding one."""
        raise NotImplementedError(f"{type(self).__name__} cannot read another layer's cache")

    def sharing_problem(self, source: MechanismSpec) -> str | None:
        """Why this layer cannot read the cache of a layer with spec ``source``; None if it can."""
        return "this mechanism cannot read another layer's cache"

    def query_heads_per_kv_head(self) -> int | None:
        """H / K of grouped-query attention (H = K: MHA, K = 1: MQA); None for other kinds."""
        return None

    def sliding_window(self) -> int | None:
        """W of a sliding-window GQA layer (keys a query sees, itself included); None for a
        full layer or another kind."""
        return None

    def context_problems(self, max_context: int) -> list[tuple[tuple[str, ...], str]]:
        """(field path, message) for each value that cannot be right at ``max_context``."""
        return []

    def peak_attention(self, env: LayerEnv) -> PeakAttention | None:
        """This layer's attention shape for the peak (module docstring); None: not modelled."""
        return None

    def peak_mlp(self) -> PeakMLP | None:
        """This feed-forward block's shape for the peak (module docstring); None: not modelled."""
        return None

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
        return replace(
            costs,
            prefill_flops=costs.prefill_flops.computed_in(self.compute_formats),
            decode_flops=costs.decode_flops.computed_in(self.compute_formats),
        )
