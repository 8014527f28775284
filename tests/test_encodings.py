"""Legacy Vietnamese encodings: detection from the bytes, conversion, capitals, Edits.

Each case of tests/data/legacy_encoding_cases.tsv is encoded here with the test's own
encoder tables (written independently of the decoder's byte tables) and decoded back.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from pipeline.errors import BadInputError
from pipeline.legacy_encodings import is_vietnamese_syllable, restore_tcvn3_capitals
from pipeline.textio import decode_text, decode_text_bytes, read_text_document

CASES_FILE = Path(__file__).parent / "data" / "legacy_encoding_cases.tsv"
TONES = {"\u0300": "grave", "\u0301": "acute", "\u0303": "tilde", "\u0309": "hook",
         "\u0323": "dot"}


def load_cases() -> list[tuple[str, str, str]]:
    cases = []
    for raw in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        text, tcvn3, note = raw.split("\t")
        cases.append((text, text if tcvn3 == "=" else tcvn3, note))
    return cases


def split_letter(ch: str) -> tuple[str, str]:
    """'ộ' → ('ô', 'dot'); 'a' → ('a', '')."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = next((TONES[c] for c in decomposed if c in TONES), "")
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
    return base, tone


# --- the test's TCVN3 (ABC) encoder: one byte per lowercase letter -------------------------
TCVN3_ROWS = {  # base: bytes for (no tone, grave, hook, tilde, acute, dot)
    "a": ("a", 0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB), "e": ("e", 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "i": ("i", 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": ("o", 0xDF, 0xE1, 0xE2, 0xE3, 0xE4), "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE), "u": ("u", 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9), "y": ("y", 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
TCVN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
                  "đ": 0xAE}
TONE_ORDER = ("", "grave", "hook", "tilde", "acute", "dot")


def encode_tcvn3(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if ch.isascii():
            out += ch.encode()
            continue
        if ch in TCVN3_CAPITALS:
            out.append(TCVN3_CAPITALS[ch])
            continue
        base, tone = split_letter(ch.lower())  # ABC: marked capitals use the lowercase byte
        value = TCVN3_ROWS[base][TONE_ORDER.index(tone)]
        out += value.encode() if isinstance(value, str) else bytes([value])
    return bytes(out)


# --- the test's VNI-Windows encoder: base letter + mark character(s) in Windows-1252 -------
VNI_TONE = {"acute": "ù", "grave": "ø", "hook": "û", "tilde": "õ", "dot": "ï"}
VNI_HAT = {"": "â", "acute": "á", "grave": "à", "hook": "å", "tilde": "ã", "dot": "ä"}
VNI_BREVE = {"": "ê", "acute": "é", "grave": "è", "hook": "ú", "tilde": "ü", "dot": "ë"}
VNI_I = {"grave": "ì", "acute": "í", "hook": "æ", "tilde": "ó", "dot": "ò"}


def vni_letter(ch: str) -> str:
    base, tone = split_letter(ch)
    if base == "đ":
        return "ñ"
    if base == "i" and tone:
        return VNI_I[tone]
    if base == "y" and tone == "dot":
        return "î"
    if base in "âêô":
        return {"â": "a", "ê": "e", "ô": "o"}[base] + VNI_HAT[tone]
    if base == "ă":
        return "a" + VNI_BREVE[tone]
    plain = {"ơ": "ô", "ư": "ö"}.get(base, base)
    return plain + (VNI_TONE[tone] if tone else "")


def encode_vni(text: str) -> bytes:
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        elif ch.isupper():
            out.append(vni_letter(ch.lower()).upper())
        else:
            out.append(vni_letter(ch))
    return "".join(out).encode("cp1252")


# --- Windows-1258: base letter (maybe with its hat/breve/horn) + combining tone byte --------
def encode_cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        base, tone = split_letter(ch)
        if not tone:
            out += base.encode("cp1258")
        else:
            tone_mark = next(k for k, v in TONES.items() if v == tone)
            out += (base + tone_mark).encode("cp1258")
    return bytes(out)


ENCODERS = {"tcvn3": encode_tcvn3, "vni-windows": encode_vni, "windows-1258": encode_cp1258}
CASES = load_cases()
WHOLE_TEXT = "\n".join(text for text, _, _ in CASES)


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_whole_file_round_trip_detects_the_encoding(encoding: str) -> None:
    data = ENCODERS[encoding](WHOLE_TEXT)
    decoded = decode_text(data, "archive.txt")
    assert decoded.encoding == encoding
    expected = "\n".join(tcvn3 if encoding == "tcvn3" else text for text, tcvn3, _ in CASES)
    assert decoded.text == expected
    assert decoded.confidence > 0.9


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
@pytest.mark.parametrize("text,tcvn3,note", CASES, ids=[note[:30] for _, _, note in CASES])
def test_each_line_round_trips(encoding: str, text: str, tcvn3: str, note: str) -> None:
    decoded = decode_text(ENCODERS[encoding](text), "line.txt")
    assert decoded.encoding == encoding, note
    assert decoded.text == (tcvn3 if encoding == "tcvn3" else text), note


def test_utf8_is_untouched_and_makes_no_edit(tmp_path: Path) -> None:
    path = tmp_path / "utf8.txt"
    path.write_text(WHOLE_TEXT, encoding="utf-8")
    document = read_text_document(path)
    assert document.encoding == "utf-8"
    assert document.edits == []
    assert "\n".join(line.text for line in document.lines) == WHOLE_TEXT


def test_conversion_is_recorded_as_one_edit_per_changed_line(tmp_path: Path) -> None:
    path = tmp_path / "vni.txt"
    path.write_bytes(encode_vni("Số 12/KH-UBND\nCộng hòa xã hội\n2024"))
    document = read_text_document(path)
    assert document.encoding == "vni-windows"
    assert [line.text for line in document.lines] == ["Số 12/KH-UBND", "Cộng hòa xã hội", "2024"]
    assert [edit.line_id for edit in document.edits] == ["p1-l1", "p1-l2"]
    edit = document.edits[1]
    assert edit.kind == "encoding" and edit.after == "Cộng hòa xã hội"
    assert edit.before.encode("latin-1") == encode_vni("Cộng hòa xã hội")  # undoable
    assert "VNI-Windows" in edit.reason


def test_crlf_line_ends_are_normalised() -> None:
    data = encode_tcvn3("Độc lập\r\nTự do\r\n")
    assert decode_text_bytes(data, "crlf.txt") == "Độc lập\nTự do\n"


def test_glibc_full_table_tcvn_decodes_its_capitals() -> None:
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    text = "HƯỚNG DẪN\nỦy ban nhân dân"
    result = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(),
                            capture_output=True, check=True)
    decoded = decode_text(result.stdout, "glibc.txt")
    assert decoded.encoding == "tcvn3"
    assert decoded.text == text


@pytest.mark.parametrize("line,expected", [
    ("HƯớNG DẫN", "HƯỚNG DẪN"),
    ("Hà Nội", "Hà Nội"),  # negative: title case stays
    ("Ban HƯớNG dẫn", "Ban HƯỚNG dẫn"),  # one capital word inside a normal line
    ("UBND tỉnh", "UBND tỉnh"),  # negative: acronym plus lowercase word
    ("ở", "ở"),  # negative: no capitals at all
])
def test_restore_tcvn3_capitals(line: str, expected: str) -> None:
    assert restore_tcvn3_capitals(line) == expected


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"   \n", "empty file"),
    (b"\x00\x01\x02binary", "binary data"),
    (bytes(range(0x80, 0x100)) * 3, "no Vietnamese legacy encoding fits"),
])
def test_undecodable_bytes_are_a_bad_input(data: bytes, reason: str) -> None:
    with pytest.raises(BadInputError, match=reason):
        decode_text(data, "bad.txt")


