"""The mechanisms lccost knows, one module each; the unions below are the only registry.

Adding a mechanism = a module with its spec model (a ``kind`` literal and its fields)
subclassing ``lccost.mechanisms.base.MechanismSpec`` (the interface: ``summary()`` and
``costs(env)`` to write, the other declared methods where the mechanism has the feature), plus
one entry in a union here, plus its row in ``docs/accountings.md``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from lccost.mechanisms.attention import Attention
from lccost.mechanisms.cca import CompressedConvolutionalAttention
from lccost.mechanisms.chunked import ChunkedAttention
from lccost.mechanisms.compressed import (
    CompressedSparseAttention,
    HeavilyCompressedAttention,
    V4SlidingAttention,
)
from lccost.mechanisms.ffn import DenseMLP, MixtureOfExperts
from lccost.mechanisms.gated_deltanet import GatedDeltaNet
from lccost.mechanisms.identity import NoFeedForward, NoMixer
from lccost.mechanisms.kimi_delta import KimiDeltaAttention
from lccost.mechanisms.lightning import LightningAttention
from lccost.mechanisms.mamba2 import Mamba2
from lccost.mechanisms.mla import MultiHeadLatentAttention
from lccost.mechanisms.short_conv import ShortConvolution

AttentionSpec = Annotated[
    Attention
    | MultiHeadLatentAttention
    | CompressedConvolutionalAttention
    | CompressedSparseAttention
    | HeavilyCompressedAttention
    | V4SlidingAttention
    | ChunkedAttention
    | Mamba2
    | GatedDeltaNet
    | KimiDeltaAttention
    | LightningAttention
    | ShortConvolution
    | NoMixer,
    Field(discriminator="kind"),
]
"""Every token mixer (attention, or a fixed-state layer), chosen by its ``kind:``."""

FeedForwardSpec = Annotated[
    DenseMLP | MixtureOfExperts | NoFeedForward, Field(discriminator="kind")
]
"""Every feed-forward block, chosen by its ``kind:``."""
