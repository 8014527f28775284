"""Decode the bytes of a text input into NFC Unicode, or say clearly why we cannot.

Old archives hold text in legacy Vietnamese encodings (TCVN3/ABC, VNI-Windows,
Windows-1258) as well as UTF-8; this module is the one place that decides how bytes
become text. The encoding is detected from the bytes (never the file name), and a
conversion is recorded as `Edit(kind="encoding")` per changed line so it can be audited:
`before` is the raw line read byte-for-byte as Latin-1 (lossless), `after` the Unicode line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import Document, Edit, nfc
from pipeline.errors import BadInputError

log = logging.getLogger(__name__)

MIN_LEGACY_SCORE = 0.6
"""Below this share of valid syllables no legacy encoding is believed (the file is refused)."""

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-mojibake": "UTF-8 once read as Windows-1252 and saved again (mojibake)",
    "utf-16": "UTF-16",
    "windows-1258": "Windows-1258",
    "tcvn3": "TCVN3 (ABC)",
    "vni-windows": "VNI-Windows",
}


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes: NFC with LF line ends, the encoding and how sure we are."""

    text: str
    encoding: str
    confidence: float = 1.0
    raw_lines: list[str] = field(default_factory=list)
    """For legacy encodings: each raw line as Latin-1 (one char per byte), for `Edit.before`."""

    @property
    def converted(self) -> bool:
        """True when the text had to be converted (legacy bytes, or mojibake undone)."""
        return self.encoding not in ("utf-8", "utf-16")