@pytest.mark.parametrize("word,valid", [
    ("nghiêng", True), ("người", True), ("khuya", True), ("quốc", True), ("giữa", True),
    ("hoóc", True), ("viờũt", False), ("aáà", False), ("ngờit", False), ("tiếngg", False),
])
def test_syllable_check(word: str, valid: bool) -> None:
    assert is_vietnamese_syllable(word) is valid


def _sloppy_windows_1252(data: bytes) -> str:
    """What a program that takes UTF-8 for Windows-1252 shows (its 5 undefined bytes as C1)."""
    out = []
    for byte in data:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


@pytest.mark.parametrize("misread", [lambda data: data.decode("latin-1"), _sloppy_windows_1252],
                         ids=["latin-1", "windows-1252"])
def test_mojibake_is_read_back_and_recorded(tmp_path: Path, misread) -> None:
    """UTF-8 once read as Windows-1252 and saved again comes back, line by line, as edits;
    the lines that were fine (real Vietnamese, plain ASCII, Latin-1 letters) stay as they are."""
    broken = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Về việc tăng cường công tác “đợt 1” – 2024"]
    fine = ["Độc lập - Tự do - Hạnh phúc", "Số: 12/QĐ-UBND", "Café Hà Nam"]
    lines = [misread(broken[0].encode("utf-8")), fine[0], fine[1],
             misread(broken[1].encode("utf-8")), fine[2]]
    path = tmp_path / "xuat-tu-excel.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = read_text_document(path)
    assert [line.text for line in document.lines] == [broken[0], *fine[:2], broken[1], fine[2]]
    assert document.encoding == "utf-8-mojibake"
    edits = [edit for edit in document.edits if edit.kind == "encoding"]
    assert [(edit.line_id, edit.before, edit.after) for edit in edits] == [
        ("p1-l1", lines[0], broken[0]), ("p1-l4", lines[3], broken[1])]
    assert all("mojibake" in edit.reason for edit in edits)
