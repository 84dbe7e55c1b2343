"""Tests for sonla.build.sphinxext: repeated scripts are dropped from a page's context."""

from __future__ import annotations

from sphinx.builders.html._assets import _JavaScript

from sonla.build import sphinxext


def test_inline_script_registered_as_none_and_empty_is_kept_once():
    body = 'const THEBE_JS_URL = "x"'
    scripts = [_JavaScript(None, body=body), _JavaScript("a.js"), _JavaScript("", priority=500, body=body),
               _JavaScript("a.js"), _JavaScript("b.js", **{"async": "async"})]
    context = {"script_files": scripts}
    sphinxext.dedupe_scripts(None, "page", "page.html", context, None)
    assert [(s.filename, s.attributes.get("body")) for s in context["script_files"]] == [
        (None, body), ("a.js", None), ("b.js", None)]


def test_different_bodies_are_both_kept():
    context = {"script_files": [_JavaScript(None, body="a"), _JavaScript(None, body="b")]}
    sphinxext.dedupe_scripts(None, "page", "page.html", context, None)
    assert len(context["script_files"]) == 2
