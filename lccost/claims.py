"""Published claims as regression checks: each claim recomputed from the shipped specs alone.

A claim (``configs/claims.yaml``) states the published text, its source, the published value
with its stated precision, and the computation that checks it: which models, which quantity,
at which context, dtype, cache format, accounting and FLOP convention. The tolerance is the
rounding of the published figure and nothing else: "2.7 GB" (precision 0.1) passes for
[2.65, 2.75) GB; "27%" (precision 1) for [26.5%, 27.5%); "about 6 GB" (precision 1) for
[5.5, 6.5) GB.

A claim that the real architecture does not reproduce is not fudged: either the accounting the
source used is its own named computation (a preset spec under ``configs/variants/``, an
accounting mode), or the claim carries ``known_deviation`` with the reason and the value we
compute, which is then pinned (it must stay within the same rounding of that value).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from lccost.conventions import (
    NATIVE_KV,
    Accounting,
    FlopConvention,
    number_format,
    parse_context,
)
from lccost.engine import ModelCost, cost
from lccost.errors import LccostError
from lccost.inputs import exists
from lccost.spec.loader import (
    CONFIG_DIRS,
    errors_at,
    load_architecture,
    load_model,
    resolve_ref,
    shipped_configs,
)
from lccost.spec.model import Architecture
from lccost.strict import SpecModel
from lccost.workload import Workload

Quantity = Literal[
    "kv_cache_bytes",
    "decode_flops",
    "decode_flops_fp8_equivalent",
    "prefill_flops",
    "params_total",
    "params_effective",
    "params_active",
]
Fact = Literal[
    "layers",
    "layers_owning_kv",
    "layers_reading_kv",
    "layers_sliding",
    "layers_full",
    "query_heads_per_kv_head_sliding",
    "query_heads_per_kv_head_full",
    "hca_compress_rate",
    "residual_streams",
]
Unit = Literal["GB", "GiB", "%", "B params", "count"]

_UNIT_DIVISOR: dict[str, Fraction] = {
    "GB": Fraction(10**9),
    "GiB": Fraction(2**30),
    "B params": Fraction(10**9),
    "%": Fraction(1, 100),
    "count": Fraction(1),
}


class Computation(SpecModel):
    """How to recompute a claim.

    ``kind``: ``value`` (``quantity`` of ``model``), ``difference`` (``model`` minus ``other``),
    ``ratio`` (``model`` / ``other``), ``fraction_saved`` (1 - ``model`` / ``other``),
    ``fact`` (an architecture fact of ``model``).
    """

    kind: Literal["value", "difference", "ratio", "fraction_saved", "fact"]
    model: str
    other: str | None = None
    quantity: Quantity | None = None
    fact: Fact | None = None
    context: str = "128k"
    dtype: str = "bf16"
    kv_dtype: str | None = None
    # Enums are read from YAML strings (strict mode would want Enum instances).
    accounting: Accounting = Field(Accounting.REFERENCE, strict=False)
    flops: FlopConvention = Field(FlopConvention.USEFUL, strict=False)
    label: str = ""

    @model_validator(mode="after")
    def _what_the_kind_needs(self) -> Computation:
        if self.kind == "fact" and self.fact is None:
            raise ValueError("kind fact needs fact: (the architecture fact to read)")
        if self.kind != "fact" and self.quantity is None:
            raise ValueError(f"kind {self.kind} needs quantity: (the cost to compute)")
        if self.kind not in ("value", "fact") and self.other is None:
            raise ValueError(f"kind {self.kind} needs other: (the model to compare with)")
        return self

    @field_validator("context")
    @classmethod
    def _a_context(cls, text: str) -> str:
        """A context ``parse_context`` reads, of at least one token (decode at L = 0 has no
        cache to read, and a ratio of two zero-token costs divides by zero)."""
        if parse_context(text) < 1:
            raise ValueError(f"context {text!r} is 0 tokens; allowed: 1 or more, e.g. 128k")
        return text

    @field_validator("dtype")
    @classmethod
    def _a_dtype(cls, name: str) -> str:
        number_format(name)
        return name

    @field_validator("kv_dtype")
    @classmethod
    def _a_kv_dtype(cls, name: str | None) -> str | None:
        if name is not None and name != NATIVE_KV:
            try:
                number_format(name)
            except ValueError as error:
                raise ValueError(f"{error}, or {NATIVE_KV}") from None
        return name


class Published(SpecModel):
    value: float = Field(allow_inf_nan=False)
    unit: Unit
    precision: float = Field(
        ge=0, allow_inf_nan=False, description="the last stated digit; 0 = exact"
    )

    def bounds(self) -> tuple[Fraction, Fraction]:
        half = Fraction(str(self.precision)) / 2
        value = Fraction(str(self.value))
        return value - half, value + half

    def text(self) -> str:
        if self.precision == 0:
            return f"{self.value:g} {self.unit}"
        low, high = self.bounds()
        return f"{self.value:g} {self.unit} [{float(low):g}, {float(high):g})"


class KnownDeviation(SpecModel):
    reason: str
    computed: float = Field(allow_inf_nan=False, description="what lccost computes, pinned")
    precision: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="of the pin (default: the claim's)"
    )


class Claim(SpecModel):
    id: str
    text: str
    source: str
    published: Published
    computation: Computation
    scope: str = Field("", description="what the computation counts and leaves out")
    also: list[Computation] = Field(
        default_factory=list, description="other accountings, shown beside"
    )
    known_deviation: KnownDeviation | None = None


class ClaimsFile(SpecModel):
    claims: list[Claim]


@dataclass(frozen=True)
class Outcome:
    """A claim, the value computed (in the claim's unit) and whether it holds."""

    claim: Claim
    computed: Fraction
    passed: bool
    also: tuple[tuple[str, Fraction], ...]

    @property
    def status(self) -> str:
        if self.claim.known_deviation is not None:
            return "known deviation (pinned)" if self.passed else "FAIL (pinned value moved)"
        return "pass" if self.passed else "FAIL"


def _facts(architecture: Architecture) -> dict[str, Callable[[], int]]:
    layers = architecture.layers
    attentions = [layer.attention for layer in layers]
    # Grouped-query layers (the claims' "sliding" and "global" layers are of this kind).
    gqa = [a for a in attentions if a.query_heads_per_kv_head() is not None]

    def per_kv(sliding: bool) -> int:
        groups = {
            n
            for a in gqa
            if (n := a.query_heads_per_kv_head()) is not None
            and (a.sliding_window() is not None) == sliding
        }
        if len(groups) != 1:
            raise LccostError(
                f"{architecture.name}: query heads per KV head differ across "
                f"{'sliding' if sliding else 'full'} layers: {sorted(groups)}"
            )
        return groups.pop()

    def single(values: set[int], what: str) -> int:
        if len(values) != 1:
            raise LccostError(f"{architecture.name}: {what} is not one value: {sorted(values)}")
        return values.pop()

    return {
        "layers": lambda: len(layers),
        "layers_reading_kv": lambda: sum(1 for a in attentions if a.reads_cache_of() is not None),
        "layers_owning_kv": lambda: sum(1 for a in attentions if a.reads_cache_of() is None),
        "layers_sliding": lambda: sum(1 for a in gqa if a.sliding_window() is not None),
        "layers_full": lambda: sum(1 for a in gqa if a.sliding_window() is None),
        "query_heads_per_kv_head_sliding": lambda: per_kv(True),
        "query_heads_per_kv_head_full": lambda: per_kv(False),
        "hca_compress_rate": lambda: single(
            {a.compress_rate for a in attentions if a.kind == "hca"}, "the HCA rate"
        ),
        "residual_streams": lambda: (
            architecture.spec.hyper_connections.streams
            if architecture.spec.hyper_connections
            else 1
        ),
    }


def _quantity(model_cost: ModelCost, quantity: str) -> int:
    if quantity == "decode_flops_fp8_equivalent":
        return model_cost.fp8_equivalent("decode_flops")
    value = getattr(model_cost, quantity)
    assert isinstance(value, int)
    return value


class _Evaluator:
    """Loads each model once and costs it once per workload."""

    def __init__(self, claims_dir: Path) -> None:
        self.claims_dir = claims_dir
        self.architectures: dict[str, Architecture] = {}

    def architecture(self, ref: str) -> Architecture:
        if ref not in self.architectures:
            path = resolve_ref(ref, relative_to=self.claims_dir / "claims.yaml")
            self.architectures[ref] = load_architecture(path)
        return self.architectures[ref]

    def evaluate(self, computation: Computation, unit: str) -> Fraction:
        if computation.kind == "fact":
            if computation.fact is None:
                raise LccostError(
                    f"claim computation of kind fact needs `fact:` "
                    f"({computation.label or computation.model})"
                )
            return Fraction(_facts(self.architecture(computation.model))[computation.fact]())
        if computation.quantity is None:
            raise LccostError(f"claim computation of kind {computation.kind} needs `quantity:`")
        workload = Workload(
            parse_context(computation.context),
            1,
            computation.dtype,
            computation.kv_dtype,
            computation.accounting,
            computation.flops,
        )

        def value(ref: str) -> Fraction:
            assert computation.quantity is not None
            return Fraction(_quantity(cost(self.architecture(ref), workload), computation.quantity))

        a = value(computation.model)
        if computation.kind == "value":
            return a / _UNIT_DIVISOR[unit]
        if computation.other is None:
            raise LccostError(f"claim computation of kind {computation.kind} needs `other:`")
        b = value(computation.other)
        if computation.kind == "difference":
            return (a - b) / _UNIT_DIVISOR[unit]
        if computation.kind == "ratio":
            return a / b / _UNIT_DIVISOR[unit]
        return (1 - a / b) / _UNIT_DIVISOR[unit]


def claims_path() -> Path:
    for directory in CONFIG_DIRS:
        if (directory / "claims.yaml").exists():
            return directory / "claims.yaml"
    raise LccostError("configs/claims.yaml is missing from this installation")


def load_claims(path: Path) -> list[Claim]:
    """The claims of ``path``, read through the spec loader (``load_model``): the same size and
    nesting caps and YAML refusals, every problem listed at its file:line and field."""
    claims = load_model(path, ClaimsFile, *_CLAIMS_KIND).claims
    _check_models(path, claims)
    return claims


_CLAIMS_KIND = ("claims file", "claims", "a claims file (.yaml)")
"""How messages name a claims file: the noun, its fields, what to give instead."""


def _check_models(path: Path, claims: list[Claim]) -> None:
    """Every model a claim names is a shipped model or a spec file (relative to the claims
    file); each one that is not is reported at its line before anything is costed."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for i, claim in enumerate(claims):
        computations: list[tuple[tuple[str | int, ...], Computation]] = [
            (("claims", i, "computation"), claim.computation),
            *((("claims", i, "also", j), also) for j, also in enumerate(claim.also)),
        ]
        for where, computation in computations:
            for name, ref in (("model", computation.model), ("other", computation.other)):
                if ref is not None and not exists(resolve_ref(ref, relative_to=path)):
                    problems.append(
                        (
                            (*where, name),
                            f"{ref!r} is neither a spec file "
                            "(relative to this claims file) nor a shipped model; "
                            f"shipped: {', '.join(shipped_configs())}",
                        )
                    )
    if problems:
        raise errors_at(path, problems, *_CLAIMS_KIND)


def _holds(value: Fraction, published: Published) -> bool:
    if published.precision == 0:
        return value == Fraction(str(published.value))
    low, high = published.bounds()
    return low <= value < high


def check_claims(path: Path | None = None) -> list[Outcome]:
    """Recompute every claim; a known deviation must still equal its pinned value."""
    path = path or claims_path()
    evaluator = _Evaluator(path.parent)
    outcomes = []
    for claim in load_claims(path):
        unit = claim.published.unit
        computed = evaluator.evaluate(claim.computation, unit)
        if claim.known_deviation is None:
            passed = _holds(computed, claim.published)
        else:
            deviation = claim.known_deviation
            pinned = claim.published.model_copy(
                update={
                    "value": deviation.computed,
                    "precision": (
                        claim.published.precision
                        if deviation.precision is None
                        else deviation.precision
                    ),
                }
            )
            passed = _holds(computed, pinned)
        also = tuple(
            (c.label or c.accounting.value, evaluator.evaluate(c, unit)) for c in claim.also
        )
        outcomes.append(Outcome(claim, computed, passed, also))
    return outcomes
