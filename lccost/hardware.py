"""Hardware profiles and the roofline: how long a decode step and a prefill take on a device.

A profile (``configs/hardware/*.yaml``, or any YAML file given by path) states one device's
memory capacity [bytes], memory bandwidth [bytes/s] and dense peak [FLOP/s] per dtype, each with
its source. Profiles load through the spec loader (``loader.load_model``: YAML 1.2 scalars,
no anchors, aliases or tags, the same caps) and their validation errors point at file:line
like spec errors do.

Roofline (Williams, Waterman and Patterson, "Roofline: an insightful visual performance model
for multicore architectures", CACM 52(4), 2009). A step that does F FLOPs and moves B bytes on
N devices, each of peak P [FLOP/s] and bandwidth W [bytes/s], split evenly, takes

    t = max(F / (N·P), B / (N·W))   [s]

and is compute-bound when the first term is the larger, memory-bound otherwise. It is a lower
bound on the time: real kernels reach a fraction of either peak.

- Decode step at context L: F = ``ModelCost.decode_flops``, B = ``ModelCost.decode_bytes``
  (the whole batch: weights read once, each sequence's cache); decode tokens/s = batch / t.
- Time to first token (TTFT): F = ``ModelCost.prefill_flops``, B = ``ModelCost.prefill_bytes``,
  the batch's prompts of L tokens prefilled together.
- ``gpus`` = N > 1: tensor parallel; weights, cache and FLOPs are split N ways. Communication
  between devices (the all-reduces after attention and the MLP) is left out, and so is the
  replication of KV heads when N exceeds the KV heads.

Which peak applies: products run in the weight dtype where the device states a peak for it;
otherwise in the first dtype of ``COMPUTE_FALLBACK`` it has (weight-only kernels dequantise the
weights, e.g. W4A16), or in an explicit ``compute_dtype``.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from lccost.conventions import number_format
from lccost.engine import ModelCost
from lccost.errors import LccostError
from lccost.inputs import check_path_name, exists
from lccost.spec import loader
from lccost.spec.model import Source
from lccost.strict import SpecModel

if TYPE_CHECKING:
    from lccost.peak import ReportPeak

PeakDType = Literal["fp32", "bf16", "fp16", "fp8", "int8", "fp4"]
PEAK_DTYPES: tuple[str, ...] = typing.get_args(PeakDType)
"""The dtypes a profile may state a dense peak for."""

COMPUTE_FALLBACK: dict[str, tuple[str, ...]] = {
    "fp32": ("fp32",),
    "bf16": ("bf16", "fp16"),
    "fp16": ("fp16", "bf16"),
    "fp8": ("fp8", "bf16", "fp16"),
    "int8": ("int8", "bf16", "fp16"),
    "int4": ("bf16", "fp16"),
    "fp4": ("fp4", "bf16", "fp16"),
    "mxfp4": ("fp4", "bf16", "fp16"),
    "nvfp4": ("fp4", "bf16", "fp16"),
}
"""For each weight dtype, the dtypes its products run in, in order of preference: the first one
the device states a peak for applies. Sub-byte and 8-bit weights without native support are
dequantised to bf16 (weight-only kernels such as Marlin: W4A16, W8A16); int4 has no peak
column (vendors state int4 tensor rates for integer activations, which LLM kernels do not use)."""

HARDWARE_DIRS = tuple(directory / "hardware" for directory in loader.CONFIG_DIRS)
"""Where shipped profiles live: ``configs/hardware`` (source checkout) or the wheel's copy."""


class PeakFlops(SpecModel):
    """Dense peak [FLOP/s] per dtype (int8: operations/s), as the vendor states it. Where a
    datasheet gives 2:4 sparse figures, the dense one is half."""

    fp32: int | None = Field(None, ge=1)
    bf16: int | None = Field(None, ge=1)
    fp16: int | None = Field(None, ge=1)
    fp8: int | None = Field(None, ge=1)
    int8: int | None = Field(None, ge=1)
    fp4: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _some_peak(self) -> PeakFlops:
        if not self.stated():
            raise ValueError(f"give at least one dtype's peak; allowed: {', '.join(PEAK_DTYPES)}")
        return self

    def stated(self) -> dict[str, int]:
        """The dtypes with a stated peak and their FLOP/s, in ``PEAK_DTYPES`` order."""
        values = {name: getattr(self, name) for name in PEAK_DTYPES}
        return {name: value for name, value in values.items() if value is not None}


