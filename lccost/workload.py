"""The workload a cost is asked for: context, batch, number formats, accounting and convention."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from lccost.conventions import (
    MAX_BATCH,
    MAX_BLOCK_SIZE,
    MAX_CONTEXT_TOKENS,
    NATIVE_KV,
    Accounting,
    FlopConvention,
    NumberFormat,
    ceil_fraction,
    number_format,
)
from lccost.storage import StorageFormat


@dataclass(frozen=True)
class Workload:
    """Integers and names only; everything a mechanism's cost functions need besides its spec.

    ``context_tokens`` (L): tokens cached before the decode step, and the prompt length of the
    prefill. ``kv_dtype`` is a number format name or ``"native"`` (each cache part in the format
    its spec pins). ``block_size`` is the page size of the ``vllm`` accounting; ``None`` means
    the size vLLM uses for the mechanism (``LayerEnv.block_size``).
    """

    context_tokens: int
    batch: int = 1
    dtype: str = "bf16"
    kv_dtype: str | None = None
    accounting: Accounting = Accounting.REFERENCE
    flops: FlopConvention = FlopConvention.USEFUL
    block_size: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.context_tokens <= MAX_CONTEXT_TOKENS:
            raise ValueError(f"context must be 0 to {MAX_CONTEXT_TOKENS:,} tokens, not "
                             f"{self.context_tokens}")
        if not 1 <= self.batch <= MAX_BATCH:
            raise ValueError(f"batch must be 1 to {MAX_BATCH:,}, not {self.batch}")
        if self.block_size is not None and not 1 <= self.block_size <= MAX_BLOCK_SIZE:
            raise ValueError(f"block size must be 1 to {MAX_BLOCK_SIZE:,} tokens, not "
                             f"{self.block_size}")
        number_format(self.dtype)
        if self.kv_dtype not in (None, NATIVE_KV):
            number_format(self.kv_dtype)

    @property
    def effective_kv_dtype(self) -> str:
        return self.dtype if self.kv_dtype is None else self.kv_dtype

    @property
    def weight_format(self) -> NumberFormat:
        return number_format(self.dtype)

    def cache_entry_bytes(self, parts: tuple[tuple[int, StorageFormat | None], ...],
                          pad_bytes: int = 0) -> int:
        """Bytes of one cache entry made of ``parts`` = ((elements, pinned format), ...).

        With ``kv_dtype`` a number format, every part is stored in it (pins and padding are
        ignored: they describe one model's own storage). With ``native``, each part uses its
        pinned format, unpinned parts the weight dtype, and ``pad_bytes`` is added. The entry
        is rounded up to whole bytes.
        """
        total = Fraction(0)
        native = self.kv_dtype == NATIVE_KV
        kv_format = self.weight_format if native or self.kv_dtype is None else number_format(
            self.kv_dtype)
        for elements, pinned in parts:
            if native and pinned is not None:
                total += pinned.bytes_for(elements)
            else:
                total += kv_format.bytes_for(elements)
        if native:
            total += pad_bytes
        return ceil_fraction(total)

    def state_bytes(self, elements: int, pinned: StorageFormat | None = None) -> int:
        """Bytes of fixed-size state (conv, compressor buffers): the cache format, as entries."""
        return self.cache_entry_bytes(((elements, pinned),))
