"""The architecture spec: what a YAML file describes, and its expansion to explicit layers.

A spec lists its layers compactly: an entry is a layer (``attention:`` + ``ffn:``), the name of a
template from ``layer_templates``, or ``{repeat: n, layers: [...]}``. ``kv_sharing`` states
Gemma 4's rule once instead of on every layer. ``expand`` turns all of it into one explicit
``Layer`` per decoder layer, and ``check_layers`` reports what no single field can: a layer that
reads the cache of itself, of a later layer, or of a layer of another kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from lccost.mechanisms import AttentionSpec, FeedForwardSpec
from lccost.mechanisms.base import MechanismSpec
from lccost.mechanisms.embeddings import Encoder, PerLayerEmbeddings
from lccost.mechanisms.hyper_connections import HyperConnections
from lccost.mechanisms.norms import Norms
from lccost.strict import SpecModel

MAX_LAYERS = 10_000
"""More decoder layers than any model has; a guard against runaway ``repeat`` counts."""


class Source(SpecModel):
    """Where values come from: ``ref`` (a model card, config.json, paper section), ``covers``."""

    ref: str = Field(min_length=1)
    covers: str = Field("", description="which values this source gives")


class Layer(SpecModel):
    """One decoder layer: its attention mechanism and its feed-forward block."""

    attention: AttentionSpec
    ffn: FeedForwardSpec


class Repeat(SpecModel):
    """``repeat: n`` times the ``layers`` list (entries, template names or nested repeats)."""

    repeat: int = Field(ge=1, le=MAX_LAYERS)
    layers: list[LayerEntry] = Field(min_length=1)


def _entry_tag(value: Any) -> str:
    if isinstance(value, str):
        return "template"
    if isinstance(value, dict) and "repeat" in value:
        return "repeat"
    if isinstance(value, Repeat):
        return "repeat"
    return "layer"


LayerEntry = Annotated[
    Annotated[str, Tag("template")]
    | Annotated[Repeat, Tag("repeat")]
    | Annotated[Layer, Tag("layer")],
    Discriminator(_entry_tag),
]


class KVSharing(SpecModel):
    """Gemma 4's cross-layer KV sharing rule (transformers 5.23.0
    ``Gemma4TextConfig.kv_sharing_modes``, configuration_gemma4.py L227-253): every layer from
    ``first_shared_layer`` on holds no cache and reads the cache of the last earlier layer of the
    same attention type (same window) that owns one."""

    first_shared_layer: int = Field(ge=1, description="= num_hidden_layers - num_kv_shared_layers")


DocPath = tuple[str | int, ...]
"""A path into a YAML document: mapping keys and list indices."""


def overlay(
    base: Any,
    over: Any,
    inherited: dict[DocPath, DocPath] | None = None,
    path: DocPath = (),
    base_path: DocPath = (),
) -> Any:
    """``over`` on top of ``base``: mappings merge key by key, ``null`` removes a key, anything
    else (lists included) replaces. The rule of a spec's ``extends`` and of a layer template's.

    ``inherited``, when given, receives for each value taken whole from ``base`` its path in the
    result (under ``path``) and its path in ``base`` (under ``base_path``), so an error in an
    inherited value is reported once, where it was written.
    """
    if not (isinstance(base, dict) and isinstance(over, dict)):
        return over
    result: dict[str, Any] = {}
    for key, value in base.items():
        if key not in over:
            result[key] = value
            if inherited is not None:
                inherited[(*path, key)] = (*base_path, key)
        elif over[key] is not None:
            result[key] = overlay(value, over[key], inherited, (*path, key), (*base_path, key))
    for key, value in over.items():
        if key not in base and value is not None:
            result[key] = value
    return result


MAX_TEMPLATE_CHAIN = 64
"""Longest ``extends`` chain between layer templates (real specs use 2 or 3)."""


class TemplateError(ValueError):
    """A layer template whose ``extends`` cannot be resolved; ``name`` is that template."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def resolve_template_extends(
    templates: dict[str, Any], inherited: dict[DocPath, DocPath] | None = None
) -> dict[str, Any]:
    """Templates written as ``{extends: other, ...overrides}``, merged onto ``other``.

    So a spec states a layer once and its variants as differences: ``moe: {extends: dense,
    ffn: {kind: moe, ...}}``. Raises ``TemplateError`` for an unknown parent or a cycle.
    ``inherited`` receives, as in ``overlay``, where each inherited value was written (paths
    under ``layer_templates``).
    """
    resolved: dict[str, Any] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> Any:
        if name in resolved:
            return resolved[name]
        template = templates[name]
        if not isinstance(template, dict) or "extends" not in template:
            resolved[name] = template
            return template
        parent = template["extends"]
        if not isinstance(parent, str):
            raise TemplateError(
                name,
                f"layer template {name!r} extends {parent!r}; allowed: the "
                "name of another layer template",
            )
        if len(chain) >= MAX_TEMPLATE_CHAIN:
            raise TemplateError(
                name, f"layer template {name!r} is more than {MAX_TEMPLATE_CHAIN} extends deep"
            )
        if parent in chain or parent == name:
            raise TemplateError(
                name, f"layer template cycle: {' -> '.join((*chain, name, parent))}"
            )
        if parent not in templates:
            raise TemplateError(
                name,
                f"layer template {name!r} extends {parent!r}, which is not "
                f"defined; defined: {', '.join(sorted(templates))}",
            )
        overrides = {k: v for k, v in template.items() if k != "extends"}
        resolved[name] = overlay(
            resolve(parent, (*chain, name)),
            overrides,
            inherited,
            ("layer_templates", name),
            ("layer_templates", parent),
        )
        return resolved[name]

    for name in templates:
        resolve(name, ())
    return resolved