class HardwareProfile(SpecModel):
    """One device: ``memory_bytes`` (capacity), ``memory_bandwidth_bytes_per_s`` and dense
    ``peak_flops_per_s`` per dtype; ``estimated`` names peaks that are not vendor figures."""

    name: str = Field(min_length=1)
    description: str = ""
    memory_bytes: int = Field(
        ge=1,
        description="usable memory of one device, as the device "
        "reports it (torch total_memory) [bytes]",
    )
    memory_bandwidth_bytes_per_s: int = Field(ge=1, description="peak memory bandwidth")
    peak_flops_per_s: PeakFlops
    estimated: list[PeakDType] = Field(
        default_factory=list, description="peaks that are estimates, not the vendor's figures"
    )
    cuda_capability: str | None = Field(
        None,
        pattern=r"^[0-9]{1,2}\.[0-9]$",
        description="CUDA compute capability (e.g. '9.0'), which picks vLLM's attention backend "
        "and page size under --accounting vllm; unset: not a CUDA device",
    )
    sources: list[Source] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _estimates_are_stated(self) -> HardwareProfile:
        missing = [d for d in self.estimated if d not in self.peak_flops_per_s.stated()]
        if missing:
            raise ValueError(
                f"estimated names {', '.join(missing)}, which peak_flops_per_s does not give"
            )
        return self


# ---------------------------------------------------------------------------------------------
# Loading


def shipped_hardware() -> dict[str, Path]:
    """Shipped profile names (file stems) and their paths."""
    for directory in HARDWARE_DIRS:
        if directory.is_dir():
            return {p.stem: p for p in sorted(directory.glob("*.yaml"))}
    return {}


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def resolve_hardware(ref: str | Path) -> Path:
    """A profile path for ``ref``: a file path, a shipped stem (``h100-sxm``) or a shipped
    profile's name (``"H100 SXM"``; case, spaces and dashes ignored)."""
    path = Path(ref)
    check_path_name(path, "a hardware profile (.yaml) or a shipped profile's name")
    if isinstance(ref, Path) or exists(path) or path.suffix in (".yaml", ".yml"):
        return path
    shipped = shipped_hardware()
    wanted = _key(str(ref))
    for stem, candidate in shipped.items():
        if _key(stem) == wanted:
            return candidate
    by_name = {}
    for candidate in shipped.values():
        # Parsed only (and once per process): a profile with a problem is reported when it is
        # the one asked for, not while looking for another.
        name = loader.read_document(candidate, *_PROFILE_KIND)[1].data.get("name")
        if isinstance(name, str):
            if _key(name) == wanted:
                return candidate
            by_name[name] = candidate
    from lccost.names import did_you_mean, match_name

    prefix = match_name(str(ref), shipped, prefix=True)  # `h100`: the only H100 profile
    if prefix is not None:
        return shipped[prefix]
    names = ", ".join(shipped) or "none found"
    raise LccostError(
        f"hardware {str(ref)!r} is neither a profile file nor a shipped profile"
        f"{did_you_mean(str(ref), [*shipped, *by_name])}; shipped: {names}"
    )


PROFILE_FIELDS = "name, memory_bytes, memory_bandwidth_bytes_per_s, peak_flops_per_s, sources"
"""The fields a profile cannot do without, named when a file is empty or not a mapping."""

_PROFILE_KIND = ("hardware profile", PROFILE_FIELDS, "a hardware profile (.yaml)")
"""How messages name a profile file: the noun, its fields, what to give instead."""


def load_hardware(ref: str | Path | HardwareProfile) -> HardwareProfile:
    """A validated profile from a shipped name or a YAML path (errors point at file:line), read
    through the spec loader (same caps and refusals) and validated once per file content."""
    if isinstance(ref, HardwareProfile):
        return ref
    return loader.load_model(
        resolve_hardware(ref), HardwareProfile, *_PROFILE_KIND, shipped=_shipped_hardware_dirs()
    )


