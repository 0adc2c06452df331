"""A second look at every line, knowing what the first look made of the whole page.

The line classifier judges each line from its own shape and its near neighbours, so two
teasers of the same listing can come out one as body text and one as chrome. Stacked
sequential learning (Cohen and Carvalho, 2005) feeds a second classifier the first one's
probabilities: the line's own, its neighbours', the page's average, and the average over the
lines of the page that look like it (same length class, same first and last character), and
over its peers one and two periods away when the page repeats a unit of lines (a listing's
"date, headline, teaser"), so a listing's repeated pattern is read as one pattern; and the
page kind's probability (``pagekind``), since the same teaser block is a listing's content and
an article's chrome. The second classifier is trained on
probabilities the first produced on publishers it never saw, as it will meet them.
``phase_groups`` gives the lines at each place of that repeating pattern, which the model then
reads alike on a listing (``model.agree``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from toolkit.extract.roles import ROLE_LETTERS
from toolkit.extract.roles.matrix import Features
from toolkit.extract.roles.pagekind import kind_features

#: The roles whose probabilities are passed on from neighbours and look-alike lines.
_SHOWN = tuple(ROLE_LETTERS.index(r) for r in "TXODM")
_OFFSETS = (-2, -1, 1, 2)


def _shape(row: Features) -> tuple[object, ...]:
    return (row.get("len"), row.get("first"), row.get("last"))


def _coarse(row: Features) -> tuple[object, ...]:
    """A line's shape at the grain a listing repeats: short, headline-long or paragraph-long,
    whether it ends a sentence, whether a blank line comes before it."""
    size = int(str(row.get("len", "0")))
    return (
        0 if size <= 2 else 1 if size <= 6 else 2,
        row.get("last") in (".", "!", "?", "…"),
        row.get("blank_before"),
    )


#: Periods tried when looking for a page's repeating pattern of lines (a listing's teaser unit).
_PERIODS = range(2, 13)
#: Share of lines that must match the line one period on for the page to have a pattern.
_MIN_MATCH = 0.35
#: How much less a shorter period may match than the best one and still be the period.
_PERIOD_SLACK = 0.1


def period_of(rows: Sequence[Features]) -> int | None:
    """The period of the page's repeating pattern of lines (see :func:`_period`), or None."""
    return _period([_coarse(row) for row in rows])


#: A group of lines that repeat one another is read as one from this many lines on.
MIN_PHASE = 3


def phase_groups(rows: Sequence[Features]) -> list[list[int]]:
    """The page's lines grouped by their place in its repeating pattern: lines one period
    apart with the same coarse shape, chained along the page (a listing's headlines, its
    teasers, its dates), in groups of at least ``MIN_PHASE``; none when the page has no
    period."""
    keys = [_coarse(row) for row in rows]
    period = _period(keys)
    if period is None:
        return []
    group = list(range(len(keys)))
    for i in range(len(keys) - period):
        if keys[i] == keys[i + period]:
            group[i + period] = group[i]
    members: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(group):
        members[g].append(i)
    return [m for m in members.values() if len(m) >= MIN_PHASE]


def _period(keys: Sequence[tuple[object, ...]]) -> int | None:
    """The page's dominant period: the shortest shift at which nearly as many lines as at the
    best shift have the shape of the line that far on (a listing repeats "date, headline,
    teaser"; a multiple of its period matches as well), or None."""
    n = len(keys)
    shares = {
        d: sum(keys[i] == keys[i + d] for i in range(n - d)) / (n - d)
        for d in _PERIODS
        if n >= 2 * d + 1
    }
    best = max(shares.values(), default=0.0)
    if best < _MIN_MATCH:
        return None
    return min(d for d, share in shares.items() if share >= best - _PERIOD_SLACK)


def stacked_features(
    rows: Sequence[Features],
    probs: Sequence[Sequence[float]],
    kind: Sequence[float] | None = None,
) -> list[Features]:
    """``rows`` (a page's line features) extended with the first classifier's ``probs`` and the
    page ``kind``'s probabilities."""
    n = len(rows)
    k = len(ROLE_LETTERS)
    sums = [sum(p[r] for p in probs) for r in range(k)]
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[_shape(row)].append(i)
    group_sums = {
        key: [sum(probs[i][r] for i in members) for r in range(k)]
        for key, members in groups.items()
    }
    page = kind_features(kind)
    keys = [_coarse(row) for row in rows]
    period = _period(keys)
    out: list[Features] = []
    for i, row in enumerate(rows):
        f = dict(row)
        f.update(page)
        p = probs[i]
        for r in range(k):
            f[f"p1_{ROLE_LETTERS[r]}"] = p[r]
        for offset in _OFFSETS:
            j = i + offset
            if 0 <= j < n:
                for r in _SHOWN:
                    f[f"p1{offset:+d}_{ROLE_LETTERS[r]}"] = probs[j][r]
        for r in _SHOWN:
            f[f"p1page_{ROLE_LETTERS[r]}"] = sums[r] / n
        members = groups[_shape(row)]
        if len(members) > 1:
            total = group_sums[_shape(row)]
            f["alike"] = float(min(len(members) - 1, 20))
            for r in _SHOWN:
                f[f"p1alike_{ROLE_LETTERS[r]}"] = (total[r] - p[r]) / (len(members) - 1)
        if period is not None:
            peers = [
                j
                for j in (i - 2 * period, i - period, i + period, i + 2 * period)
                if 0 <= j < n and keys[j] == keys[i]
            ]
            if peers:
                f["period_peers"] = float(len(peers))
                for r in _SHOWN:
                    f[f"p1per_{ROLE_LETTERS[r]}"] = sum(probs[j][r] for j in peers) / len(peers)
        out.append(f)
    if period is not None:
        for f in out:
            f["period"] = float(period)
    return out
