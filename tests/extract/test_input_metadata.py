"""Metadata the inputs already carry (issue 13, item 4): a page's JSON-LD ``NewsArticle``, its
``article:``/``og:`` meta and its lead figure's caption fill the record's fields before
trafilatura's guesses; a WARC record's ``WARC-Date`` fills ``retrieved_at`` when the manifest
gives none. Hostile metadata is dropped, never raised, and records stay valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.sources import make_entry
from tests.helpers.warc import warc_member, warc_record
from toolkit.extract import extract_source, prepare_context
from toolkit.extract.dates import parse_timestamp
from toolkit.extract.html_meta import MAX_JSON_LD_CHARS, PageMeta, read_page_meta
from toolkit.issues import Issue
from toolkit.schema import default_schemas, fast_validator, reference_validator

TITLE = "Thousands Queue At Georgian Border To Escape The Draft"
PARAGRAPHS = [
    "Men of conscription age crossed into Georgia on Tuesday, officials said, as the queue of "
    "cars at the Upper Lars checkpoint grew to more than twenty kilometres.",
    "Border guards in North Ossetia reported that some people had waited for two days, and "
    "volunteers on the Georgian side handed out water, food and blankets.",
    "The Kremlin said on Wednesday that no decision had been taken to close the border, but "
    "several regional officials suggested that a draft office could be set up at the crossing.",
]
NEWS_ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": TITLE,
    "datePublished": "2022-09-27T14:05:00+03:00",
    "dateModified": "2022-09-28T09:00:00+03:00",
    "author": [
        {"@type": "Person", "name": "Jane Doe"},
        {"@type": "Person", "name": "Ivan Petrov"},
        {"@type": "Organization", "name": "Example News"},
    ],
    "articleSection": ["World", "Russia"],
    "image": {
        "@type": "ImageObject",
        "url": "https://news.example.org/queue.jpg",
        "caption": "Cars queue at the Upper Lars checkpoint. Photo: Reuters",
    },
}


def page(head: str = "", figure: str = "", title: str = TITLE) -> bytes:
    """An article page with ``head`` markup in its head and ``figure`` before the text."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Example News</title>
{head}
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>{title}</h1>
{figure}
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<footer>All rights reserved.</footer>
</body></html>
""".encode()


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def validators():
    schemas = default_schemas()
    schema = schemas.resolve_name("article")
    return fast_validator(schema, schemas), reference_validator(schema, schemas)


def assert_valid(record: dict) -> None:
    fast, exact = validators()
    assert fast.is_valid(record)
    assert not list(exact.iter_errors(record))


def extract(tmp_path: Path, name: str, data: bytes, **fields: object) -> list[dict | Issue]:
    (tmp_path / name).write_bytes(data)
    fmt = "warc" if ".warc" in name else "html"
    entry = make_entry(tmp_path, name, fmt, publisher="Example News", **fields)
    return list(extract_source(tmp_path, entry, prepare_context(tmp_path, [entry])))


def one_record(tmp_path: Path, data: bytes, **fields: object) -> dict:
    [record] = extract(tmp_path, "page.html", data, **fields)
    assert isinstance(record, dict), record
    assert_valid(record)
    return record


def meta_of(data: bytes) -> PageMeta:
    """read_page_meta on the page as trafilatura parses it, without html.py's safety net."""
    import trafilatura

    return read_page_meta(trafilatura.load_html(data))


# --- JSON-LD ---------------------------------------------------------------------------------


def test_json_ld_news_article_fills_the_fields(tmp_path):
    record = one_record(tmp_path, page(ld(NEWS_ARTICLE)))
    assert record["title"] == TITLE
    assert record["published"] == "2022-09-27T14:05:00+03:00"
    assert record["authors"] == ["Jane Doe", "Ivan Petrov"]  # the organisation is no byline
    assert record["section"] == "World"
    assert record["image_caption"] == "Cars queue at the Upper Lars checkpoint."
    assert record["body"].split("\n\n") == PARAGRAPHS
    assert record["provenance"]["extractor"] == "html@1.1.0"


@pytest.mark.parametrize(
    "wrap",
    [
        lambda a: {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, a]},
        lambda a: [{"@type": "BreadcrumbList"}, a],
        lambda a: {"@type": "WebPage", "mainEntity": a},
        lambda a: dict(a, **{"@type": ["ReportageNewsArticle", "Thing"]}),
        lambda a: dict(a, **{"@type": "http://schema.org/Article"}),
    ],
    ids=["graph", "list", "main-entity", "type-list", "type-iri"],
)
def test_json_ld_article_is_found_where_sites_put_it(tmp_path, wrap):
    meta = meta_of(page(ld(wrap(NEWS_ARTICLE))))
    assert meta.headline == TITLE
    assert meta.published == ["2022-09-27T14:05:00+03:00"]
    assert meta.authors == ["Jane Doe", "Ivan Petrov"]


