"""A partial PDF/A-2b check with pikepdf: what our writer promises, verified on the file.

veraPDF (the reference validator) is not available here. This checks the parts of
ISO 19005-2 level B that a writer most often gets wrong: the header, no encryption,
a trailer /ID, XMP identification (pdfaid:part 2, conformance B), a GTS_PDFA1 output
intent with an embedded ICC profile, every font embedded, no LZW, no JavaScript or
launch actions, no embedded files, no interpolated images. It does NOT check colour
spaces against the output intent in depth, XMP schema extensions, font-program internals
(glyph widths vs. the font's metrics), or annotation appearance streams.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Name


def _resources_fonts(resources: Any, seen: set[tuple[int, int]]) -> Iterator[pikepdf.Object]:
    """Fonts in a resource dictionary and in the forms it uses, recursively."""
    if not isinstance(resources, pikepdf.Dictionary):
        return
    fonts = resources.get(Name.Font)
    if isinstance(fonts, pikepdf.Dictionary):
        yield from fonts.values()
    xobjects = resources.get(Name.XObject)
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobject in xobjects.values():
            if xobject.get(Name.Subtype) == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield from _resources_fonts(xobject.get(Name.Resources), seen)


def _font_embedded(font: pikepdf.Object) -> bool:
    if font.get(Name.Subtype) == Name.Type0:
        return all(_font_embedded(d) for d in font.get(Name.DescendantFonts, []))
    if font.get(Name.Subtype) == Name.Type3:
        return True
    descriptor = font.get(Name.FontDescriptor)
    if not isinstance(descriptor, pikepdf.Dictionary):
        return False
    return any(key in descriptor for key in (Name.FontFile, Name.FontFile2, Name.FontFile3))


def check_pdfa(path: Path) -> list[str]:
    """Problems found (empty list: every checked PDF/A-2b rule holds)."""
    problems: list[str] = []
    head = Path(path).read_bytes()[:32]
    if not re.match(rb"%PDF-1\.[0-7]", head):
        problems.append("header is not %PDF-1.0 … 1.7")
    second = head.split(b"\n", 2)[1] if head.count(b"\n") >= 1 else b""
    if not (second.startswith(b"%") and sum(byte > 127 for byte in second[1:5]) == 4):
        problems.append("no binary comment after the header")
    with pikepdf.open(path) as pdf:
        if pdf.is_encrypted or Name.Encrypt in pdf.trailer:
            problems.append("encrypted")
        if Name.ID not in pdf.trailer:
            problems.append("trailer has no /ID")
        meta = pdf.open_metadata()
        if meta.get("pdfaid:part") != "2" or meta.get("pdfaid:conformance") != "B":
            problems.append(
                f"XMP pdfaid is part={meta.get('pdfaid:part')} "
                f"conformance={meta.get('pdfaid:conformance')}"
            )
        metadata = pdf.Root.get(Name.Metadata)
        if not isinstance(metadata, pikepdf.Stream) or Name.Filter in metadata:
            problems.append("XMP metadata stream missing or filtered")
        intents = [
            i for i in pdf.Root.get(Name.OutputIntents, []) if i.get(Name.S) == Name.GTS_PDFA1
        ]
        if not intents:
            problems.append("no GTS_PDFA1 output intent")
        elif not isinstance(intents[0].get(Name.DestOutputProfile), pikepdf.Stream):
            problems.append("output intent has no embedded ICC profile")
        names = pdf.Root.get(Name.Names)
        if isinstance(names, pikepdf.Dictionary) and (
            Name.JavaScript in names or Name.EmbeddedFiles in names
        ):
            problems.append("JavaScript or embedded files in the name tree")
        seen: set[tuple[int, int]] = set()
        for number, page in enumerate(pdf.pages, start=1):
            for font in _resources_fonts(page.obj.get(Name.Resources), seen):
                if not _font_embedded(font):
                    problems.append(f"page {number}: font {font.get(Name.BaseFont)} not embedded")
            if Name.AA in page.obj:
                problems.append(f"page {number}: additional actions")
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                raw: Any = obj.get(Name.Filter)
                filters = list(raw) if isinstance(raw, pikepdf.Array) else [raw]
                if Name.LZWDecode in filters:
                    problems.append(f"object {obj.objgen}: LZW compression")
                if obj.get(Name.Interpolate) is True:
                    problems.append(f"object {obj.objgen}: interpolated image")
            elif isinstance(obj, pikepdf.Dictionary) and obj.get(Name.S) in (
                Name.JavaScript,
                Name.Launch,
            ):
                problems.append(f"object {obj.objgen}: {obj.get(Name.S)} action")
    return problems