class MultiTokenPrediction(SpecModel):
    """The model's multi-token-prediction modules (``lccost.mechanisms.mtp``): one decoder layer
    each; counted only with ``counted: true``."""

    layers: list[Layer] = Field(min_length=1, max_length=16)
    counted: bool = Field(False, description="add one speculative draft step to every figure")


class ArchitectureSpec(SpecModel):
    """An LLM architecture, as written in YAML (after ``extends`` is resolved)."""

    @model_validator(mode="before")
    @classmethod
    def _template_extends(cls, data: Any) -> Any:
        templates = data.get("layer_templates") if isinstance(data, dict) else None
        if isinstance(templates, dict) and any(
            isinstance(t, dict) and "extends" in t for t in templates.values()
        ):
            return {**data, "layer_templates": resolve_template_extends(templates)}
        return data

    name: str = Field(min_length=1)
    description: str = ""
    hidden_size: int = Field(ge=1, description="D")
    vocab_size: int = Field(ge=1, description="V")
    tie_word_embeddings: bool = False
    lm_head_bias: bool = Field(False, description="the LM head has a bias of V (GPT-J, Phi)")
    max_context: int | None = Field(None, ge=1, description="max_position_embeddings")
    learned_positions: int | None = Field(
        None, ge=1, description="rows of a learned absolute position embedding (GPT-2 wpe)"
    )
    per_layer_embeddings: PerLayerEmbeddings | None = None
    hyper_connections: HyperConnections | None = None
    norms: Norms | None = Field(None, description="norm weights (parameters only)")
    kv_sharing: KVSharing | None = None
    encoders: list[Encoder] = Field(default_factory=list)
    layer_templates: dict[str, Layer] = Field(default_factory=dict)
    layers: list[LayerEntry] = Field(min_length=1, max_length=MAX_LAYERS)
    mtp: MultiTokenPrediction | None = None
    sources: list[Source] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """A spec error found after field validation: the field path and what is wrong."""

    path: tuple[str | int, ...]
    message: str


@dataclass(frozen=True)
class Architecture:
    """A validated spec with its layers expanded, one ``Layer`` per decoder layer.

    ``origins[i]`` is the path of the YAML entry that produced layer i (for error messages).
    """

    spec: ArchitectureSpec
    layers: tuple[Layer, ...]
    origins: tuple[tuple[str | int, ...], ...]

    @property
    def name(self) -> str:
        return self.spec.name

    def kv_source(self, index: int) -> MechanismSpec | None:
        """The attention spec whose cache layer ``index`` reads, if it shares another's."""
        source = self.layers[index].attention.reads_cache_of()
        return None if source is None else self.layers[source].attention


def _expand_entries(
    entries: list[Any],
    templates: dict[str, Layer],
    path: tuple[str | int, ...],
    out: list[tuple[Layer, tuple[str | int, ...]]],
    problems: list[Problem],
) -> None:
    for i, entry in enumerate(entries):
        if len(out) > MAX_LAYERS:
            return
        here = (*path, i)
        if isinstance(entry, str):
            if entry not in templates:
                known = ", ".join(sorted(templates)) or "none are defined"
                problems.append(
                    Problem(
                        here, f"unknown layer template {entry!r}; layer_templates defines: {known}"
                    )
                )
                continue
            out.append((templates[entry], here))
        elif isinstance(entry, Repeat):
            for _ in range(entry.repeat):
                found = len(problems)
                _expand_entries(entry.layers, templates, (*here, "layers"), out, problems)
                if len(problems) > found:
                    return  # every further pass would report the same problems again
                if len(out) > MAX_LAYERS:
                    problems.append(
                        Problem(
                            here,
                            f"expands to more than {MAX_LAYERS} layers; "
                            f"allowed: at most {MAX_LAYERS}",
                        )
                    )
                    return
        else:
            out.append((entry, here))


