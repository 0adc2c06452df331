"""Exceptions that stop a run. Findings in user data are not exceptions: they are
:class:`toolkit.issues.Issue` values collected in a report.

Every exception derives from :class:`ToolkitError`, whose message tells the user what to do next::

    ToolkitError
    ├── UsageError        bad option, config value or argument combination
    │   └── MissingExtraError   the command needs an optional extra that is not installed
    ├── InputError        an input path cannot be read at all
    ├── SchemaError       a schema or profile file is invalid, or refers outside schema/
    ├── WorkerError       a worker process died (killed, or out of memory)
    ├── CorpusError       a labelled corpus's gold has problems (dtk evaluate --check lists them)
    └── ReleaseError      a release cannot be built or does not check out
        ├── ManifestError      a release's manifest.json is missing, damaged or of another shape
        ├── MetadataError      the card's metadata holds values the Hub does not accept
        ├── BuildLockedError   another build holds the release lock
        ├── OutputError        the release cannot be written where asked (read-only folder)
        └── VersionBumpError   the dataset version is too small for what the release changes
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base of every error the toolkit raises on purpose."""


class UsageError(ToolkitError):
    """An option, config value or argument combination makes no sense."""


class MissingExtraError(UsageError):
    """A command needs an optional dependency group (an extra) that is not installed."""


class InputError(ToolkitError):
    """An input path is missing, unreadable or of a kind the toolkit cannot read."""


class SchemaError(ToolkitError):
    """A schema or profile file is invalid or refers to something outside the local registry."""


class WorkerError(ToolkitError):
    """A worker process died before finishing its part of the input."""


class CorpusError(ToolkitError):
    """The gold of a labelled corpus does not check out, so it cannot score an extractor."""


class ReleaseError(ToolkitError):
    """A release cannot be built, or an existing release does not check out."""


class ManifestError(ReleaseError):
    """A release's ``manifest.json`` is missing, not JSON, or not the shape a build writes."""


class MetadataError(ReleaseError):
    """The dataset card's metadata holds values the Hugging Face Hub does not accept."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            "\n".join(f"card metadata: {p}" for p in problems)
            + "\nnothing was written: fix these under [tool.dtk] or in card/prose.md"
        )


class BuildLockedError(ReleaseError):
    """Another ``dtk build`` is writing the same release."""


class OutputError(ReleaseError):
    """The release cannot be written where it was asked to go (a read-only folder)."""


class VersionBumpError(ReleaseError):
    """The release changes more than its version bump allows (see toolkit.release.versioning)."""
