"""Shipped names as a user types them: any letter case, a unique prefix of whole words (for
hardware), and a suggestion ("did you mean ...?") when nothing matches."""

from __future__ import annotations

import re
from collections.abc import Iterable


def name_key(text: str) -> str:
    """``"H100 SXM"``, ``h100-sxm`` and ``H100_SXM`` -> ``h100sxm``: case and separators
    ignored, dots kept (``laguna-xs.2``)."""
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == ".")


def _words(text: str) -> list[str]:
    """``"H100 SXM"`` -> ``["h100", "sxm"]``: a prefix matches whole words only, so ``h100``
    finds ``h100-sxm`` but ``h20`` (another GPU) does not find ``h200``."""
    return [w for w in re.split(r"[^0-9a-z.]+", text.lower()) if w]


def match_name(wanted: str, names: Iterable[str], prefix: bool = False) -> str | None:
    """The one name ``wanted`` means: the name itself, the name in another case or with other
    separators, or (with ``prefix``) the only name whose first words it is; ``None`` when none
    or several match. Model names take no prefix: ``gemma-4-e2b-no`` silently meaning one
    variant would be a guess; a device family (``h100`` for ``h100-sxm``) is not."""
    names = list(names)
    if wanted in names:
        return wanted
    key = name_key(wanted)
    if not key:
        return None
    same = [n for n in names if name_key(n) == key]
    if len(same) == 1:
        return same[0]
    words = _words(wanted)
    prefixed = [n for n in names if _words(n)[: len(words)] == words] if prefix else []
    return prefixed[0] if len(prefixed) == 1 else None


def did_you_mean(wanted: str, names: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest names (those nearly as close as the closest,
    and the names ``wanted`` starts), or ``""``."""
    import difflib  # only for a name that matched nothing: resolving one stays cheap

    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(name_key(name), name)  # a stem and a display name: one suggestion
    key = name_key(wanted)
    scores = {k: difflib.SequenceMatcher(None, key, k).ratio() for k in by_key}
    best = max(scores.values(), default=0.0)
    close = sorted(
        (k for k, score in scores.items() if score >= max(0.6, best - 0.1)),
        key=lambda k: -scores[k],
    )
    prefixed = [k for k in by_key if key and k.startswith(key)]
    found = list(dict.fromkeys([*close, *prefixed]))[:3]
    if not found:
        return ""
    return "; did you mean " + " or ".join(repr(by_key[k]) for k in found) + "?"