def _apply_kv_sharing(layers: list[Layer], rule: KVSharing, problems: list[Problem]) -> None:
    """Point every layer from ``first_shared_layer`` on at its producer (HF's rule): the last
    earlier layer of the same ``sharing_group`` (HF's layer type)."""
    first = rule.first_shared_layer
    if first >= len(layers):
        problems.append(
            Problem(
                ("kv_sharing", "first_shared_layer"),
                f"is {first}, but the model has {len(layers)} layers; "
                f"allowed: 1 to {len(layers) - 1}",
            )
        )
        return
    for i in range(first, len(layers)):
        attention = layers[i].attention
        group = attention.sharing_group()
        if group is None:
            problems.append(
                Problem(
                    ("kv_sharing",),
                    f"layer {i} is {attention.kind}; only kind: attention layers can share KV",
                )
            )
            continue
        producers = [j for j in range(first) if layers[j].attention.sharing_group() == group]
        if not producers:
            problems.append(
                Problem(
                    ("kv_sharing",),
                    f"layer {i} ({attention.summary()}) has no "
                    "earlier layer of the same type before "
                    f"layer {first} to read KV from",
                )
            )
            continue
        layers[i] = layers[i].model_copy(
            update={"attention": attention.reading_cache_of(producers[-1])}
        )


def _check_sharing(
    layers: list[Layer], origins: list[tuple[str | int, ...]], problems: list[Problem]
) -> None:
    for i, layer in enumerate(layers):
        attention = layer.attention
        j = attention.reads_cache_of()
        if j is None:
            continue
        where = (*origins[i], "attention", "kv_source_layer")
        if j >= i:
            which = "itself" if j == i else f"a later layer ({j})"
            allowed = (
                f"an earlier layer's cache (0 to {i - 1})"
                if i
                else "an earlier layer's cache, and layer 0 has none"
            )
            problems.append(
                Problem(
                    where,
                    f"layer {i} reads the KV cache of {which}; a layer can only read {allowed}",
                )
            )
            continue
        source = layers[j].attention
        problem = attention.sharing_problem(source)
        if problem is not None:
            problems.append(
                Problem(
                    where,
                    f"layer {i} reads the KV of layer {j} (layer {j} is {source.kind}): {problem}",
                )
            )


def _check_max_context(
    spec: ArchitectureSpec,
    layers: list[Layer],
    origins: list[tuple[str | int, ...]],
    problems: list[Problem],
) -> None:
    """Values that cannot be right at ``max_context`` (``MechanismSpec.context_problems``),
    each reported once where it is written: at the template a layer was made from (where an
    override file sets it), else at the layer entry, naming every layer it applies to."""
    if spec.max_context is None:
        return
    found: dict[tuple[tuple[str | int, ...], str], list[int]] = {}
    for i, layer in enumerate(layers):
        template = next((name for name, t in spec.layer_templates.items() if t is layer), None)
        written = ("layer_templates", template) if template is not None else origins[i]
        for part, mechanism in (("attention", layer.attention), ("ffn", layer.ffn)):
            for path, message in mechanism.context_problems(spec.max_context):
                found.setdefault(((*written, part, *path), message), []).append(i)
    for (where, message), indices in found.items():
        problems.append(Problem(where, f"{_layer_set(indices)}: {message}"))


def _layer_set(indices: list[int]) -> str:
    """``layer 3`` or ``layers 0-2, 5``: consecutive runs written as ranges."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    text = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return f"layer {text}" if len(indices) == 1 else f"layers {text}"


def expand(spec: ArchitectureSpec) -> tuple[Architecture | None, list[Problem]]:
    """The explicit layers of ``spec`` and the cross-layer problems found (empty when valid)."""
    problems: list[Problem] = []
    expanded: list[tuple[Layer, tuple[str | int, ...]]] = []
    _expand_entries(spec.layers, spec.layer_templates, ("layers",), expanded, problems)
    if len(expanded) > MAX_LAYERS and not problems:
        # _expand_entries stops one layer past the cap: a long explicit list or a repeat
        # followed by more entries.
        problems.append(
            Problem(
                ("layers",),
                f"expands to more than {MAX_LAYERS} layers; allowed: at most {MAX_LAYERS}",
            )
        )
    if problems:
        return None, problems
    layers = [layer for layer, _ in expanded]
    origins = [origin for _, origin in expanded]
    if spec.kv_sharing is not None:
        _apply_kv_sharing(layers, spec.kv_sharing, problems)
    _check_sharing(layers, origins, problems)
    _check_max_context(spec, layers, origins, problems)
    if problems:
        return None, problems
    return Architecture(spec, tuple(layers), tuple(origins)), problems
