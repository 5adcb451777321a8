"""Pinned storage formats: how a model's own inference code stores a part of its cache.

DeepSeek's production caches mix formats inside one entry (fp8 values with block scales beside a
bf16 rotary part; fp4 indexer keys). A spec pins such a part with a ``StorageFormat``; the pin is
used under ``--kv-dtype native`` (see ``Workload.cache_entry_bytes``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from pydantic import Field

from lccost.conventions import NUMBER_FORMATS
from lccost.strict import SpecModel

DTypeName = Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4", "fp4", "mxfp4", "nvfp4"]


class StorageFormat(SpecModel):
    """``dtype`` values plus ``scale_bytes`` of scale per ``scale_block`` values.

    Bytes for n values = n x bits(dtype) / 8 + ceil(n / scale_block) x scale_bytes.
    Example (DeepSeek V3.2 MLA latent, FlashMLA README): 512 fp8 values with one fp32 scale per
    128 = 512 + 4 x 4 = 528 bytes.
    """

    dtype: DTypeName
    scale_block: int = Field(0, ge=0)
    scale_bytes: int = Field(0, ge=0)

    def bytes_for(self, elements: int) -> Fraction:
        return Fraction(self.bits_for(elements), 8)

    def bits_for(self, elements: int) -> int:
        """``bytes_for`` x 8, an integer."""
        bits = NUMBER_FORMATS[self.dtype].bits_for(elements)
        if self.scale_block:
            bits += -(-elements // self.scale_block) * self.scale_bytes * 8
        return bits
