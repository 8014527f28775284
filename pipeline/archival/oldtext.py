"""Remove an earlier invisible OCR text layer from a PDF page before ours goes on.

Archives hold PDFs that OCRmyPDF or a scanner already made "searchable" with raw OCR
text, lost marks and garbles included. vidoc reads such a page from its image, so the
old layer would stay searchable beside the repaired one (the garbled form would still
match). Text drawn in render mode 3 (invisible) is dropped from the page's content and
from the forms it draws; visible text, images and vector art are kept byte for byte.
"""

from __future__ import annotations

import logging
from typing import Any

import pikepdf
from pikepdf import Name, Operator

log = logging.getLogger(__name__)

_SHOW = {Operator(op) for op in ("Tj", "TJ", "'", '"')}


def _filter(instructions: list[Any]) -> tuple[list[Any], int]:
    """Instructions without BT…ET blocks whose every text show is invisible; count dropped."""
    out: list[Any] = []
    block: list[Any] | None = None
    render_mode, stack = 0, []
    shows = invisible = dropped = 0
    for item in instructions:
        op = getattr(item, "operator", None)
        if op == Operator("q"):
            stack.append(render_mode)
        elif op == Operator("Q") and stack:
            render_mode = stack.pop()
        elif op == Operator("Tr"):
            render_mode = int(item.operands[0])
        if op == Operator("BT"):
            block, shows, invisible = [item], 0, 0
            continue
        if block is not None:
            block.append(item)
            if op in _SHOW:
                shows += 1
                invisible += render_mode == 3
            if op == Operator("ET"):
                if shows and shows == invisible:
                    dropped += 1
                else:
                    out.extend(block)
                block = None
            continue
        out.append(item)
    if block is not None:
        out.extend(block)
    return out, dropped


def _clean_stream(pdf: pikepdf.Pdf, owner: pikepdf.Object, is_page: bool) -> int:
    """Filter one content stream; drop font resources nothing uses any more."""
    instructions: list[Any] = list(pikepdf.parse_content_stream(owner))
    kept, dropped = _filter(instructions)
    if not dropped:
        return 0
    data = pikepdf.unparse_content_stream(kept)  # type: ignore[arg-type]
    if is_page:
        owner.Contents = pdf.make_stream(data)
    else:
        owner.write(data)
    used = {str(i.operands[0]) for i in kept if getattr(i, "operator", None) == Operator("Tf")}
    resources: Any = owner.get(Name.Resources, {})
    fonts = resources.get(Name.Font)
    if isinstance(fonts, pikepdf.Dictionary):
        for key in list(fonts.keys()):
            if key not in used:
                del fonts[key]
    return dropped


def remove_invisible_text(pdf: pikepdf.Pdf, page: pikepdf.Page, label: str) -> int:
    """Drop invisible text from `page` and the forms it uses; return blocks removed."""
    dropped = _clean_stream(pdf, page.obj, is_page=True)
    resources: Any = page.obj.get(Name.Resources, {})
    xobjects: Any = resources.get(Name.XObject, {})
    for xobject in xobjects.values():
        if isinstance(xobject, pikepdf.Stream) and xobject.get(Name.Subtype) == Name.Form:
            dropped += _clean_stream(pdf, xobject, is_page=False)
    if dropped:
        log.warning("%s: removed an earlier invisible text layer (%d text blocks)", label, dropped)
    return dropped
