"""The learned line-role model of the text extractor.

A plain-text capture is a sequence of lines; each line plays one role on the page: headline,
section label, standfirst, photo caption or credit, byline, date, body text, or site chrome.
``features`` turns a line and its neighbours into shallow evidence (shape, punctuation, position,
repetition, the chrome and metadata cues of ``boilerplate``, how much of the line the page's URL
spells), ``lexicon`` what its words say about its role on other publishers' pages, a
gradient-boosted classifier, a second one that reads the first over the whole page (``stacking``,
with the page's kind from ``pagekind``) and a Viterbi pass over role transitions, trained on the
labelled corpus of real captures (``corpus/pages``, see ``toolkit.extract.train``), tag every
line; ``decode`` turns the tags into stories, ``gate`` keeps the ones that are news, and
``titles`` leaves out of each headline what is printed with it (the site's name, a source, a
rubric, a glued link, a date stamp). Nothing here knows a particular site.
"""

from __future__ import annotations

#: Line roles, one letter each in the model file.
ROLES = {
    "T": "headline",
    "S": "section",
    "D": "dek",
    "C": "caption",
    "R": "credit",
    "B": "byline",
    "M": "date",
    "X": "body",
    "O": "chrome",
}
#: The role letters in the order of the model's probability columns.
ROLE_LETTERS = tuple(ROLES)
