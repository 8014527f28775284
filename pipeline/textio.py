"""Decode the bytes of a text input into NFC Unicode, or say clearly why we cannot.

Old archives hold text in legacy Vietnamese encodings as well as UTF-8; this module is
the one place that decides how bytes become text.
"""

from __future__ import annotations

from pipeline.document import nfc
from pipeline.errors import BadInputError


def decode_text_bytes(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) → NFC text; anything else is a BadInputError naming `name`."""
    if not data.strip():
        raise BadInputError(name, "empty file")
    if b"\x00" in data[:4096]:
        raise BadInputError(name, "binary data, not a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInputError(name, f"not valid UTF-8 text (byte {error.start})") from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))
