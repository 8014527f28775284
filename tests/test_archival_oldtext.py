"""An earlier invisible OCR layer is removed from PDF pages; visible text and images stay."""

from __future__ import annotations

import pikepdf
from pikepdf import Dictionary, Name

from pipeline.archival.oldtext import remove_invisible_text


def _page_with_layers() -> tuple[pikepdf.Pdf, pikepdf.Page]:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    helvetica = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    bold = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/Helvetica-Bold"))
    form = pdf.make_stream(b"BT 3 Tr /F9 10 Tf 10 10 Td (cac nuroc) Tj ET")
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, [0, 0, 200, 200]
    form.Resources = Dictionary(Font=Dictionary(F9=helvetica))
    page.obj.Resources = Dictionary(
        Font=Dictionary(F1=helvetica, F2=bold), XObject=Dictionary(Fm1=form)
    )
    page.obj.Contents = pdf.make_stream(
        b"q 0 0 1 rg 10 10 50 50 re f Q\n"
        b"BT 3 Tr /F1 12 Tf 20 150 Td (thanh vien) Tj ET\n"
        b"BT 0 Tr /F2 12 Tf 20 100 Td (Visible heading) Tj ET\n"
        b"q /Fm1 Do Q\n"
    )
    return pdf, page


def test_invisible_blocks_go_visible_text_and_drawing_stay() -> None:
    pdf, page = _page_with_layers()
    assert remove_invisible_text(pdf, page, "test p1") == 2
    content = page.obj.Contents.read_bytes()
    assert b"thanh vien" not in content and b"Visible heading" in content and b"re" in content
    assert b"nuroc" not in page.obj.Resources.XObject.Fm1.read_bytes()
    assert list(page.obj.Resources.Font.keys()) == ["/F2"], "the unused font resource goes too"


def test_a_page_without_invisible_text_is_left_as_it_is() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    original = b"BT /F2 12 Tf 20 100 Td (Visible) Tj ET"
    page.obj.Contents = pdf.make_stream(original)
    assert remove_invisible_text(pdf, page, "test p1") == 0
    assert page.obj.Contents.read_bytes() == original
