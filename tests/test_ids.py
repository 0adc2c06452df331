"""The fast exact normaliser against the reference (NFKC, casefold, ``split``/``join``) on any
text, and content ids against their definition: released ids and splits depend on them."""

from __future__ import annotations

import hashlib
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.ids import _reference, content_id, normalize_text, normalized_bytes

spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
texts = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from([*spaces, "ß", "ﬁ", "Σ", "İ", "Ü", "“", "K", "ǅ", "Ⅻ", "ｱ", "\x85"]),
    ),
    max_size=80,
)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_normalize_text_equals_the_reference(text: str):
    assert normalized_bytes(text) == _reference(text).encode("utf-8")
    assert normalize_text(text) == _reference(text)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_content_id_is_its_definition(title: str, body: str):
    key = _reference(title) + "\n" + _reference(body)
    assert content_id(title, body) == hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def test_many_folded_characters_take_the_reference_path():
    text = "".join(chr(c) for c in range(0x410, 0x450)) * 3  # Cyrillic capitals and small
    assert normalized_bytes(text) == _reference(text).encode("utf-8")


def test_every_character_alone_normalises_as_the_reference():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        text = f"A{char}b {char}"
        assert normalized_bytes(text) == _reference(text).encode("utf-8"), hex(code)
