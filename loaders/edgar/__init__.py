"""EDGAR filings -> graph records.

``load_filings(root, known)`` reads an EDGAR-layout directory (companyfacts
JSON, submissions JSON, filing documents) and returns what the filings add
to the curated records: sources, facts, relationship edges, new companies
and skipped files. ``live.fetch`` mirrors EDGAR into that layout.
"""

from .load import load_filings

__all__ = ["load_filings"]
