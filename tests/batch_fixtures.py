"""Real input files made at test time for the batch tests: good pages and every bad kind."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
LINES = ["Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do - Hạnh phúc",
         "Kế hoạch thực hiện năm 2024"]


def page_image(lines: list[str] = LINES, width: int = 1600) -> Image.Image:
    """A small clean page (300 dpi text) that Tesseract reads in well under a second."""
    font = ImageFont.truetype(str(FONT), 42)
    image = Image.new("L", (width, 120 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, text in enumerate(lines):
        draw.text((80, 60 + index * 90), text, font=font, fill=0)
    return image


def write_png(path: Path, lines: list[str] = LINES) -> Path:
    page_image(lines).save(path, dpi=(300, 300))
    return path


def write_pdf(path: Path, pages: int = 1) -> Path:
    images = [page_image([f"Trang {n}: " + LINES[0], LINES[1]]) for n in range(1, pages + 1)]
    images[0].save(path, resolution=300, save_all=True, append_images=images[1:])
    return path


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write_bad_files(folder: Path) -> dict[str, str]:
    """Every bad kind of input; returns file name → a word the error reason must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    good_pdf = write_pdf(folder / "tmp-source.pdf")
    data = good_pdf.read_bytes()
    expected = {}
    (folder / "zero.pdf").write_bytes(b"")
    expected["zero.pdf"] = "empty"
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    expected["truncated.pdf"] = "PDF"
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    expected["corrupt.pdf"] = "PDF"
    if shutil.which("gs"):
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite",
                        "-sOwnerPassword=owner", "-sUserPassword=user",
                        f"-sOutputFile={folder / 'locked.pdf'}", str(good_pdf)], check=True)
        expected["locked.pdf"] = "password"
    good_pdf.unlink()
    (folder / "lying.png").write_text("Đây là văn bản, không phải ảnh\n", encoding="utf-8")
    expected["lying.png"] = "png"
    (folder / "garbage.txt").write_bytes(bytes(range(128, 256)) * 4)
    expected["garbage.txt"] = "garbage.txt"
    header = struct.pack(">IIBBBBB", 40000, 40000, 1, 0, 0, 0, 0)
    (folder / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
                                      + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 100))
                                      + _png_chunk(b"IEND", b""))
    expected["bomb.png"] = "bomb"
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    (folder / "speck.png").write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
                                       + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff"))
                                       + _png_chunk(b"IEND", b""))
    expected["speck.png"] = "too small"  # a 1×1 export: leaked an OpenCV assertion
    if os.geteuid() != 0:  # root reads any file whatever its mode
        locked = folder / "unreadable.txt"
        locked.write_text("Độc lập\n", encoding="utf-8")
        locked.chmod(0)
        expected["unreadable.txt"] = "readable"
    return expected
