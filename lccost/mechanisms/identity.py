"""Layers without a mixer or without a feed-forward block.

Hybrid models stack single-purpose blocks: a Nemotron-H layer is a Mamba2 mixer, an attention
mixer, an MLP or a MoE, each alone after its norm (transformers 5.23.0 ``NemotronHBlock``:
``block_type`` "mamba", "attention", "mlp" or "moe"). lccost's layer is a mixer plus a
feed-forward block, so the missing half is ``kind: none``: no weights, no cache, no FLOPs
(transformers gives such a layer a ``DummyLayer`` that holds nothing).
"""

from __future__ import annotations

from typing import Literal

from lccost.ledger import PartCosts
from lccost.mechanisms.base import LayerEnv, MechanismSpec


class NoMixer(MechanismSpec):
    """``kind: none`` in ``attention:``: the layer has no token mixer (an MLP-only block)."""

    kind: Literal["none"] = "none"

    def summary(self) -> str:
        return "none"

    def costs(self, env: LayerEnv) -> PartCosts:
        return PartCosts()


class NoFeedForward(MechanismSpec):
    """``kind: none`` in ``ffn:``: the layer has no feed-forward block (a mixer-only block)."""

    kind: Literal["none"] = "none"

    def summary(self) -> str:
        return "none"

    def costs(self, env: LayerEnv) -> PartCosts:
        return PartCosts()
