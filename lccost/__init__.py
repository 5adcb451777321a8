"""lccost: analytical long-context cost calculator for LLM architectures.

Cache bytes, prefill and decode FLOPs, and decode memory traffic, for any architecture written
as a YAML spec, at any context length, batch and dtype. The Python API mirrors the CLI:
``lccost.load``, ``lccost.make_workload``, ``lccost.compare``, ``lccost.sweep``,
``lccost.analyse`` (a command's whole answer: report, costs and roofline),
``lccost.model_cost``, ``lccost.check_claims``, ``lccost.fit``, ``lccost.roofline``,
``lccost.load_hardware``, ``lccost.architecture_from_hf_config``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "load": "lccost.api",
    "make_workload": "lccost.api",
    "compare": "lccost.api",
    "sweep": "lccost.api",
    "model_cost": "lccost.api",
    "parse_contexts": "lccost.api",
    "analyse": "lccost.api",
    "Analysis": "lccost.api",
    "Report": "lccost.report",
    "Workload": "lccost.workload",
    "LccostError": "lccost.errors",
    "check_claims": "lccost.claims",
    "fit": "lccost.fit",
    "load_hardware": "lccost.hardware",
    "roofline": "lccost.hardware",
    "architecture_from_hf_config": "lccost.hf",
}


__all__ = ["__version__", *_API]


def __dir__() -> list[str]:
    # The public API is imported lazily (``__getattr__``); list it anyway, for completion.
    return sorted({*globals(), *_API})


def __getattr__(name: str) -> Any:
    # Imported on first use, so `lccost --help` does not pay for pydantic models it never uses.
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'lccost' has no attribute {name!r}")
