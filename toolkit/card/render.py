"""The dataset card: ``README.md`` of a release (and ``DATASET_CARD.md`` beside it), generated from
``manifest.json``, the schema's field descriptions and the data, around the maintainers' prose.

The prose lives in a template (``card/prose.md`` at the project root, else the packaged default
``toolkit/templates/dataset_card.md``) that the generator fills and never writes. The template's
own YAML front matter holds the maintainers' metadata choices (tags, task categories, license
name); everything countable is computed. The YAML header is made with the libraries' helpers
(``DatasetCardData``, ``MetadataConfigs``, ``DatasetInfosDict``), exactly as ``push_to_hub``
writes it, so ``datasets.load_dataset(<release>)`` uses the declared features and enforces the
split sizes. Text from the data is escaped wherever it enters Markdown; YAML is always dumped,
never formatted by hand. Output depends on the release only: no clock, no paths of this machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import orjson
import yaml

from toolkit.card.hub import metadata_problems, size_category
from toolkit.config import DatasetConfig
from toolkit.errors import MetadataError, UsageError
from toolkit.escape import md_block, md_code, md_text
from toolkit.features import FieldSpec, field_specs, hf_features
from toolkit.files import atomic_write_bytes
from toolkit.release.folder import SPLIT_ORDER, ReleaseManifest
from toolkit.release.stats import ReleaseStats, release_stats

PROSE_PATH = Path("card") / "prose.md"
CHART_PATH = "images/body_length.png"
CROISSANT_PATH = "croissant.json"
#: Long text in the example record is cut to this many characters (the card says so).
EXAMPLE_TEXT_CHARS = 600
FIELD_EXAMPLE_CHARS = 48
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
#: Metadata the generator computes; a template cannot override these.
_COMPUTED_KEYS = frozenset(
    {"configs", "dataset_info", "size_categories", "language", "pretty_name", "license"}
)
_COMMENT = re.compile(r"\{#.*?#\}\n?", re.S)


# ---------------------------------------------------------------- tables


def md_table(header: list[str], rows: list[list[str]], align: str = "") -> str:
    """A pipe table; cells must already be escaped. ``align`` is one of l/r per column."""
    align = align or "l" * len(header)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _n(value: int) -> str:
    return f"{value:,}"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


# ---------------------------------------------------------------- template


@dataclass(frozen=True)
class CardTemplate:
    """The maintainers' template: metadata defaults from its front matter, and the body."""

    path: str
    metadata: dict[str, Any]
    body: str

    @property
    def bibtex(self) -> str | None:
        """The first ```bibtex block of the prose (Croissant's ``citeAs``), or None."""
        match = re.search(r"^```bibtex\n(.*?)\n```$", self.body, re.S | re.M)
        return match.group(1) if match else None


def load_template(root: Path) -> CardTemplate:
    """``root/card/prose.md`` when it exists, else the packaged default template."""
    path = root / PROSE_PATH
    if path.is_file():
        text, origin = path.read_text(encoding="utf-8"), PROSE_PATH.as_posix()
    else:
        text = (
            files("toolkit.card").joinpath("templates/dataset_card.md").read_text(encoding="utf-8")
        )
        origin = "toolkit/templates/dataset_card.md"
    metadata: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise UsageError(f"{origin}: the front matter is not valid YAML: {exc}") from exc
        if not isinstance(loaded, dict):
            raise UsageError(f"{origin}: the front matter must be a YAML mapping")
        metadata, text = loaded, text[match.end() :]
    return CardTemplate(origin, metadata, text)


def fill_template(template: CardTemplate, context: dict[str, str]) -> str:
    """Drop ``{# comments #}`` and replace every ``{{ name }}`` in one pass (inserted text is
    never scanned again, so data cannot inject a placeholder)."""
    body = _COMMENT.sub("", template.body)
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(body)} - set(context))
    if unknown:
        raise UsageError(
            f"{template.path}: unknown placeholder(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(context))}"
        )
    return _PLACEHOLDER.sub(lambda m: context[m.group(1)], body)


# ---------------------------------------------------------------- metadata


