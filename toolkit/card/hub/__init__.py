"""The values the Hugging Face Hub accepts in a dataset card's metadata, kept as text files in
this package (copied from the Hub's documentation, each file names its source), and an offline
check of a card's YAML against them. ``DatasetCard.validate()`` is an online call, so this is the
check that can run in CI.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

#: Lists shipped in this package, by card field.
LISTS = {
    "license": "licenses.txt",
    "size_categories": "size_categories.txt",
    "task_categories": "task_categories.txt",
    "language": "languages.txt",
}


@cache
def accepted_values(field: str) -> frozenset[str]:
    """The values the Hub accepts for ``field`` (one of ``LISTS``)."""
    text = files(__package__).joinpath(LISTS[field]).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def size_category(num_examples: int) -> str:
    """The Hub's size band for a dataset of ``num_examples`` records."""
    bands = [
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
    ]
    for power, band in enumerate(bands, start=3):
        if num_examples < 10**power:
            return band
    return "n>1T"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def metadata_problems(data: dict[str, Any]) -> list[str]:
    """What the Hub would refuse or flag in a card's metadata; empty when it is acceptable.

    Checks license, size_categories, task_categories and language against the lists, that
    ``license: other`` comes with a ``license_name``, and that the required fields are present.
    """
    problems: list[str] = []
    for name in ("license", "language", "size_categories", "task_categories", "pretty_name"):
        if not data.get(name):
            problems.append(f"{name}: missing")
    for name in LISTS:
        accepted = accepted_values(name)
        for value in _as_list(data.get(name)):
            if not isinstance(value, str) or value not in accepted:
                problems.append(
                    f"{name}: {value!r} is not a value the Hub accepts "
                    f"(see toolkit/hub/{LISTS[name]})"
                )
    if "other" in _as_list(data.get("license")) and not data.get("license_name"):
        problems.append("license_name: required when license is 'other'")
    return problems
