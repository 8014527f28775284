"""Ingest on real files made at test time: kinds, pages, images, text input, bad input."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from pipeline.errors import BadInputError
from pipeline.ingest import count_pages, detect_kind, iter_page_images, read_text_document
from pipeline.render import render_document

A4_100DPI = (827, 1169)


def _pages(n: int) -> list[Image.Image]:
    paragraphs = [f"Trang số {i + 1}: nội dung thử nghiệm của văn bản hướng dẫn." for i in range(n)]
    pages = [render_document([p], dpi=100)[0].image for p in paragraphs]
    return pages


def test_multipage_pdf_is_rendered_one_page_at_a_time(tmp_path: Path) -> None:
    pages = _pages(3)
    pdf = tmp_path / "scan.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=100)
    assert detect_kind(pdf) == "pdf"
    assert count_pages(pdf, "pdf") == 3
    seen = []
    for number, image, dpi in iter_page_images(pdf, "pdf", dpi=100):
        assert image.mode in ("RGB", "L") and dpi == 100
        assert abs(image.width - A4_100DPI[0]) <= 2 and abs(image.height - A4_100DPI[1]) <= 2
        seen.append(number)
    assert seen == [1, 2, 3]


def test_multipage_tiff_keeps_its_resolution(tmp_path: Path) -> None:
    pages = [p.resize((1654, 2339)) for p in _pages(2)]
    tif = tmp_path / "fax.tif"
    pages[0].convert("1").save(
        tif,
        save_all=True,
        append_images=[p.convert("1") for p in pages[1:]],
        dpi=(200, 200),
        compression="group4",
    )
    assert detect_kind(tif) == "tiff"
    assert count_pages(tif, "tiff") == 2
    frames = list(iter_page_images(tif, "tiff"))
    assert [n for n, _, _ in frames] == [1, 2]
    assert all(dpi == 200 and img.mode == "L" for _, img, dpi in frames)


def test_kind_comes_from_bytes_and_exif_orientation_is_applied(tmp_path: Path) -> None:
    image = Image.new("RGB", (300, 200), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: display turned 90° clockwise
    photo = tmp_path / "photo.png.jpg"
    image.save(photo, "JPEG", exif=exif, dpi=(72, 72))
    misnamed = tmp_path / "really_png.jpg"
    image.save(misnamed, "PNG")
    assert detect_kind(misnamed) == "image"
    assert detect_kind(photo) == "image"
    [(number, upright, dpi)] = list(iter_page_images(photo, "image"))
    assert number == 1 and upright.size == (200, 300)
    assert dpi == 72  # 300 px at 72 dpi is a plausible 4-inch photo


def test_image_without_dpi_defaults_to_300(tmp_path: Path) -> None:
    path = tmp_path / "page.png"
    Image.new("L", (2480, 3508), 255).save(path)
    [(_, _, dpi)] = list(iter_page_images(path, "image"))
    assert dpi == 300


def test_text_document_round_trips_lines(tmp_path: Path) -> None:
    path = tmp_path / "ocr.txt"
    decomposed = "Ho\u0302\u0323i nghi\u0323"  # "Hội nghị" in NFD
    path.write_bytes(("\ufeff" + decomposed + "\r\n\r\nDòng ba\n").encode("utf-8"))
    assert detect_kind(path) == "text"
    doc = read_text_document(path)
    assert doc.kind == "text" and len(doc.pages) == 1
    assert [line.id for line in doc.lines] == ["p1-l1", "p1-l2", "p1-l3"]
    assert [line.text for line in doc.lines] == ["Hội nghị", "", "Dòng ba"]
    assert doc.text() == "Hội nghị\n\nDòng ba"
    assert all(line.bbox is None for line in doc.lines)


def _png_header_only(path: Path, width: int, height: int) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "name, make, reason",
    [
        ("empty.pdf", lambda p: p.write_bytes(b""), "empty"),
        (
            "notes.png",
            lambda p: p.write_text("Không phải ảnh\n", encoding="utf-8"),
            "contains text",
        ),
        ("blob.bin", lambda p: p.write_bytes(bytes(range(256)) * 8), "unknown format"),
        ("bomb.png", lambda p: _png_header_only(p, 40000, 40000), "decompression bomb"),
        ("cut.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "image"),
        ("dot.png", lambda p: _png_header_only(p, 2, 2), r"too small to hold text \(2×2 pixels\)"),
        ("stamp.pdf", lambda p: Image.new("L", (3, 3), 255).save(p), "page rendered at 300 dpi"),
    ],
)
def test_bad_input_names_the_file(tmp_path: Path, name, make, reason) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(BadInputError, match=reason) as caught:
        detect_kind(path)
    assert name in str(caught.value)


def test_a_frame_too_small_to_hold_text_is_named(tmp_path: Path) -> None:
    """A multi-page TIFF whose later frame is a few pixels (a broken export) is refused, by page."""
    tif = tmp_path / "scan.tif"
    Image.new("L", (400, 300), 255).save(tif, save_all=True, append_images=[Image.new("L", (5, 5))])
    with pytest.raises(BadInputError, match=r"page 2 is too small to hold text \(5×5 pixels\)"):
        list(iter_page_images(tif, "tiff"))


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    pdf = tmp_path / "cut.pdf"
    pages = _pages(2)
    pages[0].save(pdf, save_all=True, append_images=pages[1:])
    pdf.write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 2])
    with pytest.raises(BadInputError, match="truncated") as caught:
        detect_kind(pdf)
    assert "cut.pdf" in str(caught.value)


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    plain, locked = tmp_path / "plain.pdf", tmp_path / "locked.pdf"
    _pages(1)[0].save(plain)
    try:
        subprocess.run(
            [
                "gs",
                "-q",
                "-dNOPAUSE",
                "-dBATCH",
                "-sDEVICE=pdfwrite",
                "-sOwnerPassword=o",
                "-sUserPassword=u",
                f"-sOutputFile={locked}",
                str(plain),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("ghostscript not available to make an encrypted PDF")
    with pytest.raises(BadInputError, match="password") as caught:
        detect_kind(locked)
    assert "locked.pdf" in str(caught.value)


def test_undecodable_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Hà Nội ".encode() + b"\xe0\xe1\xe2 TCVN3 \xb8\xb9")
    with pytest.raises(BadInputError, match="legacy.txt"):
        if detect_kind(path) == "text":
            read_text_document(path)