def language_codes(codes: list[str]) -> list[str]:
    """The card's ``language`` list: primary subtags, lowercased, sorted, once each."""
    return sorted({code.split("-")[0].lower() for code in codes if code and code != "(none)"})


def _languages(stats: ReleaseStats, manifest: ReleaseManifest) -> list[str]:
    codes = [code for code, _ in stats.by_language]
    return language_codes(codes + [s.language or "" for s in manifest.sources])


def card_metadata(
    config: DatasetConfig,
    template: CardTemplate,
    languages: list[str],
    size: str | None,
    name: str = "",
) -> dict[str, Any]:
    """The card's metadata before ``configs`` and ``dataset_info``: what the Hub gate checks
    and what the card then carries, so the two cannot disagree.

    ``license_name`` and ``license_link`` come from ``[tool.dtk]``, else from the template's
    front matter; ``size`` is None before the build knows how many records it releases.
    """
    values: dict[str, Any] = {k: v for k, v in template.metadata.items() if k not in _COMPUTED_KEYS}
    for key in ("license_name", "license_link"):
        if getattr(config, key):
            values[key] = getattr(config, key)
    if config.tags:
        values["tags"] = list(config.tags)
    if config.task_categories:
        values["task_categories"] = list(config.task_categories)
    if "multilinguality" not in values:
        values["multilinguality"] = ["multilingual" if len(languages) > 1 else "monolingual"]
    computed: dict[str, Any] = {
        "pretty_name": config.pretty_name or name,
        "license": config.license or "unknown",
        "language": languages,
    }
    if size is not None:
        computed["size_categories"] = [size]
    return {**computed, **values}


def check_metadata(
    config: DatasetConfig,
    root: Path,
    languages: list[str],
    size: str | None = None,
) -> None:
    """The Hub gate: refuse, before anything is written, metadata the Hub would not accept.

    Checks the license (and, for ``other``, its name and link), the task categories, the
    languages and the size category against the Hub's vocabularies (``toolkit.card.hub``).

    Raises:
        MetadataError: listing every problem, one a line.
        UsageError: the card template's front matter cannot be read.
    """
    data = card_metadata(config, load_template(root), language_codes(languages), size)
    problems = metadata_problems(
        data, required=("license", "language", "task_categories", "pretty_name")
    )
    if problems:
        raise MetadataError(problems)


def card_data(manifest: ReleaseManifest, stats: ReleaseStats, template: CardTemplate) -> Any:
    """The card's metadata as ``DatasetCardData``, with ``configs`` and ``dataset_info`` written
    by the ``datasets`` helpers that ``push_to_hub`` uses."""
    from datasets import DatasetInfo, SplitDict, SplitInfo
    from datasets.info import DatasetInfosDict
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCardData

    languages = _languages(stats, manifest)
    size = size_category(stats.released)
    data = DatasetCardData(
        **card_metadata(manifest.config, template, languages, size, manifest.name)
    )
    # `datasets` cannot load a declared split that holds no rows ("corresponds to no data"): an
    # empty split is left out of the card's splits and configs (its empty files stay listed in
    # manifest.json), so the release loads and `dtk check` agrees with the build (issue 12).
    loaded = {name: split for name, split in stats.splits.items() if split.num_examples}
    split_dict = SplitDict()
    for name, split in loaded.items():
        split_dict.add(
            SplitInfo(name=name, num_bytes=split.num_bytes, num_examples=split.num_examples)
        )
    info = DatasetInfo(
        features=hf_features("article"),
        splits=split_dict,
        download_size=stats.download_size,
        dataset_size=stats.dataset_size,
    )
    DatasetInfosDict({"default": info}).to_dataset_card_data(data)
    MetadataConfigs(
        {
            "default": {
                "data_files": [
                    {"split": name, "path": f"data/{name}-*.parquet"} for name in loaded
                ],
            }
        }
    ).to_dataset_card_data(data)
    return data


# ---------------------------------------------------------------- body blocks


def _type_name(spec: FieldSpec) -> str:
    import pyarrow as pa

    kind = spec.arrow_type
    if pa.types.is_list(kind):
        return f"list of {kind.value_type}"
    if pa.types.is_struct(kind):
        return "struct"
    return str(kind)


