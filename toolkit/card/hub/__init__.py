"""The values the Hugging Face Hub accepts in a dataset card's metadata, and the offline gate
that checks a card's metadata against them before anything is written (issue 15).

Languages and size categories come from the lists ``datasets`` ships
(``datasets/utils/resources/languages.json`` and ``size_categories.json``); when they cannot be
read (another ``datasets`` version moved them), a fallback accepts ISO 639 codes by their shape
and the size bands below. No installed library ships the license ids or the task categories, so
those two lists are kept here as text files that name their source. ``DatasetCard.validate()``
is an online call; this is the check that runs in CI and in every build.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path
from typing import Any

#: Lists kept in this package, by card field.
LISTS = {"license": "licenses.txt", "task_categories": "task_categories.txt"}
#: Lists ``datasets`` ships, by card field.
SHIPPED = {"language": "languages.json", "size_categories": "size_categories.json"}
SIZE_BANDS = (
    "n<1K",
    "1K<n<10K",
    "10K<n<100K",
    "100K<n<1M",
    "1M<n<10M",
    "10M<n<100M",
    "100M<n<1B",
    "1B<n<10B",
    "10B<n<100B",
    "100B<n<1T",
    "n>1T",
)
_ISO_639 = re.compile(r"^[a-z]{2,3}$")


def _shipped_list(name: str) -> frozenset[str] | None:
    """The entries of ``datasets``' resource ``name`` (keys of an object, or items of a list),
    or None when ``datasets`` is not installed or no longer ships it."""
    spec = find_spec("datasets")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "utils" / "resources" / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return frozenset(str(v) for v in data) if isinstance(data, dict | list) and data else None


@cache
def vocabulary(field: str) -> tuple[Callable[[str], bool], str]:
    """``(accepts, source)`` for a card field: a test of one value and where the list is."""
    if field in LISTS:
        return accepted_values(field).__contains__, f"toolkit/card/hub/{LISTS[field]}"
    shipped = _shipped_list(SHIPPED[field])
    if shipped is not None:
        return shipped.__contains__, f"datasets/utils/resources/{SHIPPED[field]}"
    if field == "language":
        return (lambda v: bool(_ISO_639.match(v))), "an ISO 639 code of 2 or 3 lowercase letters"
    fallback = frozenset({*SIZE_BANDS, "unknown"})
    return fallback.__contains__, "the Hub's size bands (toolkit/card/hub SIZE_BANDS)"


@cache
def accepted_values(field: str) -> frozenset[str]:
    """The values of a list kept in this package (``license``, ``task_categories``)."""
    text = files(__package__).joinpath(LISTS[field]).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def size_category(num_examples: int) -> str:
    """The Hub's size band for a dataset of ``num_examples`` records."""
    for power, band in enumerate(SIZE_BANDS[:-1], start=3):
        if num_examples < 10**power:
            return band
    return SIZE_BANDS[-1]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _suggestion(field: str, value: str) -> str:
    if field not in LISTS:
        return ""
    known = accepted_values(field)
    lowered = {v.lower(): v for v in known}
    match = lowered.get(value.lower().replace(" ", "-")) or next(
        iter(difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.8)), None
    )
    return f"; did you mean {match!r}?" if match else ""


def metadata_problems(data: dict[str, Any], *, required: tuple[str, ...] = ()) -> list[str]:
    """Every value the Hub would refuse or flag in card metadata ``data``; empty when fine.

    Checks license, language, size and task categories against the vocabularies, that
    ``license: other`` comes with a ``license_name`` and a ``license_link`` (the Hub's card spec
    asks for both), and that the ``required`` fields are present.
    """
    problems: list[str] = []
    for name in required:
        if not data.get(name):
            problems.append(f"{name}: missing")
    for name in ("license", "language", "size_categories", "task_categories"):
        accepts, source = vocabulary(name)
        for value in _as_list(data.get(name)):
            if not isinstance(value, str) or not accepts(value):
                hint = _suggestion(name, value) if isinstance(value, str) else ""
                problems.append(
                    f"{name}: {value!r} is not a value the Hub accepts{hint} (see {source})"
                )
    if "other" in _as_list(data.get("license")):
        for name in ("license_name", "license_link"):
            if not data.get(name):
                problems.append(
                    f"{name}: required when license is 'other' (set {name} under [tool.dtk])"
                )
    return problems
