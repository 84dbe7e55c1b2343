"""Exceptions that name what was wrong and where, for clear messages at the CLI."""

from __future__ import annotations

__all__ = ["SonlaError", "SourceError", "ManifestError"]


class SonlaError(Exception):
    """Base class: a problem a user can fix, reported without a traceback by the CLIs."""


class ManifestError(SonlaError):
    """The source manifest (``data/raw/sources.csv``) is malformed; the message names the row."""


class SourceError(SonlaError):
    """A raw source file is missing, altered, empty or not UTF-8; the message names the file."""