def _example_value(spec: FieldSpec, record: dict[str, Any] | None) -> str:
    """The schema's example, else the value in the example record (cut short), as code."""
    value = spec.example
    if value is None and record is not None and not spec.children:
        value = record.get(spec.name)
        if isinstance(value, str) and len(value) > FIELD_EXAMPLE_CHARS:
            value = value[:FIELD_EXAMPLE_CHARS] + "…"
    return "—" if value is None else md_code(orjson.dumps(value).decode())


def _field_rows(
    specs: list[FieldSpec], record: dict[str, Any] | None, prefix: str = ""
) -> list[list[str]]:
    rows: list[list[str]] = []
    for spec in specs:
        name = f"{prefix}{spec.name}"
        example = _example_value(spec, record)
        rows.append(
            [
                md_code(name),
                md_text(_type_name(spec)),
                "yes" if spec.nullable else "no",
                md_text(spec.description),
                example,
            ]
        )
        child = record.get(spec.name) if record is not None else None
        rows += _field_rows(
            list(spec.children), child if isinstance(child, dict) else None, prefix=f"{name}."
        )
    return rows


def _cut(value: Any) -> Any:
    if isinstance(value, str) and len(value) > EXAMPLE_TEXT_CHARS:
        return (
            value[:EXAMPLE_TEXT_CHARS] + f" […{len(value) - EXAMPLE_TEXT_CHARS:,} more characters]"
        )
    if isinstance(value, dict):
        return {k: _cut(v) for k, v in value.items()}
    return value


def _counts_table(
    label: str, counts: list[tuple[str, int]], total: int, empty: str | None = None
) -> str:
    if not counts and empty:
        return empty
    rows = [[md_text(value), _n(n), _pct(n, total)] for value, n in counts]
    return md_table([label, "records", "share"], rows or [["—", "0", "—"]], "lrr")


def _sources_table(manifest: ReleaseManifest) -> str:
    rows = []
    for s in manifest.sources:
        url = md_text(s.url) if s.url else "—"
        rows.append(
            [
                md_code(s.path),
                md_text(s.publisher),
                md_text(s.format),
                md_text(s.language),
                url,
                md_text(s.retrieved_at or "unknown"),
                md_code(s.sha256[:12]) if s.sha256 else "—",
                _n(s.extracted),
                _n(s.released),
                _n(s.rejected),
                _n(s.deduplicated),
                _n(s.skipped),
            ]
        )
    return md_table(
        [
            "raw file",
            "publisher",
            "format",
            "language",
            "URL",
            "retrieved",
            "sha256",
            "extracted",
            "released",
            "rejected",
            "deduplicated",
            "skipped",
        ],
        rows,
        "llllllrrrrrr",
    )


def _extractors(manifest: ReleaseManifest) -> str:
    used: dict[str, list[str]] = {}
    for s in manifest.sources:
        for extractor in s.extractors:
            used.setdefault(extractor, []).append(s.path)
    if not used:
        return "No extractor produced a record."
    return ", ".join(
        f"{md_code(name, in_table=False)} ({_n(len(files))} raw file{'s' * (len(files) != 1)})"
        for name, files in sorted(used.items())
    )


def _splits_table(manifest: ReleaseManifest, stats: ReleaseStats) -> str:
    rows = [
        [
            md_code(name),
            _n(s.num_examples),
            _pct(s.num_examples, stats.released),
            _n(len(s.files)),
            _n(s.download_size),
            _n(s.num_bytes),
        ]
        for name, s in stats.splits.items()
    ]
    rows.append(
        [
            "**total**",
            _n(stats.released),
            "100.0%" if stats.released else "—",
            _n(sum(len(s.files) for s in stats.splits.values())),
            _n(stats.download_size),
            _n(stats.dataset_size),
        ]
    )
    return md_table(
        ["split", "records", "share", "Parquet files", "Parquet bytes", "Arrow bytes"],
        rows,
        "lrrrrr",
    )


def _split_rule(manifest: ReleaseManifest) -> str:
    ratios = manifest.config.split_ratios
    order: list[str] = [n for n in SPLIT_ORDER if n in ratios]
    order += sorted(n for n in ratios if n not in order)
    return ", ".join(f"{md_text(name)} {ratios[name]:.0%}" for name in order)


