"""``croissant.json``: written without mlcroissant, validated with it here, offline (every socket
connection fails the test), with records read back and their files' sha256 checked."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.helpers import ROOT
from tests.helpers.records import article
from tests.helpers.releases import make_release, standard_release
from toolkit.card.croissant import CONFORMS_TO, croissant_bytes
from toolkit.card.render import write_card
from toolkit.release.folder import ReleaseManifest

# rdflib (under mlcroissant) warns about its own API when parsing JSON-LD
# and mlcroissant calls a pandas API that pandas 3.1 deprecates
pytestmark = [
    # mlcroissant must not fetch the JSON-LD context or anything else.
    pytest.mark.usefixtures("no_network"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index is deprecated"),
]


def croissant_dataset(path: Path):
    mlc = pytest.importorskip("mlcroissant")
    return mlc.Dataset(jsonld=str(path))


def test_croissant_validates_offline_and_reads_every_record(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    manifest = standard_release(dist)
    write_card(dist, root=ROOT)
    dataset = croissant_dataset(dist / "croissant.json")
    assert dataset.metadata.ctx.issues.errors == set()
    assert [rs.name for rs in dataset.metadata.record_sets] == ["train", "validation", "test"]
    for split, info in manifest["splits"].items():
        records = list(dataset.records(split))
        assert len(records) == info["num_examples"]
    first = next(iter(dataset.records("train")))
    assert first["train/id"] == b"0000000000000000"
    assert first["train/provenance"]["train/provenance/extractor"] == b"text@1.0.0"


def test_croissant_lists_every_data_file_with_its_sha256(release_dir: Path) -> None:
    manifest = orjson.loads((release_dir / "manifest.json").read_bytes())
    document = orjson.loads((release_dir / "croissant.json").read_bytes())
    assert document["conformsTo"] == CONFORMS_TO
    listed = {f["contentUrl"]: f["sha256"] for f in document["distribution"]}
    expected = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert listed == expected
    assert document["citeAs"].startswith("@misc{russia_mobilization_news,")
    fields = [f["name"] for f in document["recordSet"][0]["field"]]
    assert fields[:2] == ["title", "body"]
    assert "provenance" in fields


def test_a_changed_file_fails_the_sha256_check(release_dir: Path) -> None:
    data = release_dir / "data" / "test-00000-of-00001.parquet"
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    data.write_bytes(bytes(raw))
    dataset = croissant_dataset(release_dir / "croissant.json")
    with pytest.raises(Exception, match=r"Download\(data/test-00000-of-00001.parquet\)") as caught:
        list(dataset.records("test"))
    chain, cause = [], caught.value
    while cause is not None:
        chain.append(str(cause))
        cause = cause.__cause__ or cause.__context__
    assert any("sha256" in text.lower() or "hash" in text.lower() for text in chain), chain


def test_several_shards_give_one_record_set_each(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    make_release(
        dist,
        {"train": [article(n) for n in range(5)], "validation": [], "test": []},
        rows_per_shard=2,
    )
    write_card(dist, root=ROOT)
    dataset = croissant_dataset(dist / "croissant.json")
    names = [rs.name for rs in dataset.metadata.record_sets]
    assert names == ["train-00000", "train-00001", "train-00002", "validation", "test"]
    assert sum(len(list(dataset.records(n))) for n in names) == 5


def test_croissant_bytes_are_deterministic(release_dir: Path) -> None:
    manifest = ReleaseManifest.read(release_dir)
    first = croissant_bytes(manifest)
    assert croissant_bytes(manifest) == first
    assert first.endswith(b"}\n")


@pytest.fixture
def release_dir(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    standard_release(dist)
    write_card(dist, root=ROOT)
    return dist