@functools.cache
def _shipped_hardware_dirs() -> frozenset[Path]:
    """The shipped profiles' folders, resolved: their files are kept across processes."""
    return frozenset(directory.resolve() for directory in HARDWARE_DIRS)


def validate_hardware(document: loader.Document, file: str) -> HardwareProfile:
    """Validate a parsed profile or raise ``SpecErrors``, each error at its file:line."""
    return loader.validate_model(HardwareProfile, document, file)


# ---------------------------------------------------------------------------------------------
# Roofline


class _Result(BaseModel):
    # defer_build: the schema is built on first use (``--hardware``), not by every import
    model_config = ConfigDict(frozen=True, defer_build=True)


Bound = Literal["compute", "memory"]


class StepTime(_Result):
    """One step on the roofline: its FLOPs and bytes (all devices together) and both times."""

    flops: int
    bytes: int
    compute_s: float
    memory_s: float

    @computed_field  # type: ignore[prop-decorator]
    @property
    def seconds(self) -> float:
        """max(FLOPs / (N·peak), bytes / (N·bandwidth)) [s]."""
        return max(self.compute_s, self.memory_s)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bound(self) -> Bound:
        return "compute" if self.compute_s > self.memory_s else "memory"


def step_time(
    flops: int,
    bytes_moved: int,
    peak_flops_per_s: int,
    bandwidth_bytes_per_s: int,
    devices: int = 1,
) -> StepTime:
    """t = max(F / (N·P), B / (N·W)): F and B split evenly over N devices."""
    return StepTime(
        flops=flops,
        bytes=bytes_moved,
        compute_s=flops / (devices * peak_flops_per_s),
        memory_s=bytes_moved / (devices * bandwidth_bytes_per_s),
    )