def _length_table(stats: ReleaseStats) -> str:
    lengths = stats.body_length
    rows = [[label, _n(n), _pct(n, lengths.count)] for label, n in lengths.bins()]
    return md_table(["body length (characters)", "records", "share"], rows, "lrr")


def _length_summary(stats: ReleaseStats) -> str:
    s = stats.body_length
    if not s.count:
        return "The release holds no records."
    return (
        f"Body length in characters: minimum {_n(s.minimum)}, lower quartile {_n(s.p25)}, "
        f"median {_n(s.median)}, upper quartile {_n(s.p75)}, maximum {_n(s.maximum)}, "
        f"mean {s.mean:,.1f}."
    )


def _files_table(manifest: ReleaseManifest) -> str:
    rows = [[md_code(f.path), _n(f.bytes), md_code(f.sha256)] for f in manifest.files]
    return md_table(["file", "bytes", "sha256"], rows, "lrl")


def card_context(
    manifest: ReleaseManifest, stats: ReleaseStats, changes: str | None = None
) -> dict[str, str]:
    """Every placeholder a template may use, as Markdown ready to insert."""
    config = manifest.config
    counts = manifest.counts
    pretty = config.pretty_name or manifest.name
    example = _cut(stats.example) if stats.example else None
    published = stats.published_range
    return {
        "pretty_name": md_text(pretty),
        "name": md_code(manifest.name),
        "version": md_text(manifest.version),
        "toolkit_version": md_text(manifest.toolkit_version),
        "license": md_code(config.license),
        "description": md_text(config.description) if config.description else "",
        "schema_sha256": md_code(manifest.schema.sha256),
        "released": _n(stats.released),
        "extracted": _n(counts.extracted),
        "rejected": _n(counts.rejected),
        "deduplicated": _n(counts.deduplicated),
        "skipped": _n(counts.skipped),
        "raw_files": _n(len(manifest.sources)),
        "publishers": _n(len(stats.by_publisher)),
        "languages": ", ".join(md_code(c) for c, _ in stats.by_language) or "—",
        "size_category": md_code(size_category(stats.released)),
        "dedup_threshold": f"{config.dedup_threshold:g}",
        "split_rule": _split_rule(manifest),
        "splits_table": _splits_table(manifest, stats),
        "fields_table": md_table(
            ["field", "type", "nullable", "description", "example"],
            _field_rows(field_specs("article"), stats.example),
        ),
        "example_record": md_block(
            orjson.dumps(example, option=orjson.OPT_INDENT_2).decode() if example else "null",
            "json",
        ),
        "example_split": md_code(next((n for n, s in stats.splits.items() if s.num_examples), "—")),
        "example_chars": _n(EXAMPLE_TEXT_CHARS),
        "sources_table": _sources_table(manifest),
        "extractors": _extractors(manifest),
        "publisher_table": _counts_table("publisher", stats.by_publisher, stats.released),
        "section_table": _counts_table("section", stats.by_section, stats.released),
        "language_table": _counts_table("language", stats.by_language, stats.released),
        "kind_table": _counts_table("kind", stats.by_kind, stats.released),
        "length_summary": _length_summary(stats),
        "length_table": _length_table(stats),
        "length_chart": f"![Distribution of body lengths in characters]({CHART_PATH})",
        "with_authors": _n(stats.with_authors),
        "published_range": (
            f"Publication dates range from {md_text(published[0])} to {md_text(published[1])}."
            if published[0]
            else "No record carries a publication date."
        ),
        "rejects_table": _counts_table(
            "rule",
            stats.rejects_by_rule,
            counts.rejected,
            "No record was rejected: every extracted record passed the article schema.",
        ),
        "duplicates_table": _counts_table(
            "kind",
            stats.duplicates_by_kind,
            counts.deduplicated,
            "No record was dropped as a duplicate.",
        ),
        "files_table": _files_table(manifest),
        "changes": f"## Changes\n\n{changes.strip()}\n" if changes else "",
    }


# ---------------------------------------------------------------- public API


