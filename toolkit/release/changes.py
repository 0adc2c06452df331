"""A :class:`~toolkit.release.diff.ReleaseDiff` rendered for people and tools: text for the
terminal, JSON, and the Markdown of ``CHANGES.md`` and the card's "Changes since X.Y.Z" section.
``DIFF_RENDERERS`` feeds ``dtk diff --format``. Apart from the diff itself because rendering needs
the version policy (the bump a diff needs) and the policy needs the diff. Every value from the
data goes through :mod:`toolkit.escape`: a publisher named ``"x\n::error file=a::"`` prints as
one line, never as a GitHub workflow command.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson

from toolkit.escape import md_code, md_text, one_line
from toolkit.release.diff import ReleaseDiff
from toolkit.release.versioning import change_levels, highest_level


def _where(source_file: str | None, line: int | None) -> str:
    return f"{one_line(source_file)}:{line}" if source_file else "-"


def _count_table(title: str, counts: dict[str, dict[str, int]]) -> list[str]:
    lines = [f"  {title:<32} {'old':>8} {'new':>8} {'change':>8}"]
    lines += [
        f"  {one_line(name)[:32]:<32} {c['old']:>8} {c['new']:>8} {c['change']:>+8}"
        for name, c in counts.items()
    ]
    return lines


def _split_move(old: str | None, new: str | None) -> str:
    return one_line(str(new)) if old == new else one_line(f"{old} -> {new}")


def render_text(diff: ReleaseDiff, limit: int | None = 20) -> str:
    """The diff for people; each record list stops after ``limit`` lines (None: no limit)."""

    def section(title: str, items: list[str]) -> list[str]:
        if not items:
            return []
        shown = items if limit is None else items[:limit]
        more = len(items) - len(shown)
        tail = [f"  ... and {more} more (--limit 0 or --format json lists all)"] if more else []
        return [f"{title} ({len(items)}):", *shown, *tail]

    levels = change_levels(diff)
    level = highest_level(levels)
    lines = [
        f"old: {one_line(str(diff.old))} (version {one_line(str(diff.old_version))})",
        f"new: {one_line(str(diff.new))} (version {one_line(str(diff.new_version))})",
        f"records: {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed, {len(diff.moved)} moved split; "
        f"{diff.provenance_only} with provenance-only changes",
        f"schema: {len(diff.schema)} change{'s' if len(diff.schema) != 1 else ''}",
        f"needs: {level} version bump" if level != "none" else "needs: no version bump",
    ]
    lines += [f"  {lvl}: {one_line(reason)}" for lvl, reason in levels]
    lines += section(
        "added",
        [
            f"  + {one_line(r.id)}  {one_line(r.split):<10} {one_line(r.publisher)}  "
            f"{_where(r.source_file, r.start_line)}"
            for r in diff.added
        ],
    )
    lines += section(
        "removed",
        [
            f"  - {one_line(r.id)}  {one_line(r.split):<10} {one_line(r.publisher)}  "
            f"{_where(r.source_file, r.start_line)}"
            for r in diff.removed
        ],
    )
    lines += section(
        "changed",
        [
            f"  ~ {one_line(c.old_id)}"
            f"{' -> ' + one_line(c.new_id) if c.new_id != c.old_id else ''}  "
            f"{_split_move(c.old_split, c.new_split):<10} {one_line(c.publisher)}  "
            f"{_where(c.source_file, c.start_line)}  fields: {one_line(', '.join(c.fields))}"
            for c in diff.changed
        ],
    )
    lines += section(
        "moved split",
        [one_line(f"  > {m.id}  {m.old_split} -> {m.new_split}") for m in diff.moved],
    )
    lines += section(
        "schema",
        [
            f"  {'+' if s.change == 'added' else '-' if s.change == 'removed' else '~'} "
            + one_line(f"{s.field}: ")
            + one_line(
                str(
                    s.new_type
                    if s.change == "added"
                    else s.old_type
                    if s.change == "removed"
                    else f"{s.old_type} -> {s.new_type}"
                )
            )
            for s in diff.schema
        ],
    )
    if diff.provenance_fields:
        lines.append(
            "provenance-only changes by field: "
            + ", ".join(f"{one_line(name)} {n}" for name, n in diff.provenance_fields.items())
        )
    lines += [
        "counts:",
        *_count_table("split", diff.splits),
        *_count_table("publisher", diff.publishers),
    ]
    return "\n".join(lines) + "\n"


def render_json(diff: ReleaseDiff, limit: int | None = None) -> str:
    """:meth:`ReleaseDiff.to_dict` as indented JSON (never cut short)."""
    return orjson.dumps(diff.to_dict(), option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def render_changes_markdown(
    diff: ReleaseDiff, limit: int | None = 20, *, heading: bool = True
) -> str:
    """The card's "Changes since X.Y.Z" section: a level-2 heading and its body, or with
    ``heading=False`` the body alone, opening with "Since version X.Y.Z:" (for a template that
    writes its own heading)."""
    since = one_line(str(diff.old_version or diff.old))
    lines = [f"## Changes since {since}", ""] if heading else [f"Since version {since}:", ""]
    if diff.identical:
        return "\n".join([*lines, f"No changes to the records or the schema since {since}.", ""])
    bullets = [
        (len(diff.added), "added"),
        (len(diff.removed), "removed"),
        (len(diff.changed), "changed"),
        (len(diff.moved), "moved to another split"),
        (diff.provenance_only, "with provenance-only changes (same content)"),
    ]
    lines += [f"- {n} record{'' if n == 1 else 's'} {what}" for n, what in bullets if n]
    lines += [
        f"- schema: field {md_code(s.field, in_table=False)} {s.change}"
        + (one_line(f" ({s.old_type} → {s.new_type})") if s.change == "retyped" else "")
        for s in diff.schema
    ]
    if diff.changed:
        shown = diff.changed if limit is None else diff.changed[:limit]
        lines += ["", "| record | split | publisher | changed fields |", "|---|---|---|---|"]
        lines += [
            f"| {md_code(c.old_id)}"
            + (f" → {md_code(c.new_id)}" if c.new_id != c.old_id else "")
            + f" | {md_text(c.new_split)} | {md_text(c.publisher)}"
            + f" | {md_text(', '.join(c.fields))} |"
            for c in shown
        ]
        if len(shown) < len(diff.changed):
            lines.append(f"\n… and {len(diff.changed) - len(shown)} more.")
    lines += ["", "| split | before | after | change |", "|---|---:|---:|---:|"]
    lines += [
        f"| {md_text(name)} | {c['old']} | {c['new']} | {c['change']:+d} |"
        for name, c in diff.splits.items()
    ]
    moved = {name: c for name, c in diff.publishers.items() if c["change"]}
    if moved:
        lines += ["", "| publisher | before | after | change |", "|---|---:|---:|---:|"]
        lines += [
            f"| {md_text(name)} | {c['old']} | {c['new']} | {c['change']:+d} |"
            for name, c in moved.items()
        ]
    return "\n".join(lines) + "\n"


#: ``dtk diff --format`` choices.
DIFF_RENDERERS: dict[str, Callable[[ReleaseDiff, int | None], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_changes_markdown,
}
