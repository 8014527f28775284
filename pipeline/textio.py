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
        """True when the bytes were not Unicode and had to be converted."""
        return self.encoding not in ("utf-8", "utf-16")


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
        return DecodedText(nfc(text.replace("\r\n", "\n").replace("\r", "\n")), "utf-8")

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