def _render(
    release_dir: Path, root: Path, changes: str | None, stats: ReleaseStats | None = None
) -> tuple[str, ReleaseManifest, ReleaseStats, CardTemplate]:
    from huggingface_hub import DatasetCard

    manifest = ReleaseManifest.read(release_dir)
    if stats is None:
        stats = release_stats(release_dir, manifest)
    template = load_template(root)
    data = card_data(manifest, stats, template)
    body = fill_template(template, card_context(manifest, stats, changes)).strip("\n")
    body = re.sub(r"\n{3,}", "\n\n", body)
    text = f"---\n{data.to_yaml()}\n---\n\n{body}\n"
    DatasetCard(text)  # parses back, or raises before anything is written
    return text, manifest, stats, template


def render_card(release_dir: Path, *, root: Path, changes: str | None = None) -> str:
    """The card of the release in ``release_dir`` as text; writes nothing.

    Args:
        root: the project root, where ``card/prose.md`` (the maintainers' template) lives.
        changes: Markdown for a "Changes" section (``dtk diff``), or None for none.

    Raises:
        ReleaseError: ``release_dir`` has no readable ``manifest.json`` or misses a data file.
        UsageError: the template has bad front matter or an unknown placeholder.
    """
    return _render(release_dir, root, changes)[0]


def write_card(
    release_dir: Path,
    *,
    root: Path,
    changes: str | None = None,
    stats: ReleaseStats | None = None,
) -> str:
    """Write ``README.md``, ``croissant.json`` and the chart(s) into ``release_dir``; return the
    README text. These files are not in ``manifest.json`` (it is written before the card).

    ``stats`` are the release's figures when the caller counted them already (the build, from
    its merge's counters); by default they are counted from the release's files.
    """
    from toolkit.card.chart import body_length_png
    from toolkit.card.croissant import croissant_bytes

    text, manifest, stats, template = _render(release_dir, root, changes, stats)
    problems = validate_card_metadata(text)
    if problems:
        raise MetadataError(problems)
    chart = release_dir / CHART_PATH
    chart.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(chart, body_length_png(stats))
    atomic_write_bytes(
        release_dir / CROISSANT_PATH, croissant_bytes(manifest, stats, cite_as=template.bibtex)
    )
    atomic_write_bytes(release_dir / "README.md", text.encode("utf-8"))
    return text


def update_card(
    dist: Path = Path("dist"),
    root: Path = Path("."),
    *,
    card_path: Path | None = None,
    changes: str | None = None,
) -> str:
    """Regenerate the card of an existing release: ``dist/README.md``, ``croissant.json``, the
    chart(s) and ``DATASET_CARD.md`` beside ``dist`` (or ``card_path``), each written atomically.
    Regenerating an unchanged release rewrites the same bytes.

    Raises:
        MetadataError: the card's metadata holds values the Hub does not accept (nothing is
            written; every problem is listed).
    """
    text = write_card(dist, root=root, changes=changes)
    atomic_write_bytes(card_path or dist.parent / "DATASET_CARD.md", text.encode("utf-8"))
    return text


def validate_card_metadata(text: str) -> list[str]:
    """Offline checks of a card's metadata; empty when the card is acceptable.

    The card must parse with ``DatasetCard``, ``datasets`` must read its ``configs`` and
    ``dataset_info``, and license, language, size and task values must be ones the Hub accepts.
    """
    from datasets.info import DatasetInfosDict
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    try:
        data = DatasetCard(text).data
    except Exception as exc:  # any parse failure is a finding, not a crash
        return [f"the card does not parse with DatasetCard: {exc}"]
    problems = metadata_problems(
        data.to_dict(),
        required=("license", "language", "size_categories", "task_categories", "pretty_name"),
    )
    try:
        configs = MetadataConfigs.from_dataset_card_data(data)
        infos = DatasetInfosDict.from_dataset_card_data(data)
    except Exception as exc:
        return [*problems, f"datasets cannot read the card's YAML: {exc}"]
    if list(configs) != ["default"]:
        problems.append(f"configs: expected one 'default' config, found {sorted(configs)}")
    if "default" not in infos or infos["default"].features != hf_features("article"):
        problems.append("dataset_info.features: differ from the schema's features")
    return problems