def test_json_ld_in_a_comment_wrapper_and_with_raw_newlines(tmp_path):
    block = json.dumps(NEWS_ARTICLE).replace("Upper Lars", "Upper\nLars")
    meta = meta_of(page(f'<script type="application/ld+json">\n<!--\n{block}\n-->\n</script>'))
    assert meta.image_caption == "Cars queue at the Upper Lars checkpoint."


def test_json_ld_plain_author_strings_and_a_date_without_offset(tmp_path):
    article = dict(
        NEWS_ARTICLE,
        author="By Jane Doe",
        datePublished="2022-09-27T14:05:00",  # no offset: the time of day means nothing
        articleSection="Politics",
    )
    record = one_record(tmp_path, page(ld(article)))
    assert record["authors"] == ["Jane Doe"]
    assert record["published"] == "2022-09-27"
    assert record["section"] == "Politics"


def test_an_article_node_without_headline_leaves_the_title_to_trafilatura(tmp_path):
    article = {k: v for k, v in NEWS_ARTICLE.items() if k != "headline"}
    meta = meta_of(page(ld(article)))
    assert meta.headline is None
    assert meta.authors == ["Jane Doe", "Ivan Petrov"]


def test_a_truncated_json_ld_headline_gives_way_to_the_page_title(tmp_path):
    article = dict(NEWS_ARTICLE, headline="Thousands Queue At Georgian Border…")
    assert one_record(tmp_path, page(ld(article)))["title"] == TITLE


# --- article: and og: meta -------------------------------------------------------------------

META = """
<meta property="og:title" content="Thousands Queue At Georgian Border To Escape The Draft">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2022-09-27T14:05:00+0300">
<meta property="article:section" content="World">
<meta property="article:author" content="https://www.facebook.com/janedoe">
<meta property="article:author" content="Jane Doe">
"""


def test_article_meta_fills_what_json_ld_does_not(tmp_path):
    record = one_record(tmp_path, page(META))
    assert record["published"] == "2022-09-27T14:05:00+03:00"
    assert record["section"] == "World"
    assert record["authors"] == ["Jane Doe"]  # the profile address is not a name


def test_json_ld_comes_before_meta_and_a_time_of_day_completes_its_date(tmp_path):
    article = dict(NEWS_ARTICLE, datePublished="2022-09-27", articleSection="Europe")
    record = one_record(tmp_path, page(META + ld(article)))
    assert record["section"] == "Europe"
    assert record["authors"] == ["Jane Doe", "Ivan Petrov"]
    assert record["published"] == "2022-09-27T14:05:00+03:00"


def test_a_meta_date_of_another_day_does_not_replace_the_json_ld_date(tmp_path):
    article = dict(NEWS_ARTICLE, datePublished="2022-09-26")
    assert one_record(tmp_path, page(META + ld(article)))["published"] == "2022-09-26"


def test_a_page_without_metadata_keeps_trafilaturas_values(tmp_path):
    record = one_record(tmp_path, page('<meta name="author" content="Jane Doe">'))
    assert record["authors"] == ["Jane Doe"]
    assert (record["section"], record["image_caption"], record["published"]) == (None,) * 3


# --- figcaption ------------------------------------------------------------------------------

FIGURE = """<figure><img src="queue.jpg" alt="">
<figcaption>Cars queue at the <b>Upper Lars</b> checkpoint on 27 September.
<span class="credit">Photo: Jane Roe / Reuters</span><!-- a comment --></figcaption></figure>"""


def test_figcaption_of_the_article_is_the_image_caption(tmp_path):
    record = one_record(tmp_path, page(figure=FIGURE))
    assert record["image_caption"] == "Cars queue at the Upper Lars checkpoint on 27 September."


def test_a_credit_glued_to_the_caption_is_split_off(tmp_path):
    figure = "<figure><figcaption>Men at the border. Photo: AP</figcaption></figure>"
    assert one_record(tmp_path, page(figure=figure))["image_caption"] == "Men at the border."


def test_json_ld_caption_comes_before_the_figcaption(tmp_path):
    record = one_record(tmp_path, page(ld(NEWS_ARTICLE), figure=FIGURE))
    assert record["image_caption"] == "Cars queue at the Upper Lars checkpoint."


