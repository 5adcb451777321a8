"""Shipped names as a user types them: any letter case, a unique prefix, and a suggestion
("did you mean ...?") when nothing matches."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def name_key(text: str) -> str:
    """``"H100 SXM"``, ``h100-sxm`` and ``H100_SXM`` -> ``h100sxm``: case and separators
    ignored, dots kept (``laguna-xs.2``)."""
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == ".")


def match_name(wanted: str, names: Iterable[str], prefix: bool = False) -> str | None:
    """The one name ``wanted`` means: the name itself, the name in another case or with other
    separators, or (with ``prefix``) the only name it is a prefix of; ``None`` when none or
    several match. Model names take no prefix: ``gemma-4-e2b-no`` silently meaning one variant
    would be a guess; a device family (``h100``) does."""
    names = list(names)
    if wanted in names:
        return wanted
    key = name_key(wanted)
    if not key:
        return None
    same = [n for n in names if name_key(n) == key]
    if len(same) == 1:
        return same[0]
    prefixed = [n for n in names if name_key(n).startswith(key)] if prefix else []
    return prefixed[0] if len(prefixed) == 1 else None


def did_you_mean(wanted: str, names: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest names, or ``""``."""
    names = list(names)
    keys = {name_key(n): n for n in names}
    close = difflib.get_close_matches(name_key(wanted), list(keys), n=3, cutoff=0.6)
    prefixed = [n for n in names if name_key(n).startswith(name_key(wanted))] if wanted else []
    found = list(dict.fromkeys([*(keys[k] for k in close), *prefixed]))[:3]
    if not found:
        return ""
    return "; did you mean " + " or ".join(repr(n) for n in found) + "?"
