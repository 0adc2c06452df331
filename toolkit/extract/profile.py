"""Site profiles: declarative data (``toolkit/profiles/<name>.json``, checked against
``schema/profile.schema.json``) that tunes the text extractor for a known publisher: end markers,
section labels, rubric labels, boilerplate patterns, the kind of page. A profile only adds
evidence; without one the generic cues still apply.

Profile patterns run on RE2 (``google-re2``), whose matching time is linear in the line: a
pattern such as ``^(a+)+$`` cannot hang extraction as it would with Python's backtracking
``re`` (issue 12). Patterns RE2 cannot run (backreferences, lookaround) are refused when the
profile loads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from toolkit.errors import SchemaError


class Pattern(Protocol):
    """A compiled profile pattern: RE2's, or anything with the same ``search``."""

    def search(self, text: str) -> object: ...


PROFILE_DIR = Path(__file__).resolve().parent / "profiles"


@dataclass(frozen=True)
class Profile:
    """Compiled patterns of one profile; each is matched with ``re.search`` on a stripped line."""

    name: str
    kind: str | None = None
    end_markers: tuple[Pattern, ...] = ()
    boilerplate: tuple[Pattern, ...] = ()
    section_labels: tuple[Pattern, ...] = ()
    rubric_labels: tuple[Pattern, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def _any(patterns: tuple[Pattern, ...], line: str) -> bool:
        return any(p.search(line) for p in patterns)

    def is_end(self, line: str) -> bool:
        return self._any(self.end_markers, line)

    def is_boilerplate(self, line: str) -> bool:
        return self._any(self.boilerplate, line) or self.is_end(line)

    def is_section(self, line: str) -> bool:
        return self._any(self.section_labels, line)

    def is_rubric(self, line: str) -> bool:
        return self._any(self.rubric_labels, line)


#: The profile used when a manifest entry names none: no extra evidence.
GENERIC = Profile("generic")


def available_profiles() -> list[str]:
    """Names of the profiles shipped in ``toolkit/profiles/``."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.json"))


def compile_pattern(pattern: str, *, where: str) -> Pattern:
    """``pattern`` compiled for RE2 (linear-time matching).

    Raises:
        SchemaError: the pattern is not a regular expression, or RE2 cannot run it (a
            backreference, a lookaround).
    """
    import re2

    try:
        re.compile(pattern)  # the familiar message for plain syntax errors
    except re.error as exc:
        raise SchemaError(f"{where}: bad regular expression: {exc}") from exc
    options = re2.Options()
    options.log_errors = False  # the error is raised, with the pattern, below
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise SchemaError(
            f"{where}: bad regular expression {pattern!r}: RE2, the linear-time engine profile "
            f"patterns run on, cannot run it ({reason}); rewrite it without backreferences or "
            "lookaround"
        ) from exc


@cache
def load_profile(name: str) -> Profile | None:
    """The profile called ``name``, or None when there is no such file.

    Raises:
        SchemaError: the profile file is not valid JSON, breaks its schema, or holds a bad regex.
    """
    from toolkit.schema import default_schemas, fast_validator

    path = PROFILE_DIR / f"{name}.json"
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name) or not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{path}: cannot read profile: {exc}") from exc
    schemas = default_schemas()
    validator = fast_validator(schemas.resolve_name("profile"), schemas)
    errors = [e.message for e in validator.iter_errors(document)]
    if errors:
        raise SchemaError(f"{path}: invalid profile: {'; '.join(errors)}")

    def compile_all(key: str) -> tuple[Pattern, ...]:
        return tuple(compile_pattern(p, where=f"{path}: {key}") for p in document.get(key, []))

    return Profile(
        name=name,
        kind=document.get("kind"),
        end_markers=compile_all("end_markers"),
        boilerplate=compile_all("boilerplate"),
        section_labels=compile_all("section_labels"),
        rubric_labels=compile_all("rubric_labels"),
    )
