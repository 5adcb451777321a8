"""The workload a cost is asked for: context, batch, number formats, accounting and convention."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from operator import attrgetter

from lccost.accounting import (
    LLAMACPP_SERVER,
    VLLM_DEFAULT_DEVICE,
    LlamaCppParams,
    VllmDevice,
    vllm_pages,
)
from lccost.conventions import (
    MAX_BATCH,
    MAX_BLOCK_SIZE,
    MAX_CONTEXT_TOKENS,
    NATIVE_KV,
    Accounting,
    FlopConvention,
    NumberFormat,
    number_format,
)
from lccost.storage import StorageFormat

LLAMACPP_KV_DTYPES = ("fp32", "fp16", "bf16")
"""The lccost dtypes that are llama.cpp cache types (f32, f16, bf16)."""

LLAMACPP_DEFAULT_KV_DTYPE = "fp16"
"""llama.cpp's ``type_k`` / ``type_v`` default, F16 (``common/common.h:589-590``;
``llama_context_default_params``, ``src/llama-context.cpp:3780-3781``)."""


def _check_context(context_tokens: int) -> None:
    if not 0 <= context_tokens <= MAX_CONTEXT_TOKENS:
        raise ValueError(
            f"context must be 0 to {MAX_CONTEXT_TOKENS:,} tokens, not {context_tokens}"
        )


@dataclass(frozen=True)
class _WholeBytes:
    """Elements -> whole bytes in one format (``Workload.state_bytes_rule``); compared by value,
    so that two layers' equal state rules are one value of the compiled fast path."""

    format: NumberFormat | StorageFormat

    def __call__(self, elements: int) -> int:
        return -(-self.format.bits_for(elements) // 8)


@dataclass(frozen=True)
class Workload:
    """Integers and names only; everything a mechanism's cost functions need besides its spec.

    ``context_tokens`` (L): tokens cached before the decode step, and the prompt length of the
    prefill. ``kv_dtype`` is a number format name or ``"native"`` (each cache part in the format
    its spec pins). ``block_size`` is the page size of the ``vllm`` accounting; ``None`` means
    the size vLLM uses for the mechanism on ``vllm_device`` (``LayerEnv.block_size``; None: the
    documented Hopper default, ``lccost.accounting.VLLM_DEFAULT_DEVICE``). ``llamacpp``: the
    llama.cpp entry point and knobs of the ``llamacpp`` accounting (llama-server's defaults).

    Storage formats are per engine: under ``llamacpp`` the cache is llama.cpp's ``type_k`` /
    ``type_v``, F16 unless ``kv_dtype`` names fp32, fp16 or bf16 (its other cache types are
    quantized blocks lccost does not model, refused); ``native`` is F16 there, since llama.cpp
    has no model-specific cache layout (DeepSeek's fp8 entries are not llama.cpp's).
    """

    context_tokens: int
    batch: int = 1
    dtype: str = "bf16"
    kv_dtype: str | None = None
    accounting: Accounting = Accounting.REFERENCE
    flops: FlopConvention = FlopConvention.USEFUL
    block_size: int | None = None
    llamacpp: LlamaCppParams = LLAMACPP_SERVER
    vllm_device: VllmDevice | None = None

    def __post_init__(self) -> None:
        _check_context(self.context_tokens)
        if not 1 <= self.batch <= MAX_BATCH:
            raise ValueError(f"batch must be 1 to {MAX_BATCH:,}, not {self.batch}")
        if self.block_size is not None and not 1 <= self.block_size <= MAX_BLOCK_SIZE:
            raise ValueError(
                f"block size must be 1 to {MAX_BLOCK_SIZE:,} tokens, not {self.block_size}"
            )
        number_format(self.dtype)
        if self.kv_dtype not in (None, NATIVE_KV):
            number_format(self.kv_dtype)
        if self.accounting is Accounting.LLAMACPP and self.kv_dtype not in (
            None,
            NATIVE_KV,
            *LLAMACPP_KV_DTYPES,
        ):
            raise ValueError(
                f"--accounting llamacpp: llama.cpp has no {self.kv_dtype} cache; its cache types "
                "are f32, f16, bf16 (lccost: fp32, fp16, bf16) and the quantized q8_0, q4_0, "
                "q4_1, iq4_nl, q5_0, q5_1, which lccost does not model (llama.cpp 0c1e57098 "
                "common/arg.cpp:304-314)"
            )

    def with_context(self, context_tokens: int) -> Workload:
        """This workload at another context (a sweep's points): only the context is checked
        again, the other settings were when this workload was made; ``dataclasses.replace``
        would check them all again, for every point."""
        _check_context(context_tokens)
        other = object.__new__(Workload)
        other.__dict__.update(self.__dict__, context_tokens=context_tokens)
        return other

    @property
    def effective_kv_dtype(self) -> str:
        """The cache's element format: ``kv_dtype``, else the weight dtype; under ``llamacpp``
        its ``type_k`` default F16 when unset or ``native``."""
        if self.accounting is Accounting.LLAMACPP and self.kv_dtype in (None, NATIVE_KV):
            return LLAMACPP_DEFAULT_KV_DTYPE
        return self.dtype if self.kv_dtype is None else self.kv_dtype

    @property
    def device(self) -> VllmDevice:
        """The device vLLM's page sizes follow: ``vllm_device``, else the Hopper default."""
        return self.vllm_device or VLLM_DEFAULT_DEVICE

    @property
    def uses_pinned_formats(self) -> bool:
        """Whether ``native`` selects the spec's pinned formats: not under ``llamacpp``."""
        return self.kv_dtype == NATIVE_KV and self.accounting is not Accounting.LLAMACPP

    def accounting_settings(self) -> str | None:
        """The engine settings behind the numbers, for captions and JSON: the llama.cpp entry
        point and knobs, or the device vLLM's pages follow; None for the other accountings."""
        if self.accounting is Accounting.LLAMACPP:
            return self.llamacpp.describe()
        if self.accounting is Accounting.VLLM:
            if self.block_size is not None:
                return f"vLLM 0.33.0, --block-size {self.block_size}"
            default = "" if self.vllm_device else ", the default without --hardware"
            return (
                f"vLLM 0.33.0 on {self.device.describe()}{default}: "
                f"{vllm_pages(self.device).describe()}, DeepSeek V4 256"
            )
        return None

    @property
    def weight_format(self) -> NumberFormat:
        return number_format(self.dtype)

    def cache_entry_bytes(
        self, parts: tuple[tuple[int, StorageFormat | None], ...], pad_bytes: int = 0
    ) -> int:
        """Bytes of one cache entry made of ``parts`` = ((elements, pinned format), ...).

        With ``kv_dtype`` a number format, every part is stored in it (pins and padding are
        ignored: they describe one model's own storage). With ``native``, each part uses its
        pinned format, unpinned parts the weight dtype, and ``pad_bytes`` is added. The entry
        is rounded up to whole bytes.
        """
        total_bits = 0  # exact: bytes x 8 are whole numbers, one ceiling at the end
        native = self.uses_pinned_formats
        for elements, pinned in parts:
            total_bits += self._element_format(pinned, native).bits_for(elements)
        if native:
            total_bits += 8 * pad_bytes
        return -(-total_bits // 8)

    def state_bytes(self, elements: int, pinned: StorageFormat | None = None) -> int:
        """Bytes of fixed-size state (conv, compressor buffers): the cache format, as entries."""
        return self.cache_entry_bytes(((elements, pinned),))

    def state_bytes_rule(self, pinned: StorageFormat | None = None) -> Callable[[int], int]:
        """``state_bytes`` as a function of the elements, the format chosen once (a state that
        grows with L: ``env.per_context``, called by the compiled fast path at every point)."""
        return _WholeBytes(self._element_format(pinned, self.uses_pinned_formats))

    def _element_format(
        self, pinned: StorageFormat | None, native: bool
    ) -> NumberFormat | StorageFormat:
        """The format one part of a cache entry is stored in (``cache_entry_bytes``)."""
        if native:
            return self.weight_format if pinned is None else pinned
        return number_format(self.effective_kv_dtype)


settings_key: Callable[[Workload], tuple[object, ...]] = attrgetter(
    *(f.name for f in fields(Workload) if f.name not in ("context_tokens", "batch"))
)
"""Every setting of a workload but its context and batch, as one tuple (``attrgetter``: one C
call): what a model's compiled costs and its layers' peak shapes depend on. A setting added to
``Workload`` later is part of it without anyone remembering to add it."""
