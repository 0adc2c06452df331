"""Property: whatever bytes a raw page holds, extraction yields issues or schema-complete records,
never an exception, and the same output twice."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import ARTICLE, RAW
from tests.helpers.sources import make_entry
from toolkit.extract import extract_source, prepare_context
from toolkit.issues import Issue

SEED = (RAW / ARTICLE).read_bytes()
LINES = SEED.split(b"\n")


NAMES = {"text": "p.txt", "html": "p.html", "warc": "p.warc"}


def extract(raw: Path, data: bytes, fmt: str) -> list[dict | Issue]:
    name = NAMES[fmt]
    (raw / name).write_bytes(data)
    entry = make_entry(raw, name, fmt)
    return list(extract_source(raw, entry, prepare_context(raw, [entry])))


pages = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.sampled_from(LINES), max_size=60).map(b"\n".join),
    st.lists(st.text(max_size=80), max_size=30).map(lambda ls: "\n".join(ls).encode()),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=pages, fmt=st.sampled_from(["text", "html", "warc"]))
def test_any_bytes_give_issues_or_records(tmp_path, data, fmt):
    items = extract(tmp_path, data, fmt)
    assert items == extract(tmp_path, data, fmt)
    for item in items:
        if isinstance(item, Issue):
            assert item.rule.startswith("extract.")
        else:
            assert item["title"].strip()
            assert item["body"].strip()
            assert item["provenance"]["source_file"] == NAMES[fmt]
