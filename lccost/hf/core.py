"""The shared core of the importer: a family's fields read as transformers 5.23.0 reads them.

``Fields`` reads one config mapping (a config.json, or its ``text_config``) against its family's
class defaults, resolving the class's ``attribute_map`` aliases and ``per_layer_config``
overrides the way ``PreTrainedConfig`` does, and accounts for every key: each is read (and
checked), or listed as cost-irrelevant (``COMMON_IGNORED`` for every family, ``Family.ignored``
for one), or reported as unknown. Problems are collected, not raised one at a time: the import
fails with all of them (``SpecErrors``), each naming file, line and config field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lccost.errors import SpecError
from lccost.hf.jsonfile import JsonConfig, Path_
from lccost.spec.loader import MAX_INT
from lccost.spec.model import MAX_LAYERS

COMMON_IGNORED: dict[str, str] = {
    **dict.fromkeys(
        (
            "transformers_version",
            "architectures",
            "_name_or_path",
            "model_type",
            "dtype",
            "torch_dtype",
            "id2label",
            "label2id",
            "problem_type",
            "num_labels",
            "return_dict",
            "output_hidden_states",
            "output_attentions",
            "chunk_size_feed_forward",
            "is_encoder_decoder",
            "tie_encoder_decoder",
            "auto_map",
            "custom_pipelines",
            "task_specific_params",
            "finetuning_task",
            "tokenizer_class",
            "prefix",
            "_attn_implementation_autoset",
            "use_return_dict",
            "quantization_config",
            "torchscript",
            "pruned_heads",
            "add_cross_attention",
            "is_decoder",
            "cross_attention_hidden_size",
            "decoder_start_token_id",
            "sep_token_id",
            "tie_last_hidden_states",
            "base_config_key",
            "keys_to_ignore_at_inference",
        ),
        "bookkeeping written by save_pretrained; no shape depends on it",
    ),
    **dict.fromkeys(
        ("bos_token_id", "eos_token_id", "pad_token_id"), "a token id; no shape depends on it"
    ),
    **dict.fromkeys(
        (
            "initializer_range",
            "initializer_factor",
            "use_cache",
            "gradient_checkpointing",
            "attention_dropout",
            "hidden_dropout",
            "dropout",
            "resid_pdrop",
            "embd_pdrop",
            "attn_pdrop",
            "hidden_dropout_prob",
            "attention_probs_dropout_prob",
            "summary_first_dropout",
            "residual_dropout",
            "embedding_dropout",
            "mlp_dropout",
            "output_router_logits",
            "router_aux_loss_coef",
            "router_z_loss_coef",
            "aux_loss_alpha",
            "seq_aux",
            "pretraining_tp",
            "router_jitter_noise",
            "classifier_dropout",
            "ffn_dropout",
            "projector_dropout",
        ),
        "training or initialisation only",
    ),
    **dict.fromkeys(
        (
            "rms_norm_eps",
            "layer_norm_eps",
            "layer_norm_epsilon",
            "norm_eps",
            "norm_epsilon",
            "hidden_act",
            "hidden_activation",
            "activation_function",
            "rope_theta",
            "rope_scaling",
            "rope_parameters",
            "final_logit_softcapping",
            "attn_logit_softcapping",
            "query_pre_attn_scalar",
            "routed_scaling_factor",
            "norm_topk_prob",
            "scoring_func",
            "topk_method",
            "logits_scaling",
            "embedding_multiplier",
            "residual_multiplier",
            "attention_multiplier",
            "logit_scale",
            "scale_attn_weights",
            "rotary_pct",
            "partial_rotary_factor",
            "rope_interleave",
            "use_qk_norm_scale",
            "attention_scale",
            "bf16",
            "fp16",
        ),
        "a numerical constant or activation; shapes and FLOP counts do not depend on it",
    ),
}
"""Keys of every configuration class that no parameter shape or cache size depends on, with the
reason (families whose shapes do depend on one read it instead, which takes precedence)."""


@dataclass(frozen=True)
class Family:
    """One ``model_type``: its transformers 5.23.0 configuration class, defaults and builder.

    ``defaults``: the class's field defaults (copied, transformers is not imported), by field
    name; ``attribute_map``: the class's aliases (name -> the attribute it stands for);
    ``ignored``: the class's other fields that no cost depends on, with the reason;
    ``per_layer``: attributes its modeling code reads from ``config.per_layer_config[i]`` (any
    other override makes transformers raise, so lccost refuses it); ``build``: the layers.
    """

    model_type: str
    class_name: str
    source: str
    defaults: Mapping[str, Any]
    build: Callable[[Fields], Built]
    attribute_map: Mapping[str, str] = field(default_factory=dict)
    ignored: Mapping[str, str] = field(default_factory=dict)
    per_layer: frozenset[str] = frozenset()
    text_model_type: str | None = None
    """For a multimodal wrapper (gemma4): the model_type of its ``text_config``."""


@dataclass
class Built:
    """What a family builder returns: top-level spec fields, one layer mapping per layer, notes."""

    top: dict[str, Any]
    layers: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


_MISSING = object()


class Fields:
    """One config mapping read against its family: values checked, defaults recorded, every key
    accounted for, problems collected in ``problems``."""

    def __init__(
        self,
        config: JsonConfig,
        data: Mapping[str, Any],
        family: Family,
        path: Path_ = (),
        problems: list[SpecError] | None = None,
    ) -> None:
        self.config, self.family, self.path = config, family, path
        self.problems: list[SpecError] = [] if problems is None else problems
        self.defaulted: dict[str, Any] = {}
        self.used: set[str] = set()
        self.text: Fields | None = None
        alias = family.attribute_map
        self.data: dict[str, Any] = {}
        self.written_as: dict[str, str] = {}
        for key, value in data.items():
            canonical = alias.get(key, key)
            if canonical in self.data and self.data[canonical] != value:
                self.problems.append(
                    SpecError(
                        config.file,
                        f"= {value!r} and {self.written_as[canonical]} = "
                        f"{self.data[canonical]!r} name the same attribute "
                        f"({family.class_name}.attribute_map); give one",
                        line=config.line((*path, key)),
                        field=self.name(key),
                    )
                )
            self.data.setdefault(canonical, value)
            self.written_as.setdefault(canonical, key)
        self.defaults = {alias.get(k, k): v for k, v in family.defaults.items()}

    # -- errors ----------------------------------------------------------------------------
    def name(self, key: str) -> str:
        return ".".join(str(p) for p in (*self.path, key))

    def report(self, key: str, message: str) -> None:
        """Record a problem with field ``key`` (its line from the file, if written there)."""
        written = self.written_as.get(key, key)
        self.problems.append(
            SpecError(
                self.config.file,
                message,
                line=self.config.line((*self.path, written)),
                field=self.name(written),
            )
        )

    # -- reading ---------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        return self.family.attribute_map.get(key, key) in self.data

    def get(self, key: str) -> Any:
        key = self.family.attribute_map.get(key, key)
        self.used.add(key)
        if key in self.data:
            return self.data[key]
        if key not in self.defaults:
            raise KeyError(f"{self.family.model_type}: {key} has no class default")
        self.defaulted[key] = self.defaults[key]
        return self.defaults[key]

    def _fallback(self, key: str, minimum: int) -> int:
        default = self.defaults.get(self.family.attribute_map.get(key, key))
        ok = isinstance(default, int) and not isinstance(default, bool) and default >= minimum
        return default if ok else max(minimum, 1)  # type: ignore[return-value]

    def check_int(
        self, key: str, value: Any, minimum: int = 1, maximum: int = MAX_INT, what: str = ""
    ) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(key, f"{what}got {value!r}; allowed: a whole number")
            return None
        if not minimum <= value <= maximum:
            self.report(key, f"{what}got {value}; allowed: {minimum} to {maximum:,}")
            return None
        return value

    def integer(self, key: str, minimum: int = 1, maximum: int = MAX_INT) -> int:
        """A whole-number field (``null`` refused)."""
        value = self.check_int(key, self.get(key), minimum, maximum)
        return self._fallback(key, minimum) if value is None else value

    def opt_int(self, key: str, minimum: int = 1, maximum: int = MAX_INT) -> int | None:
        """A whole number or ``null``."""
        value = self.get(key)
        if value is None:
            return None
        checked = self.check_int(key, value, minimum, maximum)
        return self._fallback(key, minimum) if checked is None else checked

    def layers(self, key: str = "num_hidden_layers") -> int:
        """The layer count, capped at ``MAX_LAYERS`` (a config expanding further is refused
        before any per-layer list is built)."""
        return self.integer(key, 1, MAX_LAYERS)

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            self.report(key, f"got {value!r}; allowed: true or false")
            default = self.defaults.get(self.family.attribute_map.get(key, key))
            return bool(default) if isinstance(default, bool) else False
        return value

    def number(self, key: str, minimum: float, maximum: float) -> float | None:
        value = self.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not minimum <= value <= maximum
        ):
            self.report(key, f"got {value!r}; allowed: a number from {minimum} to {maximum}")
            return None
        return float(value)

    def choice(self, key: str, allowed: tuple[Any, ...]) -> Any:
        value = self.get(key)
        if value not in allowed or isinstance(value, bool) != any(
            isinstance(a, bool) and a == value for a in allowed
        ):
            shown = ", ".join(json.dumps(a) for a in allowed)
            self.report(key, f"got {json.dumps(value)}; allowed: {shown}")
            return allowed[0]
        return value

    def int_list(self, key: str, length: int | None, minimum: int = 0) -> list[int] | None:
        """A list of whole numbers (``length`` entries when given; more are ignored as
        transformers does not read them) or ``null``."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.report(key, f"got {value!r}; allowed: a list of whole numbers")
            return None
        if length is not None and len(value) < length:
            self.report(key, f"has {len(value)} entries; it needs one per layer ({length})")
            return None
        out = []
        for i, item in enumerate(value if length is None else value[:length]):
            checked = self.check_int(key, item, minimum, what=f"entry {i}: ")
            if checked is None:
                return None
            out.append(checked)
        return out

    def str_list(self, key: str, length: int, allowed: tuple[str, ...]) -> list[str] | None:
        """A list of ``length`` names from ``allowed`` (one per layer), or ``null``."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.report(key, f"got {value!r}; allowed: a list of {', '.join(allowed)}")
            return None
        if len(value) != length:
            self.report(key, f"has {len(value)} entries; it needs one per layer ({length})")
            return None
        bad = sorted({v for v in value if v not in allowed})
        if bad:
            self.report(key, f"has {', '.join(map(repr, bad))}; allowed: {', '.join(allowed)}")
            return None
        return list(value)

    def mark_used(self, *keys: str) -> None:
        """Keys read through another path (a wrapper's text_config, a BC alias)."""
        self.used.update(self.family.attribute_map.get(k, k) for k in keys)

    # -- per_layer_config ------------------------------------------------------------------
    def per_layer_overrides(self, num_layers: int) -> list[dict[str, Any]]:
        """``per_layer_config`` as one override mapping per layer (``{}`` where none), checked
        as ``PreTrainedConfig`` checks it: keys are layer indices in [0, num_layers), values
        objects of attributes this family's modeling code reads per layer."""
        self.used.add("per_layer_config")
        overrides: list[dict[str, Any]] = [{} for _ in range(num_layers)]
        raw = self.data.get("per_layer_config")
        if raw is None:
            return overrides
        here = (*self.path, "per_layer_config")
        if not isinstance(raw, dict):
            self.report(
                "per_layer_config",
                f"got {raw!r}; allowed: an object of layer index -> attribute overrides",
            )
            return overrides
        honoured = self.family.per_layer
        for index, layer in raw.items():
            at = (*here, index)
            name = ".".join(str(p) for p in at)
            if not index.isdigit() or int(index) >= num_layers:
                self.problems.append(
                    SpecError(
                        self.config.file,
                        f"is not a layer index; allowed: 0 to {num_layers - 1}",
                        line=self.config.line(at),
                        field=name,
                    )
                )
                continue
            if not isinstance(layer, dict):
                self.problems.append(
                    SpecError(
                        self.config.file,
                        f"got {layer!r}; allowed: an object of attribute overrides",
                        line=self.config.line(at),
                        field=name,
                    )
                )
                continue
            for attribute, value in layer.items():
                if attribute not in honoured:
                    reads = ", ".join(sorted(honoured)) or "none"
                    self.problems.append(
                        SpecError(
                            self.config.file,
                            f"transformers 5.23.0 {self.family.model_type} does not read "
                            f"{attribute} per layer (it refuses to build this model); lccost would "
                            f"need a modeling code that does; per-layer attributes it reads: "
                            f"{reads}",
                            line=self.config.line((*at, attribute)),
                            field=f"{name}.{attribute}",
                        )
                    )
                    continue
                overrides[int(index)][attribute] = value
        return overrides

    def layer_int(
        self, overrides: list[dict[str, Any]], layer: int, key: str, minimum: int = 1
    ) -> int:
        """``key`` for one layer: its ``per_layer_config`` override, else the global value."""
        if key in overrides[layer]:
            where = f"per_layer_config.{layer}.{key}"
            value = overrides[layer][key]
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                self.problems.append(
                    SpecError(
                        self.config.file,
                        f"got {value!r}; allowed: a whole number >= {minimum}",
                        line=self.config.line((*self.path, "per_layer_config")),
                        field=self.name(where),
                    )
                )
                return self.integer(key, minimum)
            return value
        return self.integer(key, minimum)

    # -- accounting ------------------------------------------------------------------------
    def check_accounted(self, also_ignored: Mapping[str, str] | None = None) -> None:
        """Report every key neither read nor listed as cost-irrelevant; ``per_layer_config``
        that the family's modeling code does not read is checked as such (only ``{}`` passes)."""
        if "per_layer_config" in self.data and "per_layer_config" not in self.used:
            layers = self.data.get("num_hidden_layers")
            self.per_layer_overrides(
                layers if isinstance(layers, int) and 0 < layers <= MAX_LAYERS else MAX_LAYERS
            )
        ignored = {**COMMON_IGNORED, **self.family.ignored, **(also_ignored or {})}
        for canonical, written in self.written_as.items():
            if canonical in self.used or canonical in ignored or written in ignored:
                continue
            known = canonical in self.defaults
            what = (
                f"a {self.family.class_name} field lccost does not read"
                if known
                else f"not a field of transformers 5.23.0 {self.family.class_name}"
            )
            self.report(
                canonical,
                f"{what}; lccost would need to know how it changes the "
                "model's parameters or cache (a misspelt field would "
                "otherwise be dropped silently)",
            )

    def defaults_note(self) -> str | None:
        if not self.defaulted:
            return None
        values = ", ".join(
            f"{self.name(k)} = {json.dumps(v)}" for k, v in sorted(self.defaulted.items())
        )
        return (
            f"Not in the config file, taken from the transformers 5.23.0 "
            f"{self.family.class_name} class defaults: {values}."
        )


def refuse(f: Fields, key: str, mechanism: str) -> None:
    """Record that ``key`` asks for something lccost does not model."""
    f.report(
        key, f"{mechanism}; not modelled by lccost, so the import is refused rather than guessed"
    )
