"""Company names as keys: one module, one normaliser per purpose.

Two purposes want different keys from the same name, and used to live in
two modules with near-identical names that disagreed without saying why:

- :func:`lookup_key` matches what a **person typed** against the graph
  (``chainshock facts micron``). It is loose: it drops legal suffixes and
  generic words (``technology``, ``electronics``, ``platforms``) anywhere,
  because a person who types "micron" means Micron Technology, and the
  candidates are the graph's few hundred nodes, ranked and checked for
  ambiguity by :func:`chainshock.graph.lookup.resolve_node`.
- :func:`entity_key` matches a name **found in a filing** against known
  companies (:mod:`chainshock.graph.resolve`). It is strict: it keeps every
  word that could tell two firms apart ("Micron Technology" is not "Micron
  Solutions") and drops only trailing legal forms, a leading "the" and
  EDGAR's state tag (``NVIDIA CORP/CA``); a wrong link there is silent.
- :func:`slug` turns a name into the readable part of a node id.

Examples
--------
>>> lookup_key("Micron Technology, Inc."), entity_key("Micron Technology, Inc.")
('micron', 'micron technology')
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["entity_key", "lookup_key", "slug"]

_LOOKUP_DROP = re.compile(
    r"\b(incorporated|inc|corp|corporation|co|company|ltd|limited|plc|holdings?|group|"
    r"technology|technologies|electronics|platforms|the|sa|se|ag|nv|llc|lp)\b"
)

_LEGAL_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc",
    "llc", "lp", "l.p", "ag", "sa", "nv", "se", "bv", "holdings", "holding", "group", "the",
    "pbc", "kk",
}


def lookup_key(name: str) -> str:
    """The loose key a typed name is looked up by: lowercase, no punctuation, no suffixes.

    Parameters
    ----------
    name : str
        What the user typed, or a node's name or alias.

    Returns
    -------
    str
        Lowercase words without punctuation, legal suffixes or generic words.

    Examples
    --------
    >>> lookup_key("Micron Technology, Inc.")
    'micron'
    >>> lookup_key("Taiwan Semiconductor Manufacturing Company Limited")
    'taiwan semiconductor manufacturing'
    >>> lookup_key("AT&T")
    'at and t'
    """
    text = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and "))
    text = _LOOKUP_DROP.sub(" ", text)
    return " ".join(text.split())


def entity_key(name: str) -> str:
    """The strict key a filed name is resolved by: only legal forms and state tags dropped.

    Parameters
    ----------
    name : str
        A company name as a filing or EDGAR writes it.

    Returns
    -------
    str
        ASCII lowercase words, without trailing legal suffixes, a leading
        "the" or an EDGAR state tag.

    Examples
    --------
    >>> entity_key("Micron Technology, Inc.")
    'micron technology'
    >>> entity_key("AMAZON.COM, INC."), entity_key("NVIDIA CORP/CA")
    ('amazon com', 'nvidia')
    >>> entity_key("The Micron Technology, Inc.")
    'micron technology'
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"/[a-z]{2}$", "", text.lower().strip())  # EDGAR's state tags: "NVIDIA CORP/CA"
    words = re.findall(r"[a-z0-9]+", text.replace("&", " and "))
    while words and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def slug(name: str) -> str:
    """An id-safe slug of a name: ``"SK Hynix Inc."`` -> ``"sk-hynix"``.

    Parameters
    ----------
    name : str
        A company name.

    Returns
    -------
    str
        Lowercase words of :func:`entity_key` joined by ``-`` (``"unnamed"``
        when nothing is left).

    Examples
    --------
    >>> slug("Taiwan Semiconductor Manufacturing Company Limited"), slug("AMAZON.COM, INC.")
    ('taiwan-semiconductor-manufacturing', 'amazon')
    """
    norm = entity_key(name)
    norm = re.sub(r"\s+com$", "", norm)  # "amazon com" -> "amazon"
    out = re.sub(r"[^a-z0-9]+", "-", norm).strip("-")
    return out or "unnamed"
