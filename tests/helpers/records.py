"""Records the tests feed the toolkit: submissions (what contributors send) and complete article
records (what a release holds), each builder with one signature."""

from __future__ import annotations

from typing import Any

from toolkit import __version__
from toolkit.ids import content_id

#: A fake SHA-256 for the sources of hand-made releases.
SHA = "a" * 64
#: The text fields of an article, where boilerplate must not leak.
TEXT_FIELDS = ("title", "body", "section", "dek", "image_caption")


#: One valid submission with the required fields only, for tests about what a reader or the
#: validator does with a record rather than about the record (``dict(DRAFT, title="")``).
DRAFT: dict[str, Any] = {
    "title": "Thousands flee the draft",
    "body": "Men of conscription age crossed into Georgia.",
    "publisher": "Example News",
    "language": "en",
    "kind": "article",
}


def submission(i: int, **extra: object) -> dict[str, Any]:
    """A valid submission with every optional field; ``i`` makes title, body and url unique."""
    record: dict[str, Any] = {
        "title": f"Report {i}: reservists called up in district {i}",
        "body": " ".join(
            f"Sentence {j} of report {i} on the call-up in district {i}." for j in range(12)
        ),
        "publisher": "Example Daily",
        "language": "en",
        "kind": "article",
        "url": f"https://example.org/news/{i}",
        "published": f"2022-09-2{i % 10}",
        "authors": ["Staff"],
    }
    record.update(extra)
    return record


def short_submission(title: str, body: str, publisher: str = "Worldcrunch") -> dict[str, Any]:
    """A submission with the required fields only."""
    return {
        "title": title,
        "body": body,
        "publisher": publisher,
        "language": "en",
        "kind": "article",
    }


def article(n: int, **changes: Any) -> dict[str, Any]:
    """A valid article record as a release holds it; ``n`` makes the id and text unique and
    varies publisher, section, authors and kind."""
    record = {
        "title": f"Headline number {n}",
        "body": f"Paragraph {n}. " + "Men of conscription age left for Georgia. " * (3 + 7 * n),
        "publisher": "Worldcrunch" if n % 3 else "Mother Jones",
        "language": "en",
        "url": f"https://example.org/story/{n}",
        "published": f"2022-09-{10 + n:02d}",
        "section": ["Ideas", "World", None][n % 3],
        "dek": f"Standfirst {n}.",
        "image_caption": None,
        "authors": ["Anna Akage"] if n % 2 else [],
        "kind": "article" if n % 2 else "teaser",
        "retrieved_at": None,
        "license": "Publisher's copyright",
        "id": f"{n:016x}",
        "provenance": {
            "source_file": "000_a.txt" if n % 3 else "004_b.txt",
            "source_sha256": SHA,
            "source_url": None,
            "span": {
                "start_line": n + 1,
                "end_line": n + 3,
                "byte_offset": None,
                "byte_length": None,
            },
            "extractor": "text@1.0.0",
            "retrieved_at": None,
            "license": "Publisher's copyright",
            "toolkit_version": __version__,
        },
    }
    record.update(changes)
    return record


def make_record(
    title: str,
    body: str = "Body text.",
    *,
    publisher: str = "Worldcrunch",
    source_file: str = "a.jsonl",
    line: int = 1,
    **fields: Any,
) -> dict[str, Any]:
    """A complete article record with its real content id, whose provenance points at
    ``source_file:line``."""
    record: dict[str, Any] = {
        "id": content_id(title, body),
        "title": title,
        "body": body,
        "publisher": publisher,
        "language": "en",
        "url": None,
        "published": None,
        "section": None,
        "dek": None,
        "image_caption": None,
        "authors": [],
        "kind": "article",
        "retrieved_at": None,
        "license": None,
        "provenance": {
            "source_file": source_file,
            "source_sha256": "0" * 64,
            "source_url": None,
            "span": {
                "start_line": line,
                "end_line": line,
                "byte_offset": None,
                "byte_length": None,
            },
            "extractor": "jsonl@1.0.0",
            "retrieved_at": None,
            "license": None,
            "toolkit_version": "0.1.0",
        },
    }
    record.update(fields)
    return record


#: Three submissions in two publishers, the raw data of the diff, versioning and CI tests.
SUBMISSIONS = [
    short_submission(
        "Reservists queue at the border", "Men of fighting age left by car and on foot."
    ),
    short_submission(
        "Kremlin announces partial mobilization", "Three hundred thousand reservists."
    ),
    short_submission(
        "Flights out of Moscow sell out",
        "One-way tickets to Yerevan and Istanbul.",
        publisher="Mother Jones",
    ),
]
#: Two more submissions: the file a contribution adds.
NEW_FILE = [
    short_submission("Recruitment offices set on fire", "Arson attacks were reported in regions."),
    short_submission("Families protest in Dagestan", "Women confronted police in Makhachkala."),
]