class Roofline(_Result):
    """One model at one workload on ``gpus`` devices: decode step and prefill (TTFT) times."""

    model: str
    context: int
    batch: int
    hardware: str
    gpus: int
    compute_dtype: str
    peak_flops_per_s: int
    peak_estimated: bool
    memory_bandwidth_bytes_per_s: int
    decode: StepTime
    prefill: StepTime
    capacity_bytes: int = Field(description="usable memory of the gpus devices together")
    weights_and_cache_bytes: int = Field(
        description="all parameters in the weight dtype + the batch's cache at the context"
    )
    communication: str = "not modelled (tensor-parallel all-reduces left out)"

    peak_engine: str = Field("none", description="whose peak ``peak_bytes`` is")
    peak_bytes: int | None = Field(
        None,
        description="the engine's peak (prefill or first decode step) where it is "
        "modelled: transformers under the reference accounting, vllm under "
        "vllm (lccost.peak)",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fits(self) -> bool:
        """Weights + cache, and the engine's peak where it is modelled, fit in the devices'
        usable memory. A row that does not fit is a time no device can reach."""
        needed = max(self.weights_and_cache_bytes, self.peak_bytes or 0)
        return needed <= self.capacity_bytes

    @computed_field  # type: ignore[prop-decorator]
    @property
    def decode_tokens_per_s(self) -> float:
        """batch / decode step time: tokens generated per second across the batch."""
        return self.batch / self.decode.seconds if self.decode.seconds else float("inf")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ttft_s(self) -> float:
        """Time to first token: the prefill step of the batch's prompts."""
        return self.prefill.seconds


def compute_dtype(
    hardware: HardwareProfile, weight_dtype: str, requested: str | None = None
) -> str:
    """The dtype whose peak applies (see ``COMPUTE_FALLBACK``), or ``requested`` if stated."""
    stated = hardware.peak_flops_per_s.stated()
    if requested is not None:
        if requested not in stated:
            raise LccostError(
                f"{hardware.name} states no {requested} peak; it states: {', '.join(stated)}"
            )
        return requested
    for candidate in COMPUTE_FALLBACK.get(weight_dtype, (weight_dtype,)):
        if candidate in stated:
            return candidate
    raise LccostError(
        f"{hardware.name} states no peak that {weight_dtype} weights can run in "
        f"(it states: {', '.join(stated)}); pass a compute dtype it states"
    )


def roofline(
    model_cost: ModelCost,
    hardware: HardwareProfile,
    gpus: int = 1,
    requested_dtype: str | None = None,
    memory_peak: ReportPeak | None = None,
) -> Roofline:
    """Decode step and prefill times of ``model_cost`` on ``gpus`` x ``hardware``. ``memory_peak``:
    the report's engine peak for this result, where the caller has it (``lccost.analyse``), so
    the fit verdict uses the same engine as the report's columns and is not computed again."""
    if gpus < 1:
        raise LccostError(f"gpus must be 1 or more, not {gpus}")
    workload = model_cost.workload
    dtype = compute_dtype(hardware, workload.dtype, requested_dtype)
    peak = hardware.peak_flops_per_s.stated()[dtype]
    bandwidth = hardware.memory_bandwidth_bytes_per_s
    weights = number_format(workload.dtype).whole_bytes_for(model_cost.params_total)
    return Roofline(
        model=model_cost.architecture.name,
        context=workload.context_tokens,
        batch=workload.batch,
        hardware=hardware.name,
        gpus=gpus,
        compute_dtype=dtype,
        peak_flops_per_s=peak,
        peak_estimated=dtype in hardware.estimated,
        memory_bandwidth_bytes_per_s=bandwidth,
        decode=step_time(model_cost.decode_flops, model_cost.decode_bytes, peak, bandwidth, gpus),
        prefill=step_time(
            model_cost.prefill_flops, model_cost.prefill_bytes, peak, bandwidth, gpus
        ),
        capacity_bytes=gpus * hardware.memory_bytes,
        weights_and_cache_bytes=weights + model_cost.kv_cache_bytes,
        **(
            _peak_fields(model_cost, hardware, gpus)
            if memory_peak is None
            else _report_peak_fields(memory_peak)
        ),
    )


def _peak_fields(model_cost: ModelCost, hardware: HardwareProfile, gpus: int) -> dict[str, Any]:
    """The accounting's engine and its peak, where ``lccost.peak`` models it (else none)."""
    from lccost.peak import default_engine, engine_peak, unmodelled_reason, vllm_batch_defaults

    engine = default_engine(model_cost.workload.accounting)
    architecture = model_cost.architecture
    if unmodelled_reason(architecture, engine) is not None or engine.value == "none":
        return {}
    chunk, sequences = vllm_batch_defaults(gpus * hardware.memory_bytes, hardware.name)
    try:
        peak = engine_peak(
            architecture,
            model_cost.workload,
            engine,
            max_batched_tokens=chunk,
            max_num_seqs=sequences,
        )
    except LccostError:
        return {}
    return {"peak_engine": str(engine), "peak_bytes": peak.total_bytes}


def _report_peak_fields(peak: ReportPeak) -> dict[str, Any]:
    """A report's peak as the roofline's: the larger of its prefill and decode peaks (what
    ``lccost.peak.engine_peak`` gives), none where the report has no figure."""
    if peak.summary is None:
        return {}
    summary = peak.summary
    return {
        "peak_engine": str(peak.engine),
        "peak_bytes": max(summary.prefill_peak_bytes, summary.decode_peak_bytes),
    }


def rooflines(
    model_costs: Sequence[ModelCost],
    hardware: str | Path | HardwareProfile,
    gpus: int = 1,
    requested_dtype: str | None = None,
    peaks: Sequence[ReportPeak] | None = None,
) -> list[Roofline]:
    """``roofline`` for each model cost, the profile loaded once; ``peaks``: the report's, one
    per model cost, reused rather than computed again."""
    profile = load_hardware(hardware)
    if peaks is None:
        return [roofline(mc, profile, gpus, requested_dtype) for mc in model_costs]
    return [
        roofline(mc, profile, gpus, requested_dtype, peak)
        for mc, peak in zip(model_costs, peaks, strict=True)
    ]
