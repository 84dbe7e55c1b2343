"""The building blocks of the published schema: a column, a table, a family of text files."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["Field", "Table", "TextFile", "_field"]


@dataclass(frozen=True)
class Field:
    """One column: Table Schema ``type``, optional ``constraints`` and a description for readers."""

    name: str
    type: str
    description: str
    constraints: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    vocabulary: str = ""  # a rule vocabulary (see sonla.datapackage.VOCABULARIES) that is the enum


def _field(name: str, type_: str, description: str, vocabulary: str = "", **constraints: object) -> Field:
    return Field(name, type_, description, MappingProxyType(constraints), vocabulary)


@dataclass(frozen=True)
class Table:
    """One published CSV: file name, title, description, fields in column order, primary key."""

    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    # Rows measured against hand annotations (data/annotations/): a project without them
    # publishes the table with its header only, which is no loss of the record.
    from_annotations: bool = False

    @property
    def name(self) -> str:
        return self.path.removesuffix(".csv")

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class TextFile:
    """Plain-text files published one per source: ``pattern`` with ``{source_id}``."""

    pattern: str
    title: str
    description: str

    def path_for(self, source_id: str) -> str:
        """The file name of this family for one source.

        >>> TextFile("{source_id}.repaired.txt", "", "").path_for("appendix-ocr")
        'appendix-ocr.repaired.txt'
        """
        return self.pattern.format(source_id=source_id)

    def source_of(self, path: str) -> str | None:
        """The source id of a file name of this family, or None.

        >>> repaired = TextFile("{source_id}.repaired.txt", "", "")
        >>> repaired.source_of("appendix-ocr.repaired.txt"), repaired.source_of("claims.csv")
        ('appendix-ocr', None)
        """
        head, _, tail = self.pattern.partition("{source_id}")
        if path.startswith(head) and path.endswith(tail) and len(path) > len(head) + len(tail):
            return path[len(head):len(path) - len(tail)]
        return None
