"""Which decoded stories are news stories of the page. The line tagger sees a few lines at a
time, so a help page's questions, a recipe, a job advert or the related-links teasers under an
article decode into headline-plus-text stories as readily as news does. Whether a story is one
of the page's news stories shows at the level of the story and its page: how long its text is
beside the page's longest, whether it follows the page's main story, how sure the tagger was of
its lines, whether the page prints dates, whether its headline is a question. A small
gradient-boosted classifier over those facts, trained on stories decoded by models that never
saw their publisher, keeps or drops each story.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.extract import boilerplate as bp
from toolkit.extract.captions import has_credit
from toolkit.extract.roles import ROLES
from toolkit.extract.roles.decode import Story
from toolkit.extract.roles.features import PageLine
from toolkit.extract.roles.matrix import Features, feature_matrix
from toolkit.extract.roles.pagekind import kind_features
from toolkit.extract.roles.slug import slug_overlap, slug_words

ROLE_LETTERS = tuple(ROLES)
_T, _X, _O = (ROLE_LETTERS.index(r) for r in "TXO")


def _mean(values: Sequence[float], default: float = 0.0) -> float:
    return sum(values) / len(values) if values else default


def _text_features(prefix: str, text: str) -> Features:
    found = bp.words(text)
    letters = sum(c.isalpha() for c in text) or 1
    f: Features = {
        f"{prefix}_loglen": math.log1p(len(text)),
        f"{prefix}_words": float(len(found)),
        f"{prefix}_upper": sum(c.isupper() for c in text) / letters,
        f"{prefix}_digits": sum(c.isdigit() for c in text) / max(len(text), 1),
    }
    stripped = text.rstrip("\"'”’»)] ")
    last = stripped[-1:]
    f[f"{prefix}_last"] = last if last in ".!?:…" else "a" if last.isalnum() else "x"
    for name, on in (
        ("appeal", bp.is_appeal(text)),
        ("related", bp.is_related_label(text)),
        ("nav", bp.is_nav_label(text)),
        ("inline_link", bp.is_inline_link(text)),
        ("credit", has_credit(text)),
        ("dateline", bp.is_dateline(text)),
        ("bullet", text[:1] in "•·*▪►▶"),
        ("pipe", "|" in text),
    ):
        if on:
            f[f"{prefix}_{name}"] = 1.0
    return f


def story_features(
    stories: Sequence[Story],
    lines: Sequence[PageLine],
    roles: Sequence[str],
    probs: Sequence[Sequence[float]],
    capture_date: str | None,
    url: str | None = None,
    kind: Sequence[float] | None = None,
) -> list[Features]:
    """Facts about each story and its place on the page, one dict per story."""
    slug = slug_words(url)
    overlaps = [slug_overlap(s.title or "", slug) for s in stories]
    best_overlap = max(overlaps, default=0.0)
    index = {line.no: i for i, line in enumerate(lines)}
    total = max(len(lines), 1)
    body_chars = [sum(len(b) for b in s.body) for s in stories]
    longest = max(body_chars, default=0)
    main = body_chars.index(longest) if stories else 0
    dated_lines = sum(r == "M" for r in roles)
    chrome_share = sum(r == "O" for r in roles) / total
    page: Features = {
        "page_stories": float(len(stories)),
        "page_loglines": math.log1p(len(lines)),
        "page_dates": float(min(dated_lines, 10)),
        "page_capture_date": float(capture_date is not None),
        "page_chrome": chrome_share,
        "page_longest": math.log1p(longest),
        "page_titled": float(sum(s.title is not None for s in stories)),
        "page_slug": float(bool(slug)),
        "page_slug_best": best_overlap,
        **kind_features(kind),
    }
    out: list[Features] = []
    for k, story in enumerate(stories):
        at = sorted(index[no] for no in story.lines if no in index)
        title_rows = [i for i in at if roles[i] == "T"]
        body_rows = [i for i in at if roles[i] == "X"]
        f: Features = dict(page)
        f["index"] = float(k)
        f["relindex"] = k / max(len(stories) - 1, 1)
        f["start"] = (at[0] / total) if at else 0.0
        f["after_main"] = float(k > main)
        f["is_main"] = float(k == main)
        f["body_loglen"] = math.log1p(body_chars[k])
        f["body_lines"] = float(len(story.body))
        f["body_share"] = body_chars[k] / max(longest, 1)
        f["body_prose"] = _mean([bp.is_prose(b) for b in story.body])
        f["body_questions"] = _mean([b.rstrip().endswith("?") for b in story.body])
        f["body_address"] = bp.address_density(" ".join(story.body))
        f["has_title"] = float(story.title is not None)
        f["slug"] = overlaps[k]
        f["slug_is_best"] = float(best_overlap >= 0.5 and overlaps[k] == best_overlap)
        for name, value in (
            ("section", story.section),
            ("dek", story.dek),
            ("date", story.date),
            ("caption", story.caption),
            ("credit", story.credit),
        ):
            if value:
                f[f"has_{name}"] = 1.0
        if story.authors:
            f["has_authors"] = 1.0
        f["p_title"] = _mean([probs[i][_T] for i in title_rows])
        f["p_body"] = _mean([probs[i][_X] for i in body_rows])
        f["p_body_chrome"] = _mean([probs[i][_O] for i in body_rows])
        f["p_min_body"] = min((probs[i][_X] for i in body_rows), default=0.0)
        if story.title:
            f.update(_text_features("title", story.title))
        if story.body:
            f.update(_text_features("lead", story.body[0]))
        out.append(f)
    return out


@dataclass(frozen=True)
class StoryGate:
    """A trained story classifier: keeps the stories whose news probability reaches
    ``threshold``."""

    columns: dict[str, int]
    booster: Any
    threshold: float

    def scores(self, features: list[Features]) -> list[float]:
        if not features:
            return []
        return [float(p) for p in self.booster.predict(feature_matrix(features, self.columns))]

    def to_document(self) -> dict[str, Any]:
        return {
            "columns": sorted(self.columns, key=self.columns.__getitem__),
            "booster": self.booster.model_to_string(),
            "threshold": self.threshold,
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> StoryGate:
        import lightgbm

        return cls(
            columns={name: i for i, name in enumerate(document["columns"])},
            booster=lightgbm.Booster(model_str=document["booster"]),
            threshold=float(document["threshold"]),
        )
