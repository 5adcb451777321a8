"""The mechanism interface (``lccost.mechanisms.base.MechanismSpec``) is declared, implemented by
every mechanism in the unions, and the only way the rest of lccost reaches a mechanism."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest

from lccost.ledger import PartCosts
from lccost.mechanisms import AttentionSpec, FeedForwardSpec
from lccost.mechanisms.base import LayerEnv, MechanismSpec
from lccost.workload import Workload

PACKAGE = Path(__file__).resolve().parent.parent / "lccost"


def _union_members() -> list[type[MechanismSpec]]:
    members: list[type[MechanismSpec]] = []
    for union in (AttentionSpec, FeedForwardSpec):
        (choices, *_) = typing.get_args(union)  # Annotated[A | B | ..., Field(...)]
        members.extend(typing.get_args(choices))
    return members


def test_a_mechanism_without_costs_cannot_be_built() -> None:
    class Incomplete(MechanismSpec):
        def summary(self) -> str:
            return "no costs"

    with pytest.raises(TypeError, match="abstract"):
        Incomplete()  # type: ignore[abstract]  # the point: it cannot


def test_a_complete_mechanism_needs_only_summary_and_costs() -> None:
    class Minimal(MechanismSpec):
        def summary(self) -> str:
            return "minimal"

        def costs(self, env: LayerEnv) -> PartCosts:
            return PartCosts()

    minimal = Minimal()
    # The defaults describe a mechanism without a cache to share or a window.
    assert (
        minimal.reads_cache_of(),
        minimal.sharing_group(),
        minimal.sliding_window(),
        minimal.query_heads_per_kv_head(),
        minimal.context_problems(1),
    ) == (None, None, None, None, [])
    # ... and whose peak memory is not modelled: lccost.peak refuses it rather than guess.
    assert (
        minimal.peak_attention(LayerEnv(64, Workload(context_tokens=1))),
        minimal.peak_mlp(),
    ) == (None, None)


@pytest.mark.parametrize("mechanism", _union_members(), ids=lambda cls: cls.__name__)
def test_every_mechanism_in_the_unions_implements_the_interface(
    mechanism: type[MechanismSpec],
) -> None:
    assert issubclass(mechanism, MechanismSpec)
    assert not inspect.isabstract(mechanism), inspect.getattr_static(
        mechanism, "__abstractmethods__"
    )


def _mechanism_names() -> set[str]:
    names = {cls.__name__ for cls in _union_members()}
    for cls in _union_members():
        names |= {base.__name__ for base in cls.__mro__ if issubclass(base, MechanismSpec)}
    return names


def _mechanism_attributes() -> set[str]:
    """Fields and methods of the mechanisms that the interface does not declare."""
    declared = set(dir(MechanismSpec))
    own: set[str] = set()
    for cls in _union_members():
        own |= set(cls.model_fields) | {n for n in dir(cls) if not n.startswith("__")}
    return own - declared


def test_no_module_outside_the_mechanisms_probes_or_dispatches_on_mechanism_types() -> None:
    # issue 16: fit.py, spec/model.py and report.py probed with getattr; spec/model.py and
    # claims.py tested isinstance(Attention). Outside lccost/mechanisms only the interface may
    # be used.
    names, attributes = _mechanism_names(), _mechanism_attributes()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "mechanisms" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id in ("isinstance", "issubclass") and len(node.args) == 2:
                types = ast.unparse(node.args[1])
                if any(name in types for name in names):
                    found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
            if node.func.id in ("getattr", "hasattr") and len(node.args) >= 2:
                attribute = node.args[1]
                if isinstance(attribute, ast.Constant) and attribute.value in attributes:
                    found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert found == []
