"""The conventions every lccost number follows, each stated once.

- FLOPs: one multiply-add is ``FLOPS_PER_MAC`` = 2 FLOPs. Only matrix products are counted
  (projections, attention scores and weighted sums, the LM head), as
  ``torch.utils.flop_counter.FlopCounterMode`` does; softmax, norms, RoPE and activations are not.
- Lightning indexers (DeepSeek V3.2 DSA, V4 CSA) count their score products q·k, 2·H_I·D_I
  FLOPs per key scored, under ``useful``. The ReLU and the per-head weighting
  Σ_h w_h·ReLU(q_h·k) (H_I more multiply-adds per key) are not counted: they are the epilogue of
  the score GEMM, like a softmax (DeepSeek-V3.2-Exp ``inference/kernel.py`` ``fp8_index``: one
  GEMM over D_I, then ReLU, x weight and a sum over heads on its output tile), and the
  derivation that reproduces the V4 report's Fig. 1 ratios counts 2·H_I·D_I per key (the
  ``deepseek-v4-*-flops`` claims). Under ``executed`` each follows its reference's matrix products:
  transformers' ``DeepseekV32Indexer`` runs the weighting as a matmul (counted there),
  ``DeepseekV4Indexer`` as an elementwise product and a sum (not counted).
- Bytes: exact integers. ``GB`` = 10**9 bytes and ``GIB`` = 2**30 bytes; every output says which.
- Context: ``"128k"`` = 131,072 tokens (k = 1024, M = 1,048,576).
- "Decode at context L": one new token is processed with L tokens already cached; it attends to
  the L cached tokens it may see plus itself. "Cache after L tokens": what is held between decode
  steps once L tokens have been processed.
- Prefill of L tokens: every token through every layer; the LM head runs for the last token only
  (what ``generate`` does with ``logits_to_keep=1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

FLOPS_PER_MAC = 2
"""One multiply-accumulate counts as two floating-point operations."""

GB = 10**9
"""Decimal gigabyte, the unit of the published claims (and of disk vendors)."""

GIB = 2**30
"""Binary gibibyte, the unit of GPU memory capacities and of most engine logs."""

KILO_TOKENS = 1024
MEGA_TOKENS = 1024 * 1024
MAX_CONTEXT_TOKENS = 2**63 - 1
"""Far past any model; keeps every derived float (ratios, L² FLOPs in human units) finite."""

MAX_BATCH = 2**20
"""Sequences decoded together: 1,048,576, far past any serving batch."""

MAX_BLOCK_SIZE = 2**20
"""Tokens per page of the ``vllm`` accounting (vLLM's own block sizes are 16 to 256)."""

MAX_GPUS = 2**16
"""Devices in tensor parallel: 65,536."""

MAX_GENERATE_TOKENS = 262_144
"""``--generate`` sums the decode FLOPs position by position (exact); beyond this it is slow."""


class Accounting(StrEnum):
    """Which cache the byte figures describe (see ``lccost.accounting`` for the rules).

    ``reference``: what the transformers reference implementation holds, to the byte.
    ``full-context``: the back-of-envelope formula of each mechanism's publications; every
    layer that owns a cache holds all L tokens, windows ignored, except where the publication
    counts a window as the window (DeepSeek V4): the table in ``docs/accountings.md``; a
    recurrent layer holds its fixed-size state.
    ``vllm``: what vLLM's paged allocator holds for one sequence (whole blocks, its layouts).
    ``llamacpp``: what llama.cpp allocates for ``-c L`` (context and SWA cache padded to 256).
    """

    REFERENCE = "reference"
    FULL_CONTEXT = "full-context"
    VLLM = "vllm"
    LLAMACPP = "llamacpp"


class FlopConvention(StrEnum):
    """``useful``: causal triangle in prefill, window- and top-k-clamped attention, no masked work.

    ``executed``: what an eager reference implementation runs: the full L x L score matrix in
    prefill (masked entries included) and, where the reference computes a sparse mechanism
    densely, the dense work.
    """

    USEFUL = "useful"
    EXECUTED = "executed"


class ByteUnit(StrEnum):
    GB = "GB"
    GIB = "GiB"


def ceil_fraction(value: Fraction) -> int:
    """The smallest integer >= ``value``, exactly (no float)."""
    return -(-value.numerator // value.denominator)


@dataclass(frozen=True)
class NumberFormat:
    """How many bytes one element of a tensor takes, including block-scale overhead.

    ``element_bits``: bits of one value. ``scale_bytes`` per ``scale_block`` values (0 for none).
    """

    name: str
    element_bits: int
    scale_block: int = 0
    scale_bytes: int = 0
    description: str = ""

    def whole_bytes_for(self, elements: int) -> int:
        """``bytes_for`` rounded up to whole bytes (a tensor occupies whole bytes)."""
        return ceil_fraction(self.bytes_for(elements))

    def bytes_for(self, elements: int) -> Fraction:
        """Bytes for ``elements`` values: elements x bits / 8 + ceil(elements / block) x scale."""
        return Fraction(self.bits_for(elements), 8)

    def bits_for(self, elements: int) -> int:
        """``bytes_for`` x 8, an integer: sums of it need no fractions."""
        bits = elements * self.element_bits
        if self.scale_block:
            bits += -(-elements // self.scale_block) * self.scale_bytes * 8
        return bits


NUMBER_FORMATS: dict[str, NumberFormat] = {
    f.name: f
    for f in (
        NumberFormat("fp32", 32, description="IEEE single precision"),
        NumberFormat("bf16", 16, description="bfloat16"),
        NumberFormat("fp16", 16, description="IEEE half precision"),
        NumberFormat("fp8", 8, description="fp8 (e4m3 or e5m2), per-tensor scale"),
        NumberFormat("int8", 8, description="int8, per-tensor scale"),
        NumberFormat("int4", 4, description="int4, per-tensor scale"),
        NumberFormat("fp4", 4, description="fp4 e2m1, no block scale"),
        NumberFormat(
            "mxfp4",
            4,
            scale_block=32,
            scale_bytes=1,
            description="OCP MX fp4: e2m1 values, one ue8m0 scale byte per 32",
        ),
        NumberFormat(
            "nvfp4",
            4,
            scale_block=16,
            scale_bytes=1,
            description="NVIDIA fp4: e2m1 values, one fp8 scale byte per 16",
        ),
    )
}
"""The element formats accepted for weights (``--dtype``) and cache (``--kv-dtype``)."""

NATIVE_KV = "native"
"""``--kv-dtype native``: each cache part in the storage format its spec pins (the model's own
inference code), unpinned parts in the weight dtype."""


DTYPE_ALIASES = {
    "float32": "fp32",
    "f32": "fp32",
    "single": "fp32",
    "bfloat16": "bf16",
    "float16": "fp16",
    "f16": "fp16",
    "half": "fp16",
    "float8": "fp8",
    "f8": "fp8",
    "fp8_e4m3": "fp8",
    "fp8e4m3": "fp8",
    "e4m3": "fp8",
    "float8_e4m3fn": "fp8",
    "fp8_e5m2": "fp8",
    "e5m2": "fp8",
    "float8_e5m2": "fp8",
    "float4": "fp4",
    "e2m1": "fp4",
    "fp4_e2m1": "fp4",
}
"""Other spellings of the number formats (torch, numpy and vendor names), any letter case."""


def canonical_dtype(name: str, native: bool = False) -> str:
    """The number format's own name for ``name`` in any common spelling (``bfloat16``, ``BF16``
    -> ``bf16``); with ``native``, ``native`` too. Unknown names raise ``ValueError`` saying
    what is allowed."""
    key = name.strip().lower().replace("-", "_")
    if native and key == NATIVE_KV:
        return NATIVE_KV
    key = DTYPE_ALIASES.get(key, key)
    if key in NUMBER_FORMATS:
        return key
    allowed = ", ".join(NUMBER_FORMATS) + (", native" if native else "")
    raise ValueError(
        f"unknown dtype {name!r}; allowed: {allowed} (also bfloat16, float16, "
        "float32 and other common spellings)"
    )


def number_format(name: str) -> NumberFormat:
    try:
        return NUMBER_FORMATS[name]
    except KeyError:
        allowed = ", ".join(NUMBER_FORMATS)
        raise ValueError(f"unknown dtype {name!r}; allowed: {allowed}") from None


_CONTEXT_RE = re.compile(r"^\s*([0-9]+)\s*([kKmM]?)\s*$", re.ASCII)
"""ASCII digits only: ``re``'s ``\\d`` would also take full-width and other scripts' digits."""


def parse_context(text: str) -> int:
    """Parse ``131072``, ``128k``, ``128K``, ``1M`` or ``1m`` (k = 1024, M = 1048576) to tokens."""
    match = _CONTEXT_RE.match(text)
    if not match:
        raise ValueError(
            f"context {text!r} is not a token count; write e.g. 131072, 128k or 1M "
            "(k = 1024, M = 1048576)"
        )
    digits, suffix = match.group(1), match.group(2).lower()
    if len(digits) > 20:
        raise ValueError(f"context {text!r} is more than {MAX_CONTEXT_TOKENS:,} tokens")
    tokens = int(digits) * {"": 1, "k": KILO_TOKENS, "m": MEGA_TOKENS}[suffix]
    if tokens > MAX_CONTEXT_TOKENS:
        raise ValueError(f"context {text!r} is more than {MAX_CONTEXT_TOKENS:,} tokens")
    return tokens


def format_context(tokens: int) -> str:
    """``131072`` -> ``128K``; counts that are not whole K or M stay as integers."""
    if tokens >= MEGA_TOKENS and tokens % MEGA_TOKENS == 0:
        return f"{tokens // MEGA_TOKENS}M"
    if tokens >= KILO_TOKENS and tokens % KILO_TOKENS == 0:
        return f"{tokens // KILO_TOKENS}K"
    return str(tokens)


def format_bytes(value: int, unit: ByteUnit) -> str:
    """Human bytes in decimal (GB, MB) or binary (GiB, MiB) units, five or six significant
    digits so that accountings a few pages apart still print differently; below 1 MB, bytes."""
    divisor = GB if unit is ByteUnit.GB else GIB
    small, small_name = (10**6, "MB") if unit is ByteUnit.GB else (2**20, "MiB")
    if value >= 100 * divisor:
        return f"{value / divisor:,.1f} {unit.value}"
    if value >= divisor:
        return f"{value / divisor:,.3f} {unit.value}"
    if value >= small:
        return f"{value / small:,.3f} {small_name}"
    return f"{value:,} B"


def format_flops(value: int) -> str:
    for factor, suffix in (
        (10**15, "PFLOP"),
        (10**12, "TFLOP"),
        (10**9, "GFLOP"),
        (10**6, "MFLOP"),
    ):
        if value >= factor:
            return f"{value / factor:,.2f} {suffix}"
    return f"{value:,} FLOP"
