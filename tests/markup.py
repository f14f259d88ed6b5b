"""What workbook text looks like once the app has drawn it: the text a reader sees of Markdown that
:func:`ui.widgets.plain` escaped, and the markup left active in a Markdown source or a plotly figure.

Shared by tests/test_escaping.py (AppTest, figures) and the tests that read page text from AppTest, where
Markdown sources carry plain()'s backslashes and word joiners.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from tests.hostile import MARKUP
from ui.widgets import WORD_JOINER

__all__ = ["TEMPLATES", "active_markdown", "active_plotly", "escaped_in_plotly", "figure_strings", "visible"]

#: A backslash before ASCII punctuation: CommonMark shows the character itself.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
#: Markdown and Streamlit constructs a payload of tests.hostile.MARKUP would switch on, found in the source
#: with its backslash-escaped characters masked: links and images, HTML tags and angle autolinks, colour
#: directives, LaTeX, emphasis.
_ACTIVE_MARKDOWN = {
    "link or image": re.compile(r"\]\("),
    "HTML tag": re.compile(r"<\s*/?\s*[a-z]", re.IGNORECASE),
    "directive": re.compile(r":[a-z]+(-background)?\["),
    "LaTeX": re.compile(r"\$[^$\s][^$]*\$"),
    "emphasis": re.compile(r"\*\*粗\*\*"),
}
#: What GFM links in the text *after* reading escapes (a backslash cannot stop it): web and mail addresses.
_ACTIVE_TEXT = {
    "web address": re.compile(r"https?://|www\.", re.IGNORECASE),
    "mail address": re.compile(r"[\w.+-]@[\w-]"),
}
#: What Streamlit replaces in the source before Markdown reads it (escaped or not): icons.
_ACTIVE_SOURCE = {"icon": re.compile(r":material/|:streamlit:")}


def visible(markdown: str) -> str:
    """The text a reader sees of ``markdown`` where it is plain text escaped by plain(): backslash escapes
    read, word joiners dropped. (Chrome markup such as ``**`` or ``:green[...]`` stays as written.)

    >>> visible("文件：tiny\\\\.xlsx \\\\[x\\\\]\\\\(http\\\\:\\u2060//h\\\\)")
    '文件：tiny.xlsx [x](http://h)'
    """
    return _ESCAPE.sub(r"\1", markdown).replace(WORD_JOINER, "")


def active_markdown(markdown: str) -> list[str]:
    """What in ``markdown`` Markdown or Streamlit would act on that a workbook payload could have put there
    (empty when every payload is shown as text): Markdown syntax with escaped characters masked, addresses
    in the text as GFM reads it (escapes resolved), icons in the source as Streamlit reads it.

    >>> active_markdown("**甲** · \\\\[x\\\\]\\\\(http\\\\:\\u2060//h\\\\) :green[ok]")
    []
    >>> active_markdown("[x](http://h) :red[警告]"), active_markdown("\\\\[x\\\\]\\\\(http\\\\://h\\\\)")
    (['link or image', 'directive', 'web address'], ['web address'])
    """
    masked = _ESCAPE.sub("\0", markdown)
    read = _ESCAPE.sub(r"\1", markdown)
    found = [name for name, pattern in _ACTIVE_MARKDOWN.items() if pattern.search(masked)]
    found += [name for name, pattern in _ACTIVE_TEXT.items() if pattern.search(read)]
    found += [name for name, pattern in _ACTIVE_SOURCE.items() if pattern.search(markdown)]
    # Chrome colours statuses (":green[校验通过]"): only the payload's own directive counts.
    if found.count("directive") and ":red[警告]" not in masked:
        found.remove("directive")
    return found


#: Plotly keys whose strings are never drawn: identities and values a page reads back (a click's segment).
_UNDRAWN = frozenset({"customdata", "ids", "parents", "uid", "legendgroup", "hovertemplate", "type", "mode"})
#: The pseudo-HTML the chart builders write themselves.
_OWN_TAGS = re.compile(r"</?b>|<br>|<extra></extra>")
#: The only hover templates: a constant one whose text comes from hovertext or customdata (plotly fills a
#: template once: a ``%{...}`` inside the substituted text is shown as typed).
TEMPLATES = frozenset({"%{hovertext}<extra></extra>", "%{customdata}<extra></extra>"})


def figure_strings(spec: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, string) of every string in a plotly figure (a dict or its JSON)."""
    if isinstance(spec, str) and not path:
        spec = json.loads(spec)
    if isinstance(spec, dict):
        for key, value in spec.items():
            yield from figure_strings(value, f"{path}.{key}")
    elif isinstance(spec, list | tuple):
        for i, value in enumerate(spec):
            yield from figure_strings(value, f"{path}[{i}]")
    elif isinstance(spec, str):
        yield path, spec


def active_plotly(spec: Any) -> list[str]:
    """Where a plotly figure would draw workbook text as pseudo-HTML (a link, an image, a tag it did not
    write itself) or fill a template from it: "path: text" for each."""
    found = []
    raw = [payload for payload in MARKUP.values() if "<" in payload]
    for path, text in figure_strings(spec):
        key = path.rsplit(".", 1)[-1].split("[", 1)[0]
        if key == "hovertemplate":
            if text not in TEMPLATES:
                found.append(f"{path}: {text}")
            continue
        if key == "texttemplate":
            found.append(f"{path}: {text}")
        if key in _UNDRAWN:
            continue
        if "<" in _OWN_TAGS.sub("", text) or any(payload in text for payload in raw):
            found.append(f"{path}: {text}")
    return found


def escaped_in_plotly(text: str) -> str:
    """``text`` as the chart builders write it (plotly pseudo-HTML escaped)."""
    return html.escape(text, quote=False)