def test_figcaptions_outside_the_article_are_not_the_lead_image(tmp_path):
    data = page(figure="").replace(
        b"<footer>", b"<aside><figure><figcaption>An advert</figcaption></figure></aside><footer>"
    )
    assert one_record(tmp_path, data)["image_caption"] is None


# --- WARC-Date -------------------------------------------------------------------------------

URI = "https://news.example.org/2022/09/27/border-queue"


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_warc_date_fills_retrieved_at(tmp_path, gzip):
    build = warc_member if gzip else warc_record
    data = build(URI, page(ld(NEWS_ARTICLE))) + build(URI + "-2", page(title="Second Story Here"))
    records = extract(tmp_path, "crawl.warc.gz" if gzip else "crawl.warc", data)
    assert [type(r) for r in records] == [dict, dict]
    for record in records:
        assert isinstance(record, dict)
        assert_valid(record)
        assert record["retrieved_at"] == "2022-10-01T12:00:00Z"
        assert record["provenance"]["retrieved_at"] == "2022-10-01T12:00:00Z"
        assert record["provenance"]["extractor"] == "warc@1.1.0"
    assert records[0]["published"] == "2022-09-27T14:05:00+03:00"  # html metadata in WARC


def test_warc_date_with_fraction_is_kept_as_rfc3339(tmp_path):
    data = warc_record(URI, page(), date="2022-10-01T12:00:00.123456Z")
    [record] = extract(tmp_path, "c.warc", data)
    assert isinstance(record, dict)
    assert record["retrieved_at"] == "2022-10-01T12:00:00.123456Z"


def test_the_manifest_retrieved_at_wins_over_warc_date(tmp_path):
    data = warc_record(URI, page())
    [record] = extract(tmp_path, "c.warc", data, retrieved_at="2022-10-05T08:00:00Z")
    assert isinstance(record, dict)
    assert record["retrieved_at"] == record["provenance"]["retrieved_at"] == "2022-10-05T08:00:00Z"


@pytest.mark.parametrize(
    "date", [None, "yesterday", "2022-10-01", "2022-13-01T12:00:00Z", "2022-10-01T12:00:00"]
)
def test_a_missing_or_bad_warc_date_leaves_retrieved_at_null(tmp_path, date):
    [record] = extract(tmp_path, "c.warc", warc_record(URI, page(), date=date))
    assert isinstance(record, dict)
    assert_valid(record)
    assert record["retrieved_at"] is None
    assert record["provenance"]["retrieved_at"] is None


# --- hostile metadata ------------------------------------------------------------------------

NOT_DATES = [
    "yesterday",
    "2022-13-45T25:61:00Z",
    "2022-02-30",
    "0000-00-00T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "9999-12-31",
    "\u0662\u0660\u0662\u0662-\u0660\u0669-\u0662\u0667",  # Arabic-Indic digits
    "2022-09-27T14:05:60+03:00",
    "2022-09-27T14:05:00+25:00",
    "2022-09-27" + " " * 100,
]


def hostile_blocks() -> dict[str, str]:
    deep = '{"@graph": [' * 2000 + "{}" + "]}" * 2000
    huge = dict(NEWS_ARTICLE, articleBody="x" * MAX_JSON_LD_CHARS)
    wrong = {
        "@type": "NewsArticle",
        "headline": 7,
        "datePublished": {"year": 2022},
        "author": [42, None, {"name": ["", {}]}, "https://x.example/jane", "@jane"],
        "articleSection": [None, {}, []],
        "image": ["https://x.example/a.jpg", {"caption": 3}],
    }
    return {
        "malformed": ld_raw('{"@type": "NewsArticle", "headline": '),
        "deeply-nested-array": ld_raw("[" * 100_000),
        "deeply-nested-valid": ld_raw(deep),
        "huge-block": ld(huge),
        "huge-number": ld_raw('{"@type": "NewsArticle", "headline": ' + "1" * 5000 + "}"),
        "wrong-types": ld(wrong),
        "not-an-object": ld("NewsArticle") + ld(None) + ld(3.5),
        "type-is-an-object": ld({"@type": {"@id": "NewsArticle"}, "headline": "X"}),
        "long-headline": ld(dict(NEWS_ARTICLE, headline="Draft " * 2000)),
        "control-characters": ld(dict(NEWS_ARTICLE, headline="\x00\x07\u200b")),
        "many-blocks": ld({"@type": "WebPage"}) * 40 + ld(NEWS_ARTICLE),
        "markup-in-values": ld(dict(NEWS_ARTICLE, articleSection="<a href='/x'></a>")),
    } | {
        f"not-a-date-{i}": ld(dict(NEWS_ARTICLE, datePublished=d)) for i, d in enumerate(NOT_DATES)
    }


