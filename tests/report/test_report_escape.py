"""Escaping: HTML text and attributes, and JSON delivered as JavaScript."""

from __future__ import annotations

import json

import pytest

from toolkit.report.escape import escape_html, json_for_script, script_call

HOSTILE = "</script><script>alert(1)</script><!-- \" ' & \u2028\u2029 \u202e\u2066"


def test_escape_html_turns_markup_into_text():
    assert escape_html('<b a="1">\'&') == "&lt;b a=&quot;1&quot;&gt;&#x27;&amp;"
    assert escape_html(None) == ""


@pytest.mark.parametrize("value", [HOSTILE, {"k</": [HOSTILE, 1, None, True]}, ["\u2028"]])
def test_json_for_script_has_no_dangerous_characters_and_round_trips(value):
    text = json_for_script(value)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == value


def test_json_for_script_keeps_bidi_characters_as_data():
    assert json.loads(json_for_script("\u202eabc")) == "\u202eabc"


def test_script_call_is_one_line_calling_the_function():
    line = script_call("DTK.chunk", "s0/index/0", [["</script>"]])
    assert line == 'DTK.chunk("s0/index/0",[["\\u003c/script\\u003e"]]);\n'


def test_json_for_script_stringifies_non_json_values():
    import datetime

    assert json_for_script([datetime.date(2022, 9, 21), b"\xff"]) == '["2022-09-21","\\\\xff"]'
