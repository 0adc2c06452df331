"""The dataset's version policy: how big a version bump a release's changes need, and the check
that ``dtk build`` runs before it replaces the published release. Kept apart from the diff (which
only says what changed) so the policy is written down once, here:

- **major**: a record (same id) moved to another split, a split disappeared, or the schema
  removed or retyped a field. Users' train/test separation or their loading code breaks.
- **minor**: records added or removed, a field or a split added, or an edited record whose new
  id landed in another split.
- **patch**: records changed in place (same split; matched by id or by provenance): corrections.
- **none**: nothing but provenance changed (a new toolkit or extractor version, a re-hashed raw
  file, shifted line spans), or nothing at all. Same data under the same version is fine.

A version never goes backwards.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from toolkit.errors import ReleaseError, VersionBumpError

if TYPE_CHECKING:  # the policy reads a diff; the diff (its JSON) quotes the policy
    from toolkit.release.diff import ReleaseDiff

Level = Literal["none", "patch", "minor", "major"]
LEVELS: tuple[Level, ...] = ("none", "patch", "minor", "major")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
_EXAMPLES = 3
CONFIG_HINT = "the dataset config ([tool.dtk] version in pyproject.toml, or dataset.toml)"


def parse_version(version: str) -> tuple[int, int, int]:
    """``MAJOR.MINOR.PATCH`` as a tuple; anything else is a ReleaseError."""
    match = _SEMVER.match(version or "")
    if not match:
        raise ReleaseError(f"version {version!r} is not MAJOR.MINOR.PATCH; fix it in {CONFIG_HINT}")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def bump_level(old: str, new: str) -> Level | None:
    """How far ``new`` is from ``old`` (``none`` when equal), or None when it goes backwards."""
    a, b = parse_version(old), parse_version(new)
    if b < a:
        return None
    if b[0] > a[0]:
        return "major"
    if b[1] > a[1]:
        return "minor"
    return "patch" if b[2] > a[2] else "none"


def next_version(old: str, level: Level) -> str:
    """The smallest version after ``old`` with a ``level`` bump."""
    major, minor, patch = parse_version(old)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}" if level == "patch" else old


def _examples(items: list[str]) -> str:
    shown = ", ".join(items[:_EXAMPLES])
    return f"{shown}, ..." if len(items) > _EXAMPLES else shown


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def change_levels(diff: ReleaseDiff) -> list[tuple[Level, str]]:
    """Every kind of change in ``diff`` with the bump it needs, most severe first."""
    out: list[tuple[Level, str]] = []
    if diff.moved:
        moves = [f"{m.id} {m.old_split} -> {m.new_split}" for m in diff.moved]
        out.append(("major", f"{_plural(len(moves), 'record')} moved split ({_examples(moves)})"))
    gone = [name for name, c in diff.splits.items() if c["old"] and not c["new"]]
    if gone:
        out.append(
            ("major", f"{_plural(len(gone), 'split')} emptied or removed ({', '.join(gone)})")
        )
    for kind in ("removed", "retyped"):
        fields = [
            s.field + (f" {s.old_type} -> {s.new_type}" if kind == "retyped" else "")
            for s in diff.schema
            if s.change == kind
        ]
        if fields:
            out.append(
                ("major", f"schema {kind} {_plural(len(fields), 'field')} ({_examples(fields)})")
            )
    added_fields = [s.field for s in diff.schema if s.change == "added"]
    if added_fields:
        out.append(
            (
                "minor",
                f"schema added {_plural(len(added_fields), 'field')} ("
                + _examples(added_fields)
                + ")",
            )
        )
    new_splits = [name for name, c in diff.splits.items() if c["new"] and not c["old"]]
    if new_splits:
        out.append(("minor", f"{_plural(len(new_splits), 'new split')} ({', '.join(new_splits)})"))
    for refs, verb in ((diff.added, "added"), (diff.removed, "removed")):
        if refs:
            out.append(
                (
                    "minor",
                    f"{_plural(len(refs), 'record')} {verb} ("
                    + _examples([r.id for r in refs])
                    + ")",
                )
            )
    crossed = [c for c in diff.changed if c.old_split != c.new_split]
    if crossed:
        out.append(
            (
                "minor",
                f"{_plural(len(crossed), 'edited record')} landed in another split ("
                + _examples(
                    [f"{c.old_id} {c.old_split} -> {c.new_id} {c.new_split}" for c in crossed]
                )
                + ")",
            )
        )
    in_place = [c for c in diff.changed if c.old_split == c.new_split]
    if in_place:
        out.append(
            (
                "patch",
                f"{_plural(len(in_place), 'record')} changed ("
                + _examples([f"{c.old_id}: {', '.join(c.fields)}" for c in in_place])
                + ")",
            )
        )
    return out


def highest_level(levels: list[tuple[Level, str]]) -> Level:
    """The biggest bump among ``levels`` (``none`` when empty)."""
    return max((level for level, _ in levels), key=LEVELS.index, default="none")


def check_version_bump(diff: ReleaseDiff) -> None:
    """Raise VersionBumpError when ``diff.new_version`` is too small for the changes in ``diff``
    (or goes backwards); the message lists the changes and the smallest acceptable version."""
    if diff.old_version is None or diff.new_version is None:
        return  # a release made before versions were recorded: nothing to compare against
    old, new = diff.old_version, diff.new_version
    levels = change_levels(diff)
    needed = highest_level(levels)
    actual = bump_level(old, new)
    if actual is None:
        raise VersionBumpError(
            f"version {new} is older than the published release {old}; a version never goes "
            f'backwards: set version = "{next_version(old, needed)}" or higher in {CONFIG_HINT}'
        )
    if LEVELS.index(actual) >= LEVELS.index(needed):
        return
    why = "; ".join(r for level, r in levels if LEVELS.index(level) > LEVELS.index(actual))
    what = (
        "is already published with other data" if actual == "none" else f"is only a {actual} bump"
    )
    raise VersionBumpError(
        f"version {new} {what} (published: {old}), but this release needs a {needed} bump: "
        f'{why}. Set version = "{next_version(old, needed)}" in {CONFIG_HINT} and build again; '
        "dtk diff OLD NEW shows every change"
    )