def ld_raw(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


HOSTILE = hostile_blocks()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_json_ld_is_dropped_not_raised(tmp_path, name):
    block = HOSTILE[name]
    meta = meta_of(page(block))  # no safety net: read_page_meta itself must not raise
    record = one_record(tmp_path, page(block))
    assert record["title"]
    assert record["body"].split("\n\n") == PARAGRAPHS
    if name.startswith("not-a-date"):
        assert meta.published == []
        # trafilatura's own date guess (from dateModified, or read leniently) may remain
        assert record["published"] in (None, "2022-09-27", "2022-09-28")
        assert record["authors"] == ["Jane Doe", "Ivan Petrov"]  # the rest of the node stays
    elif name == "many-blocks":  # past the block limit: not read
        assert meta.headline is None
    elif name in ("long-headline", "control-characters"):  # the page's h1 stands in
        assert meta.headline == record["title"] == TITLE
    elif name == "markup-in-values":
        assert meta.section is None
    elif name == "wrong-types":  # a headline that is no string: the page's h1 stands in
        assert meta.headline == record["title"] == TITLE
        assert (meta.published, meta.authors, meta.section, meta.image_caption) == (
            [],
            [],
            None,
            None,
        )
    else:
        assert meta.headline is None
        assert (meta.published, meta.authors, meta.section, meta.image_caption) == (
            [],
            [],
            None,
            None,
        )


def test_hostile_meta_tags_and_figures(tmp_path):
    head = (
        '<meta property="article:published_time" content="2022-09-27T99:99:99Z">'
        '<meta property="article:section" content="   ">'
        '<meta property="article:author">'
        '<meta property="article:author" content="'
        + "A" * 10_000
        + '">'
        + '<meta name="x" content="y">' * 5000
    )
    figure = "<figure><figcaption>" + "<span>" * 200 + "Deep" + "</span>" * 200
    figure += "</figcaption></figure>"
    meta = meta_of(page(head, figure))
    assert (meta.published, meta.section, meta.authors) == ([], None, [])
    record = one_record(tmp_path, page(head, figure))
    assert record["published"] in (None, "2022-09-27")  # trafilatura reads the date leniently
    assert record["section"] is None
    assert record["image_caption"] == "Deep"


def test_caption_text_skips_comments_scripts_and_credits():
    import lxml.html

    tree = lxml.html.fromstring(
        "<html><body><article><figure><figcaption>Men <!-- hidden --> at the <i>border</i>"
        "<script>var x = 1;</script>, September.<small class='photo-credit'>Jane Roe</small>"
        "</figcaption></figure><p>Text</p></article></body></html>"
    )
    assert read_page_meta(tree).image_caption == "Men at the border , September."


def test_a_page_with_no_head_or_body(tmp_path):
    assert meta_of(b"<p>just a paragraph</p><p>and another</p>") == PageMeta()
    assert read_page_meta(None) == PageMeta()


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-09-27", "2022-09-27"),
        ("2022-09-27T14:05:00Z", "2022-09-27T14:05:00Z"),
        ("2022-09-27T14:05:00.5+03:00", "2022-09-27T14:05:00.5+03:00"),
        ("2022-09-27 14:05:00 +0300", "2022-09-27T14:05:00+03:00"),
        ("2022-09-27T14:05+03", "2022-09-27T14:05:00+03:00"),
        ("2022-09-27T14:05:00 GMT", "2022-09-27T14:05:00Z"),
        ("2022-09-27T14:05:00", "2022-09-27"),
        ("20221001120000", "2022-10-01T12:00:00Z"),
        (" 2022-09-27T14:05:00Z ", "2022-09-27T14:05:00Z"),
        (20220927, None),
        (None, None),
        ("27 September 2022", None),
        *[(d, None) for d in NOT_DATES if d.strip() != "2022-09-27"],
        ("2022-09-27" + " " * 100, None),
    ],
)
def test_parse_timestamp(text, expected):
    assert parse_timestamp(text) == expected


def test_parse_timestamp_for_a_capture_time_needs_time_and_offset():
    assert parse_timestamp("2022-10-01", date_only=False) is None
    assert parse_timestamp("2022-10-01T12:00:00", date_only=False) is None
    assert parse_timestamp("2022-10-01T12:00:00Z", date_only=False) == "2022-10-01T12:00:00Z"