_CP1252_BYTES = {bytes([byte]).decode("cp1252"): byte
                 for byte in range(0x80, 0xA0) if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
"""Windows-1252's letters and signs for the bytes 0x80-0x9F ("‘" is 0x91, "€" 0x80)."""


def undo_mojibake(line: str) -> str | None:
    """The line's real text when it is UTF-8 that was read as Windows-1252 (or Latin-1); else None.

    Why: text exported through a program that took UTF-8 for Windows-1252 and saved it again
    arrives as valid UTF-8 reading "Cá»™ng hÃ²a" for "Cộng hòa". Each character of such a
    line maps back to one byte, and those bytes are valid UTF-8 again; a real Vietnamese line
    fails the first test (ư, ơ, ạ … are not in Windows-1252) and a Latin-1 one the second
    (a lone "à" byte is not valid UTF-8), the check ftfy makes.

    >>> undo_mojibake("Cá»™ng hÃ²a xÃ£ há»™i chá»§ nghÄ©a Viá»‡t Nam")
    'Cộng hòa xã hội chủ nghĩa Việt Nam'
    >>> undo_mojibake("Cộng hòa xã hội") is None, undo_mojibake("Hà Nam") is None
    (True, True)
    """
    if sum(ord(char) >= 0x80 for char in line) < 2:
        return None
    data = bytearray()
    for char in line:
        code = ord(char)
        if code < 0x100:
            data.append(code)
        elif char in _CP1252_BYTES:
            data.append(_CP1252_BYTES[char])
        else:
            return None
    try:
        fixed = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return nfc(fixed) if fixed != line else None


def _with_mojibake_undone(text: str) -> DecodedText:
    """UTF-8 text as it is, or with its mojibake lines read back (recorded as conversions)."""
    lines = text.split("\n")
    fixed = [undo_mojibake(line) for line in lines]
    if not any(fixed):
        return DecodedText(text, "utf-8")
    log.info("%d line(s) were UTF-8 read as Windows-1252: read back", sum(map(bool, fixed)))
    return DecodedText("\n".join(new or old for new, old in zip(fixed, lines, strict=True)),
                       "utf-8-mojibake", 1.0, lines)


def _split_lines(data: bytes) -> list[bytes]:
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")


def decode_text(data: bytes, name: str) -> DecodedText:
    """Bytes → `DecodedText`: UTF-8/UTF-16 when valid, else the best-reading legacy encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise BadInputError(name, "invalid UTF-16 text") from None
        if not text.strip():
            raise BadInputError(name, "empty file")
        return DecodedText(nfc(text.replace("\r\n", "\n").replace("\r", "\n")), "utf-16")
    if not data.strip():
        raise BadInputError(name, "empty file")
    if b"\x00" in data[:4096]:
        raise BadInputError(name, "binary data, not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error.start
    else:
        return _with_mojibake_undone(nfc(text.replace("\r\n", "\n").replace("\r", "\n")))

    from pipeline.legacy_encodings import DECODERS, detect_legacy_encoding

    detection = detect_legacy_encoding(data)
    if detection.score < MIN_LEGACY_SCORE:
        best = ENCODING_NAMES[detection.encoding]
        raise BadInputError(
            name, f"not valid UTF-8 (byte {utf8_error}) and no Vietnamese legacy encoding fits "
                  f"(best {best}, {detection.score:.0%} valid syllables)")
    raw = _split_lines(data)
    decode = DECODERS[detection.encoding]
    lines = [decode(line) for line in raw]
    log.info("%s: decoded from %s (%.0f%% valid syllables)", name,
             ENCODING_NAMES[detection.encoding], detection.score * 100)
    return DecodedText("\n".join(lines), detection.encoding, round(detection.score, 4),
                       [line.decode("latin-1") for line in raw])


def decode_text_bytes(data: bytes, name: str) -> str:
    """Bytes of a text file → NFC text (any supported encoding); BadInputError naming `name`."""
    return decode_text(data, name).text


def encoding_edits(decoded: DecodedText) -> list[Edit]:
    """One `Edit(kind="encoding")` per line the conversion changed (ids as `document_from_text`)."""
    if not decoded.converted:
        return []
    lines = decoded.text.splitlines()
    if decoded.encoding == "utf-8-mojibake":
        reason = f"{ENCODING_NAMES[decoded.encoding]}: its characters read back as UTF-8 bytes"
    else:
        reason = (f"converted from {ENCODING_NAMES[decoded.encoding]} "
                  f"(detected from the bytes, {decoded.confidence:.0%} valid syllables)")
    if len(lines) > len(decoded.raw_lines):
        # A decoded line holds a line break of its own (form feed…): one edit for the file.
        return [Edit("p1-l1", 0, 0, "", "", "encoding", decoded.confidence, reason)]
    edits = []
    for index, (after, before) in enumerate(zip(lines, decoded.raw_lines, strict=False), start=1):
        if after != before:
            edits.append(Edit(f"p1-l{index}", 0, len(before), before, after, "encoding",
                              decoded.confidence, reason))
    return edits


def apply_decoding(document: Document, decoded: DecodedText) -> Document:
    """Record on `document` how its text was decoded: `encoding` and the encoding edits."""
    document.encoding = decoded.encoding
    document.edits.extend(encoding_edits(decoded))
    return document


def read_text_document(path: Path) -> Document:
    """A `.txt` input as a one-page Document, decoded from any supported encoding."""
    from pipeline.runner import document_from_text

    try:
        data = path.read_bytes()
    except PermissionError:
        raise BadInputError(path, "file is not readable (permission denied)") from None
    except OSError as error:
        raise BadInputError(path, f"cannot read the file ({error.strerror})") from None
    decoded = decode_text(data, str(path))
    return apply_decoding(document_from_text(decoded.text, str(path)), decoded)


def looks_like_text(head: bytes) -> bool:
    """True when the first bytes of a file read as text in UTF-8 or a Vietnamese legacy encoding.

    For `ingest.detect_kind`: a TCVN3 or VNI file is not valid UTF-8 but is still text.
    """
    if not head.strip() or (b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return False
    sample = head[: len(head) - 4] if len(head) >= 4096 else head  # a cut character at the end
    try:
        decode_text(sample, "<head>")
    except BadInputError:
        return False
    return True
