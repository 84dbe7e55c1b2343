"""The printed book's bookmarks, metadata and structure ids (``sonla pdf``, :mod:`sonla.build.pdf`).

:func:`finish` takes the PDF Chromium printed and adds the bookmarks (parts, chapters, their
sections) and the metadata with every date set to the commit's, renumbers Chromium's
run-dependent structure ids and derives the file identifier from the content, so that the same
commit, tools and fonts give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from typing import Protocol

from ..errors import SonlaError

__all__ = ["finish", "renumber_structure_ids"]


class EditionLike(Protocol):
    """What :func:`finish` reads of an edition (:class:`sonla.build.pdf.Edition`)."""

    @property
    def date(self) -> dt.datetime: ...

    @property
    def label(self) -> str: ...


def _pdf_date(when: dt.datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def renumber_structure_ids(writer) -> int:
    """Give the tagged PDF's structure elements IDs in tree order; return how many.

    Chromium names them after its internal DOM node numbers (``node00000046``), which differ from
    one run to the next. The IDs are only referenced by table cells (``/Headers``) and by the
    ``/IDTree``, which are rewritten to match, so the structure is unchanged.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

    tree = writer._root_object.get("/StructTreeRoot")
    if tree is None:
        return 0
    tree = tree.get_object()
    renamed: dict[str, str] = {}
    elements = []
    stack, seen = [tree.get("/K")], set()
    while stack:  # depth first, in /K order
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
        node = node.get_object() if node is not None else None
        if isinstance(node, ArrayObject):
            stack.extend(reversed(node))
        elif isinstance(node, DictionaryObject) and node.get("/Type", "/StructElem") == "/StructElem":
            if "/ID" in node:
                new = f"s{len(renamed) + 1:08d}"
                renamed[str(node["/ID"])] = new
                node[NameObject("/ID")] = TextStringObject(new)
                elements.append((new, node))
            if "/K" in node:
                stack.append(node["/K"])
    for obj in _structure_attributes(tree):
        headers = obj.get("/Headers")
        if isinstance(headers, ArrayObject):
            obj[NameObject("/Headers")] = ArrayObject(
                TextStringObject(renamed.get(str(h), str(h))) for h in headers)
    if "/IDTree" in tree:
        # Rewritten in place, as one node holding every name (the old leaves are emptied, not
        # dropped: pypdf writes every object it cloned).
        names = ArrayObject()
        for new, node in sorted(elements, key=lambda pair: pair[0]):
            names.extend([TextStringObject(new), node.indirect_reference or node])
        id_tree = tree["/IDTree"].get_object()
        stack = [id_tree]
        while stack:
            node = stack.pop()
            stack.extend(kid.get_object() for kid in node.get("/Kids", []))
            node.clear()
        id_tree[NameObject("/Names")] = names
    return len(renamed)


def _structure_attributes(tree) -> Iterator:
    """Every attribute dictionary (``/A``) of every structure element under ``tree``."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack, seen = [tree.get("/K")], set()
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
        node = node.get_object() if node is not None else None
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, DictionaryObject):
            attributes = node.get("/A")
            attributes = attributes.get_object() if attributes is not None else None
            for item in attributes if isinstance(attributes, ArrayObject) else [attributes]:
                item = item.get_object() if item is not None else None
                if isinstance(item, DictionaryObject):
                    yield item
            if "/K" in node:
                stack.append(node["/K"])


def finish(pdf: bytes, found: dict, dests: dict, meta: dict, ed: EditionLike, browser: str) -> bytes:
    """Add bookmarks and metadata; every date is the commit's (``ed.date``), so the bytes are reproducible."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, Fit, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    renumber_structure_ids(writer)

    def add(title: str, anchor: str, parent=None, bold: bool = False):
        page, left, top = dests.get(anchor, (None, None, None))
        if page is None:
            raise SonlaError(f"no destination for {anchor!r} ({title}) in the printed PDF")
        return writer.add_outline_item(title=title, page_number=page, parent=parent, bold=bold,
                                       fit=Fit.xyz(left=left, top=top), is_open=False)

    if "pdf-contents" in dests:
        add("Contents", "pdf-contents")
    parent, current_part = None, None
    for chapter in found["chapters"]:
        if chapter["part"] is None:
            parent, current_part = None, None
        elif chapter["part"] != current_part:
            current_part = chapter["part"]
            parent = add(chapter["partLabel"], chapter["anchor"], bold=True)
        item = add(chapter["title"], chapter["anchor"], parent=parent)
        for section in chapter["sections"]:
            add(section["title"], section["id"], parent=item)

    stamp = _pdf_date(ed.date)
    writer.add_metadata({
        "/Title": meta["full_title"],
        "/Author": meta["authors"],
        "/Subject": meta["abstract"],
        "/Keywords": ", ".join(meta["keywords"]),
        "/Creator": f"make pdf: Jupyter Book single-page HTML, {ed.label}",
        "/Producer": f"Chromium {browser} (Skia/PDF), pypdf",
        "/CreationDate": stamp,
        "/ModDate": stamp,
    })
    writer.page_mode = "/UseOutlines"
    # The file identifier is the md5 of the file written with a blank one (the same bytes give
    # the same identifier; Chromium writes none, a viewer would otherwise make up a random one).
    blank = ByteStringObject(bytes(16))
    writer._ID = ArrayObject([blank, blank])
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    placeholder = b"<" + b"00" * 16 + b">"
    if data.count(placeholder) != 2:
        raise SonlaError("could not place the PDF's file identifier")
    ident = b"<" + hashlib.md5(data).hexdigest().encode() + b">"  # noqa: S324 - an identifier
    return data.replace(placeholder, ident)
