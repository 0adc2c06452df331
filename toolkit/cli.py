"""The ``dtk`` command line: parse options, call one public API function, pick a reporter, map
the outcome to an exit code. Exit codes: 0 valid, 1 invalid data, 2 usage error or unreadable
input. A user mistake never prints a traceback; ``--traceback`` shows one for debugging.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from toolkit._version import __version__
from toolkit.errors import (
    BuildLockedError,
    InputError,
    OutputError,
    SchemaError,
    ToolkitError,
    UsageError,
    WorkerError,
)
from toolkit.escape import message_lines, one_line
from toolkit.validate.reporters import REPORTERS, issue_line

if TYPE_CHECKING:
    from toolkit.report import ReportSummary

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
CANNOT_PROCEED = (
    UsageError,
    InputError,
    SchemaError,
    BuildLockedError,
    OutputError,
    WorkerError,
)
UNREADABLE_RULES = frozenset({"file.not-found", "file.unreadable", "file.no-inputs"})
F = TypeVar("F", bound=Callable[..., Any])


def use_color(mode: Literal["auto", "always", "never"], stream: Any = None) -> bool:
    """Whether to colour output: ``NO_COLOR`` and non-terminals turn ``auto`` off."""
    if mode != "auto":
        return mode == "always"
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


class RegistryChoice(click.Choice):  # type: ignore[type-arg]
    """A choice among the keys of a registry dict (``ENGINES``, ``DIFF_RENDERERS``,
    ``EXTRACTORS``), so adding a format is one registry entry. The registry's module is imported
    when click first needs the choices, so ``dtk --help`` imports no stage."""

    def __init__(self, module: str, name: str) -> None:
        self._registry = (module, name)
        super().__init__([])

    @property  # type: ignore[override]
    def choices(self) -> list[str]:
        from importlib import import_module

        return sorted(getattr(import_module(self._registry[0]), self._registry[1]))

    @choices.setter
    def choices(self, value: Any) -> None:
        """Ignored: the registry is the only source of choices."""


def handle_errors(func: F) -> F:
    """Turn toolkit errors into a one-line message and an exit code: 2 when the run could not
    proceed (usage, unreadable input, bad schema, locked or dead workers), 1 when the data or the
    release is at fault (or a traceback, on demand)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except ToolkitError as exc:
            if ctx.find_root().params.get("traceback"):
                raise
            for line in message_lines(str(exc)):
                click.echo(f"error: {line}", err=True)
            ctx.exit(EXIT_USAGE if isinstance(exc, CANNOT_PROCEED) else EXIT_INVALID)

    return wrapper  # type: ignore[return-value]


def needs_extra(extra: str) -> Callable[[F], F]:
    """Fail before the command starts, with the exact pip command (exit 2), when the optional
    dependencies of ``extra`` are not installed (the base install only validates)."""

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from toolkit.extras import require_extra

            require_extra(extra, f"dtk {click.get_current_context().info_name}")
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


#: Options shared by the commands that print a report (sqlite-utils' ``output_options`` idea).
report_format_option = click.option(
    "-o",
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="Report format.",
)
color_option = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report (NO_COLOR is honoured).",
)


def _escape_click_error(exc: click.ClickException) -> None:
    """Make click's own message (a bad path or value, an unknown option or command: text the
    user or the data chose) one escaped line, as :func:`handle_errors` does for ours."""
    render = exc.format_message
    setattr(exc, "format_message", lambda: one_line(render()))  # noqa: B010


