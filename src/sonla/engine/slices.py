"""Parts of the outputs: encoded where they are made, checked and put together on the client.

A table's part is encoded as CSV rows (:class:`Slice`); the client concatenates the slices of a
table after one header, in the order of their units, which gives the bytes the serial engine
writes, provided the slices agree on the numeric kind of each column (an integer column that is
float in another part would print ``5`` here and ``5.0`` in the whole table) and no primary key
appears in two of them: :func:`assemble` checks both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import SonlaError
from ..schema import TABLES

__all__ = ["Slice", "encode_rows", "publish", "assemble", "chunks", "keys_of", "kinds_of"]


def encode_rows(frame) -> tuple[bytes, bytes]:
    """(header line, rows) of a DataFrame as :func:`sonla.pipeline.encode` writes it."""
    text = frame.to_csv(index=False, lineterminator="\n")
    header, _, body = text.partition("\n")
    return (header + "\n").encode("utf-8"), body.encode("utf-8")


def kinds_of(frame) -> dict[str, str]:
    """The numeric kind of each column ('i' integer, 'f' float, 'b' bool, 'O' anything else):
    slices of one table that disagree on it would not print as the whole table prints."""
    return {name: dtype.kind if dtype.kind in "ifb" else "O" for name, dtype in frame.dtypes.items()}


def keys_of(name: str, frame) -> list[list[str]]:
    """The values of the table's primary key and of its unique fields, per row, as text."""
    table = TABLES.get(name)
    if table is None or not len(frame):
        return []
    keys = [list(table.primary_key)] if table.primary_key else []
    keys += [[f.name] for f in table.fields if f.constraints.get("unique") and [f.name] not in keys]
    return [["\x1f".join(map(str, values)) for values in zip(*(frame[c].tolist() for c in key), strict=True)]
            for key in keys]


@dataclass
class Slice:
    """One part of one output: where it goes (its unit's position), its CSV rows (tables) or its
    bytes (text files), and what the client checks across slices."""

    name: str
    position: int
    header: bytes = b""
    body: bytes = b""
    rows: int = 0
    kinds: dict = field(default_factory=dict)
    keys: list = field(default_factory=list)
    whole_file: bool = False


def publish(name: str, position: int, content: object) -> Slice:
    """Encode one part of an output where it was made."""
    import pandas as pd

    if isinstance(content, pd.DataFrame):
        header, body = encode_rows(content)
        return Slice(name, position, header, body, len(content), kinds_of(content), keys_of(name, content))
    if isinstance(content, str):
        content = content.encode("utf-8")
    if not isinstance(content, bytes):
        raise SonlaError(f"{name}: an output must be a DataFrame, text or bytes, "
                         f"not {type(content).__name__}")
    return Slice(name, position, body=content, whole_file=True)


def assemble(slices: list[Slice]) -> dict[str, bytes]:
    """Every output's bytes: the slices of a table in order of their unit, after one header."""
    by_name: dict[str, list[Slice]] = {}
    for part in slices:
        by_name.setdefault(part.name, []).append(part)
    published = {}
    # tables first, then the text files in the order of their units (as the serial stages write them)
    for name, parts in sorted(by_name.items(), key=lambda item: (item[1][0].whole_file,
                                                                 min(p.position for p in item[1]))):
        if parts[0].whole_file:
            if len(parts) > 1:
                raise SonlaError(f"{name}: written by {len(parts)} parts of a stage (a file is one part's)")
            published[name] = parts[0].body
            continue
        parts.sort(key=lambda s: s.position)
        _check_slices(name, parts)
        published[name] = parts[0].header + b"".join(p.body for p in parts)
    return published


def _check_slices(name: str, parts: list[Slice]) -> None:
    """Slices of one table print as the whole table would: same header, no integer column that is
    float in another slice; no primary-key (or unique) value in two slices."""
    headers = {p.header for p in parts}
    if len(headers) > 1:
        raise SonlaError(f"{name}: its parts have different columns")
    filled = [p for p in parts if p.rows]
    for column in filled[0].kinds if filled else []:
        kinds = {p.kinds[column] for p in filled}
        if len(kinds & {"i", "f", "b"}) > 1:
            names = {"i": "integers", "f": "floats", "b": "booleans", "O": "text"}
            raise SonlaError(f"{name}: column {column} holds {' or '.join(names[k] for k in sorted(kinds))} "
                             "in different parts; they would not print as the whole table does "
                             "(the stage's split is wrong)")
    for number in range(max((len(p.keys) for p in filled), default=0)):
        seen: set[str] = set()
        for part in filled:
            values = part.keys[number]
            if not seen.isdisjoint(values):
                value = next(v for v in values if v in seen)
                raise SonlaError(f"{name}: key {value.replace(chr(31), ', ')!r} appears in two parts "
                                 "(a primary key or unique field repeated)")
            seen.update(values)


def chunks(frame, rows: int = 20_000) -> Iterator:
    for start in range(0, len(frame), rows):
        yield frame.iloc[start:start + rows]


