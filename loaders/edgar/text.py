"""Turn a filing document into plain text, and plain text into sentences.

HTML goes through a small lxml renderer (``html_to_text``), which renders
table rows as lines and drops the hidden inline-XBRL header;
plain-text renderings and SGML submissions are read as they are. Character
offsets in locators refer to this text.

Examples
--------
>>> [s.text for s in sentences("We buy memory from SK Hynix Inc., Micron Technology, Inc. and Samsung. Revenue was $2.3 billion.")]
['We buy memory from SK Hynix Inc., Micron Technology, Inc. and Samsung.', 'Revenue was $2.3 billion.']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Sentence", "html_to_text", "normalize_text", "sentences", "sgml_documents"]


def normalize_text(text: str) -> str:
    """Unix newlines, non-breaking spaces as spaces; offsets are taken after this.

    >>> normalize_text("a\\r\\nb\\u00a0c")
    'a\\nb c'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")


_BLOCKS = frozenset({"p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "center", "blockquote", "pre", "body"})
_CELLS = frozenset({"td", "th"})


def html_to_text(html: str) -> str:
    """Readable text of an HTML filing document: one line per paragraph, table row or heading.

    A block element (paragraph, div, list item, heading, table row) that holds
    no other block is one line; a table row's cells are joined by spaces.
    lxml does it in a tenth of a second for a 2 MB 10-K (edgartools'
    renderer took 1.5 s), which is most of what loading filings costs.

    >>> html_to_text("<html><body><div><p>We make <b>GPUs</b>.</p><p>Item 1A. Risk</p></div>"
    ...              "<table><tr><td>Revenue</td><td>130,497</td></tr></table></body></html>")
    'We make GPUs.\\nItem 1A. Risk\\nRevenue 130,497'
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html.encode("utf-8") if isinstance(html, str) else html)
    except (etree.ParserError, ValueError):
        return normalize_text(re.sub(r"<[^>]+>", " ", html))
    for bad in root.xpath("//script|//style|//*[local-name()='header']|//*[local-name()='hidden']"):
        bad.drop_tree()
    # a block is a line when no block lies inside it
    has_block: set[Any] = set()
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.split("}")[-1].lower() in _BLOCKS:
            parent = el.getparent()
            while parent is not None and parent not in has_block:
                has_block.add(parent)
                parent = parent.getparent()
    lines = []
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower() if isinstance(el.tag, str) else ""
        if tag not in _BLOCKS or el in has_block:
            continue
        if tag == "tr":
            cells = [" ".join(c.text_content().split()) for c in el if isinstance(c.tag, str) and c.tag.lower() in _CELLS]
            line = " ".join(c for c in cells if c)
        else:
            line = " ".join(el.text_content().split())
        if line:
            lines.append(line)
    return normalize_text("\n".join(lines))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


# Abbreviations that end in a period but do not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?:Inc|Co|Corp|Ltd|No|Nos|vs|etc|Mr|Ms|Dr|Jr|Sr|St|Ave|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|e\.g|i\.e|U\.S|S\.A|N\.V|B\.V|L\.P|p\.m|a\.m)\.)$"
)
# Paragraphs are single lines in both renderings, so a newline always ends a sentence.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?[ \t]+(?=[\"“(]?[A-Z0-9$])|[ \t]*\n\s*")


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[Sentence]:
    """Sentences of ``text[start:end]`` with absolute offsets; whitespace collapsed in ``.text``."""
    end = len(text) if end is None else end
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        head = text[pos : m.start()]
        if "\n" not in m.group(0) and _ABBREV.search(head):
            continue
        piece = " ".join(head.split())
        if piece:
            yield Sentence(pos, m.start(), piece)
        pos = m.end()
    piece = " ".join(text[pos:end].split())
    if piece:
        yield Sentence(pos, end, piece)


_DOC = re.compile(r"<DOCUMENT>(.*?)</DOCUMENT>", re.S | re.I)
_TAG = re.compile(r"^<(TYPE|FILENAME|DESCRIPTION)>([^\n<]*)", re.M | re.I)


def sgml_documents(submission: str) -> list[dict[str, str]]:
    """The documents inside an EDGAR full-submission text file: type, filename, body.

    >>> sgml_documents("<DOCUMENT>\\n<TYPE>8-K\\n<FILENAME>a.htm\\n<TEXT>hi</TEXT>\\n</DOCUMENT>")[0]["type"]
    '8-K'
    """
    docs = []
    for m in _DOC.finditer(submission):
        body = m.group(1)
        tags = {k.lower(): v.strip() for k, v in _TAG.findall(body)}
        text = re.search(r"<TEXT>(.*?)</TEXT>", body, re.S | re.I)
        docs.append({**tags, "body": text.group(1) if text else body})
    return docs