class EscapingGroup(click.Group):
    """The ``dtk`` group: every error click reports itself (while parsing the options of the
    group or of a command, or raised by a command) reaches stderr through ``toolkit/escape.py``."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            _escape_click_error(exc)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            _escape_click_error(exc)
            raise


@click.group(cls=EscapingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dtk")
@click.option("--traceback", is_flag=True, help="Show the full traceback of internal errors.")
def main(traceback: bool) -> None:
    """dtk: validate, convert, document and release a dataset of news-page captures.

    \b
    Example:
        dtk validate submissions/*.jsonl
        dtk build
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@report_format_option
@click.option(
    "--schema",
    default="auto",
    show_default=True,
    help="submission, article, source, a .schema.json path, or auto "
    "(sources.jsonl as a manifest, everything else as submissions).",
)
@click.option(
    "--max-errors",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after this many errors (the report says it was cut short).",
)
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Release whose ids count as taken (ignored when it holds no release); a record "
    "released from the file being validated is not taken.",
)
@click.option("--no-dist", is_flag=True, help="Do not check ids against a release.")
@click.option(
    "--stdin-name",
    default="<stdin>",
    show_default=True,
    help="Name of standard input (-) in the report; its suffix (.json, .parquet) picks the reader.",
)
@click.option("--strict", is_flag=True, help="Treat warnings (BOM, CRLF, blank lines) as errors.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr, only the report.")
@click.option(
    "--max-line-bytes",
    type=click.IntRange(min=1),
    default=16 * 1024 * 1024,
    show_default=True,
    help="Longest line read as a record.",
)
@color_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to use [default: one per core]; the report is the same for any number.",
)
@handle_errors
def validate(
    paths: tuple[Path, ...],
    output_format: str,
    schema: str,
    max_errors: int | None,
    dist: Path,
    no_dist: bool,
    stdin_name: str,
    strict: bool,
    quiet: bool,
    max_line_bytes: int,
    color: Literal["auto", "always", "never"],
    workers: int | None,
) -> None:
    """Check JSONL/JSON/Parquet submissions and raw/sources.jsonl against their JSON Schema.

    Every error is reported with file, line (a Parquet file's row), column, field and a stable
    rule code. PATH - reads standard input. Exit code 0 when valid, 1 when the data has errors,
    2 when an input cannot be read or is of an unsupported kind.

    \b
    Example:
        dtk validate submissions/new.jsonl
        dtk validate raw/sources.jsonl --format github
        dtk validate big.jsonl --max-errors 50 --format json
        dtk validate huge.jsonl --workers 2
        dtk validate export.parquet
        cat new.jsonl | dtk validate - --stdin-name submissions/new.jsonl
    """
    from toolkit.progress import make_progress
    from toolkit.validate.paths import validate_paths

    report = validate_paths(
        paths,
        schema=schema,
        max_errors=max_errors,
        dist=None if no_dist else dist,
        strict=strict,
        max_line_bytes=max_line_bytes,
        workers=workers,
        stdin_name=stdin_name,
        progress=make_progress(quiet=quiet, stream=sys.stderr),
    )
    stream = sys.stdout
    REPORTERS[output_format](color=use_color(color, stream)).report(report, stream)
    if any(i.rule in UNREADABLE_RULES for i in report.errors):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK if report.valid else EXIT_INVALID)


@main.command()
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path),
    default=Path("raw"),
    show_default=True,
    help="Folder of raw captures with sources.jsonl.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Release folder to (re)build.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Dataset config TOML [default: dataset.toml, else [tool.dtk] in pyproject.toml].",
)
@click.option(
    "--engine",
    type=RegistryChoice("toolkit.build.engine", "ENGINES"),
    default="local",
    show_default=True,
    help="Where the build runs: local processes, or Ray tasks (both passes, any node).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes [default: one per core].",
)
@click.option(
    "--ray-address",
    default=None,
    help="Ray cluster address for --engine ray [default: start Ray locally].",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress, only the summary [default: a live display per stage on a terminal, "
    "a plain line every few seconds otherwise].",
)
@click.option(
    "--report",
    "with_report",
    is_flag=True,
    help="Also write the HTML report to report/ beside the release (see dtk report).",
)
@handle_errors
@needs_extra("release")
def build(
    raw_dir: Path,
    out: Path,
    config_path: Path | None,
    engine: str,
    workers: int | None,
    ray_address: str | None,
    quiet: bool,
    with_report: bool,
) -> None:
    """Build the release: extract, validate, deduplicate, split, write Parquet + JSONL + card.

    With no options, builds raw/ into dist/ and writes DATASET_CARD.md. The release is staged
    beside dist/ and swapped in only when complete.

    \b
    Example:
        dtk build
        dtk build --raw captures/ --out release/ --config dataset.toml
        dtk build --engine ray --ray-address auto
        dtk build --report
    """
    from toolkit.build.release import build_release
    from toolkit.config import load_config
    from toolkit.progress import make_progress

    config = load_config(raw_dir.resolve().parent, config_path)
    summary = build_release(
        raw_dir,
        out,
        config=config,
        progress=make_progress(quiet=quiet, stream=sys.stderr),
        engine=engine,
        workers=workers,
        ray_address=ray_address,
    )
    counts = summary.counts
    click.echo(f"built {one_line(str(out))}/ (version {one_line(summary.manifest.version)})")
    click.echo(f"  {'source':<40} {'extracted':>9} {'released':>9} {'rejected':>9} {'dedup':>7}")
    for source in summary.manifest.sources:
        click.echo(
            f"  {one_line(source.path)[:40]:<40} {source.extracted:>9} {source.released:>9} "
            f"{source.rejected:>9} {source.deduplicated:>7}"
        )
    click.echo(
        f"  {'total':<40} {counts['extracted']:>9} {counts['released']:>9} "
        f"{counts['rejected']:>9} {counts['deduplicated']:>7}"
    )
    click.echo("  splits: " + ", ".join(f"{one_line(k)} {v}" for k, v in summary.splits.items()))
    click.echo(
        f"  reconciled: {counts['extracted']} extracted = {counts['released']} released + "
        f"{counts['rejected']} rejected + {counts['deduplicated']} deduplicated"
    )
    if with_report:
        from toolkit.report import write_report

        _echo_report(write_report(out, raw_dir=raw_dir))


def _echo_report(summary: ReportSummary) -> None:
    click.echo(
        f"wrote {one_line(str(summary.out))}/index.html ({summary.records:,} records, "
        f"{summary.rejects:,} rejects, {summary.duplicates:,} duplicates; {summary.files:,} files, "
        f"{summary.bytes / 1e6:.1f} MB)"
    )


@main.command()
@click.argument("dist", type=click.Path(path_type=Path), default=Path("dist"), required=False)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Report folder [default: report/ beside DIST; never inside DIST].",
)
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Raw captures, for each record's raw lines [default: raw/ beside DIST].",
)
@handle_errors
@needs_extra("release")
def report(dist: Path, out: Path | None, raw_dir: Path | None) -> None:
    """Write an offline HTML report of a release: overview, charts, records with their raw
    lines, rejects by rule, duplicates and changes. Open OUT/index.html in a browser; it needs
    no network and works from file://.

    \b
    Example:
        dtk report
        dtk report release/ --out /tmp/release-report
    """
    from toolkit.report import write_report

    _echo_report(write_report(dist, out, raw_dir=raw_dir))


@main.command()
@click.argument("dist", type=click.Path(path_type=Path), default=Path("dist"), required=False)
@report_format_option
@click.option("--no-load", is_flag=True, help="Skip the datasets.load_dataset check.")
@color_option
@handle_errors
@needs_extra("release")
def check(
    dist: Path, output_format: str, no_load: bool, color: Literal["auto", "always", "never"]
) -> None:
    """Verify a release: checksums, every row against the schema, split disjointness, counts
    against the manifest and the card, and that datasets loads it with the declared features.

    \b
    Example:
        dtk check
        dtk check release/ --format json
    """
    from toolkit.release.check import check_release

    report = check_release(dist, load=not no_load)
    REPORTERS[output_format](color=use_color(color, sys.stdout)).report(report, sys.stdout)
    sys.exit(EXIT_OK if report.valid else EXIT_INVALID)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--format",
    "output_format",
    type=RegistryChoice("toolkit.release.changes", "DIFF_RENDERERS"),
    default="text",
    show_default=True,
    help="Report format (markdown: the card section).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Records listed per section in text and markdown (0: all).",
)
@click.option(
    "--exit-code", is_flag=True, help="Exit 1 when the releases differ, as git diff does."
)
@handle_errors
@needs_extra("release")
def diff(old: Path, new: Path, output_format: str, limit: int, exit_code: bool) -> None:
    """Show what changed between two releases: records added, removed, changed (with the fields)
    and moved split, schema changes, counts per split and publisher, and the version bump the
    changes need.

    \b
    Example:
        dtk diff dist-1.0.0/ dist/
        dtk diff dist-1.0.0/ dist/ --format json
        dtk diff dist-1.0.0/ dist/ --format markdown --limit 0
    """
    from toolkit.release.changes import DIFF_RENDERERS
    from toolkit.release.diff import diff_releases

    result = diff_releases(old, new)
    click.echo(DIFF_RENDERERS[output_format](result, limit or None), nl=False)
    sys.exit(EXIT_INVALID if exit_code and not result.identical else EXIT_OK)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=RegistryChoice("toolkit.extract", "EXTRACTORS"),
    default=None,
    help="How to read PATH [default: its manifest entry, else its suffix].",
)
@click.option(
    "--publisher",
    default=None,
    help="Publisher of the page (needed unless PATH is listed in a sources.jsonl beside it).",
)
@click.option("--language", default=None, help="Language code of the page [default: und].")
@click.option("--profile", default=None, help="Site profile from toolkit/profiles/ (text pages).")
@handle_errors
@needs_extra("release")
def extract(
    path: Path, fmt: str | None, publisher: str | None, language: str | None, profile: str | None
) -> None:
    """Extract released records from one raw capture: JSONL records on stdout, issues on stderr.

    When a sources.jsonl beside PATH lists it, that entry gives the format, publisher, language,
    license and profile (options override it). Exit code 0 when records were produced, 1 when
    none, 2 when PATH cannot be read.

    \b
    Example:
        dtk extract raw/000_4d4dfa95065ffdb9.txt
        dtk extract page.html --publisher "Example News" --language en
        dtk extract crawl.warc.gz --publisher Meduza > records.jsonl
    """
    import orjson

    from toolkit.extract import extract_file
    from toolkit.issues import Issue

    produced = 0
    for item in extract_file(
        path, fmt=fmt, publisher=publisher, language=language, profile=profile
    ):
        if isinstance(item, Issue):
            click.echo(issue_line(item), err=True)
            continue
        click.echo(orjson.dumps(item))
        produced += 1
    sys.exit(EXIT_OK if produced else EXIT_INVALID)


@main.command()
@click.argument("dist", type=click.Path(path_type=Path), default=Path("dist"), required=False)
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Project root holding card/prose.md [default: the folder that holds DIST].",
)
@click.option(
    "--card",
    "card_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Copy of the card to write [default: DATASET_CARD.md beside DIST].",
)
@handle_errors
@needs_extra("release")
def card(dist: Path, root: Path | None, card_path: Path | None) -> None:
    """Regenerate the dataset card of a built release from its data and the maintainers' prose.

    Rewrites DIST/README.md, DIST/croissant.json, the chart(s) under DIST/images/ and
    DATASET_CARD.md beside DIST; card/prose.md is read, never written. An unchanged release
    gives byte-identical files. Exit code 1, with every problem listed and nothing written, when
    the card's metadata holds values the Hub does not accept (license and, for other, its
    license_name and license_link; language, size or task category): the same gate as dtk build.

    \b
    Example:
        dtk card
        dtk card release/ --root . --card release/../DATASET_CARD.md
    """
    from toolkit.card.render import CHART_PATH, CROISSANT_PATH, update_card

    root = root if root is not None else dist.resolve().parent
    target = card_path or dist.parent / "DATASET_CARD.md"
    update_card(dist, root, card_path=target)
    for written in (dist / "README.md", dist / CROISSANT_PATH, dist / CHART_PATH, target):
        click.echo(f"wrote {one_line(str(written))}")


def _evaluate_choices() -> list[str]:
    from toolkit.evaluate import EXTRACTORS

    return sorted(EXTRACTORS)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path), default=None, required=False)
@click.option(
    "--extractor",
    "extractors",
    type=click.Choice(_evaluate_choices()),
    multiple=True,
    help="Extractor to score; repeat to compare several in one report [default: model].",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Publisher-grouped cross-validation folds for trained extractors.",
)
@click.option(
    "-o",
    "--format",
    "output_format",
    type=click.Choice(["json", "markdown", "text"]),
    default="text",
    show_default=True,
    help="Report format (markdown: for benchmarks/).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report to this file instead of stdout.",
)
@click.option("--check", is_flag=True, help="Only check that every gold string is in its page.")
@handle_errors
@needs_extra("release")
def evaluate(
    folder: Path | None,
    extractors: tuple[str, ...],
    folds: int,
    output_format: str,
    out: Path | None,
    check: bool,
) -> None:
    """Score extractors on a labelled corpus (FOLDER, default corpus/pages): title recall and
    precision, first and last body sentence, boilerplate and metadata leaks, per language and
    page kind. Trained extractors are scored by publisher-grouped cross-validation.

    With --check, only prove the gold: exit 1 when a gold string is not in its page. Exit code
    0 when the report was made, 1 when the gold has problems, 2 when FOLDER cannot be read.

    \b
    Example:
        dtk evaluate
        dtk evaluate --check
        dtk evaluate corpus/pages --extractor model --extractor trafilatura --format markdown
        dtk evaluate --extractor model --format json --out scores.json
    """
    from toolkit.evaluate import (
        DEFAULT_CORPUS,
        RENDERERS,
        check_corpus,
        evaluate_pages,
        load_corpus,
    )

    folder = folder if folder is not None else DEFAULT_CORPUS
    if check:
        report = check_corpus(folder)
        fmt = "json" if output_format == "json" else "text"
        REPORTERS[fmt](color=False).report(report, sys.stdout)
        sys.exit(EXIT_OK if report.valid else EXIT_INVALID)
    pages = load_corpus(folder)
    names = extractors or ("model",)
    reports = [evaluate_pages(pages, name, folds=folds) for name in names]
    command = " ".join(
        [
            f"dtk evaluate {folder.as_posix()}",
            *(f"--extractor {name}" for name in names),
            f"--folds {folds} --format {output_format}",
            *([f"--out {out.as_posix()}"] if out else []),
        ]
    )
    text = RENDERERS[output_format](reports, command if out else None)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {one_line(str(out))}")
    sys.exit(EXIT_OK)
