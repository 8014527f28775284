"""Document codes ("70-HD/BTGTU", "1234/QĐ-TTPVHCC") as OCR misreads them, put right.

Why here: the repair stage fixes the text of OCR lines and the structure stage parses the
number field; both need the same certain fixes, and the flow between stages is one-way.
"""

from __future__ import annotations

import re


def normalize_code(code: str) -> str:
    """Undo OCR misreadings inside a document code that its grammar makes certain.

    Tesseract reads the Đ of "QĐ" as Icelandic Ð (U+00D0) or doubles it ("QĐÐ"), the Q as
    "(" ("(Đ-UBND") and sometimes doubles an N with a tilde ("NÑQ"); no type or issuer
    code contains "ĐĐ", "Ñ" or starts with "(Đ".

    >>> normalize_code("84/2025/(Đ-UBND"), normalize_code("224/CĐÐ-TTg")
    ('84/2025/QĐ-UBND', '224/CĐ-TTg')
    >>> normalize_code("71/NÑQ-CP"), normalize_code("70-HD/BTGTU")
    ('71/NQ-CP', '70-HD/BTGTU')
    """
    code = code.replace("\u00d0", "Đ")
    code = re.sub(r"(?<=[/-])(?:\([0-9l]?|0|O)(?=Đ)", "Q", code)
    code = re.sub("NÑ|ÑN", "N", code).replace("Ñ", "N")
    return code.replace("ĐĐ", "Đ")
