"""The closing block of a directive: recipients ("Nơi nhận:") and the signature.

The signature is an authority prefix (T/M on behalf of, K/T deputy for, T/L by order,
Q. acting, TUQ. authorised) with the positions in capitals, then the signer's name.
Plain-text corpora run those onto one line ("TM. CHÍNH PHỦ KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG"),
so positions are split at authority prefixes and at a second position word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.document import Line
from pipeline.structure import patterns as P
from pipeline.structure.text import fold, is_person_name, is_upper_line, squash

RECIPIENTS = re.compile(r"^\s*N[o0]i\s*nh[a]n\s*:?\s*", re.I)
ITEM = re.compile(r"^\s*[-–—+•]\s*")
POSITION_WORDS = tuple(
    fold(w)
    for w in (
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "THỦ TƯỚNG",
        "PHÓ THỦ TƯỚNG",
        "TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "CỤC TRƯỞNG",
        "PHÓ CỤC TRƯỞNG",
        "BÍ THƯ",
        "PHÓ BÍ THƯ",
        "CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "TỔNG GIÁM ĐỐC",
        "VỤ TRƯỞNG",
        "CHỦ NHIỆM",
        "PHÓ CHỦ NHIỆM",
        "TRƯỞNG PHÒNG",
        "CHÁNH ÁN",
        "VIỆN TRƯỞNG",
        "TỔNG CỤC TRƯỞNG",
        "THỐNG ĐỐC",
        "PHÓ THỐNG ĐỐC",
        "CHÁNH THANH TRA",
        "TỔNG KIỂM TOÁN",
        "HIỆU TRƯỞNG",
        "TRƯỞNG",
        "PHÓ",
    )
)
"""Words that open a position line under an authority prefix."""
SECOND_POSITION = re.compile(r"\s(?=(?:PHÓ|THỨ TRƯỞNG|CHỦ TỊCH|GIÁM ĐỐC)\b)")
AUTH_SPLIT = re.compile(r"\s(?=(?:T/M|TM\.|K/T|KT\.|T/L|TL\.|TUQ\.|Q\.)\s)")


@dataclass
class Closing:
    """Where the closing block sits and what it says."""

    signature: dict[str, Any] | None = None
    recipients: list[dict[str, Any]] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    start: int | None = None
    end: int | None = None


def split_positions(text: str) -> list[str]:
    """Split a run-together signature line into its positions.

    >>> split_positions("TM. CHÍNH PHỦ KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG")
    ['TM. CHÍNH PHỦ', 'KT. THỦ TƯỚNG', 'PHÓ THỦ TƯỚNG']
    >>> split_positions("K/T TRƯỞNG BAN")
    ['K/T TRƯỞNG BAN']
    """
    out: list[str] = []
    for piece in AUTH_SPLIT.split(squash(text)):
        m = P.AUTHORITY.match(piece)
        if m:
            head, rest = piece[: m.end()], piece[m.end() :]
            sub = SECOND_POSITION.split(rest, maxsplit=1)
            out.append(squash(head + sub[0]))
            out.extend(squash(s) for s in sub[1:])
        else:
            out.append(piece)
    return [p for p in out if p]


def _is_position(text: str) -> bool:
    return (
        is_upper_line(text, min_letters=3, ratio=0.9)
        and (bool(P.AUTHORITY.match(text)) or fold(text).upper().startswith(POSITION_WORDS))
        and len(text.split()) <= 14
    )


_BARE_AUTHORITY = re.compile(r"^\s*(T/M|TM\.?|K/T|KT\.?|T/L|TL\.?|TUQ\.?|Q\.)\s*$")
"""An authority prefix on a line of its own ("TM."): OCR splits it from the body it names."""
_TITLE_AFTER = re.compile(r"^\s*(PHU LUC|MAU|DANH MUC|BIEU|QUY CHE|QUY DINH|CHUONG)\b", re.I)
"""Capitals that open what follows a signature (an annex, a form), not a wrapped position."""
FAR_SIGNER = 30
"""Lines the name is looked for past recipients interleaved with the signature block."""


def _signer_at(lines: list[Line], start: int, stop: int) -> int | None:
    """Find the line of the signer's name after the positions that end at `start`.

    Right under them ("(Đã ký)" may come first), or further on past recipient items: the
    official layout puts the signature block beside the recipients and a scan's reading
    order interleaves the two columns ("CHỦ TỊCH", "- Chủ tịch, các PCT …", …, "Lê Hải Hoà").
    """
    for k in range(start, min(stop, start + FAR_SIGNER)):
        candidate = lines[k].text.strip()
        if is_person_name(candidate):
            return k
        if not (ITEM.match(candidate) or _noise(lines[k])
                or (not is_upper_line(candidate) and len(candidate.split()) < 20)):
            return None  # a heading or running text (an annex): the closing block is over
    return None


def _find_signature(
    lines: list[Line], start: int, stop: int
) -> tuple[list[int], dict[str, Any]] | None:
    """Find the signature block: the indexes of its lines and what it says."""
    for i in range(start, stop):
        text = lines[i].text.strip()
        if not (_is_position(text) or _BARE_AUTHORITY.match(text)):
            continue
        taken: list[int] = []
        positions: list[str] = []
        pending = ""
        j = i
        while j < stop and len(taken) < 5:
            line = lines[j].text.strip()
            if _BARE_AUTHORITY.match(line) and not pending:
                pending = line
            elif _is_position(line) or (pending and is_upper_line(line)):
                positions.extend(split_positions(f"{pending} {line}" if pending else line))
                pending = ""
            elif (positions and is_upper_line(line) and len(line.split()) <= 8
                  and not _TITLE_AFTER.match(fold(line))):
                positions[-1] = squash(f"{positions[-1]} {line}")  # a position wrapped
            else:
                break
            taken.append(j)
            j += 1
        if not positions:
            continue
        signer_at = _signer_at(lines, j, stop)
        if signer_at is None and not P.AUTHORITY.match(positions[0]):
            continue
        if signer_at is not None:
            taken.append(signer_at)
        m = P.AUTHORITY.match(positions[0])
        signer = (squash(lines[signer_at].text.strip().strip("*_ "))
                  if signer_at is not None else None)
        return (
            taken,
            {
                "authority": m.group(1) if m else None,
                "positions": positions,
                "signer": signer,
                "line_ids": [lines[k].id for k in taken],
            },
        )
    return None


def _noise(line: Line) -> bool:
    """Tell a scrap OCR made of a lost line ("NT", "-"): an OCR line of under three letters.

    A bare dash is a scrap in any text; typed short lines ("(B/c)", "- …;" in a form) stay.
    """
    text = line.text.strip()
    if not ITEM.sub("", text):
        return True
    return bool(line.words) and not ITEM.match(text) and sum(c.isalpha() for c in text) < 3


def _wrapped_codes(item: str, text: str) -> bool:
    """Tell a line of unit codes in capitals that goes on with recipient `item`.

    Why: an item naming the units that keep a copy wraps in the narrow column ("- VPUBTP:
    CVP, các PCVP, các phòng, đơn vị:" + "ĐMPT, TH, TTDL&CNS;"), and its rest, all capitals,
    looked like the signature column. It is the rest when the item stopped at ":" or ","
    or the line ends an item (";"), which no signature line does.
    """
    return item.rstrip().endswith((":", ",")) or text.endswith(";")


def _signature_like(line: Line) -> bool:
    """Tell a line of a signature column: authority, position or body in capitals, a name.

    A recipient item ("- UBND tỉnh", "+ LĐVP, KGVX;") never is, even in capitals.
    """
    text = line.text.strip()
    if text.endswith(";"):
        return False  # an item's wrapped rest ("ĐMPT, TH, TTDL&CNS;"): a signature has no ";"
    return not ITEM.match(text) and bool(
        _BARE_AUTHORITY.match(text) or P.AUTHORITY.match(text) or _is_position(text)
        or (is_upper_line(text) and len(text.split()) <= 8) or is_person_name(text)
    )


def parse_closing(lines: list[Line], body_start: int) -> Closing:
    """Find recipients and signature after the body; returns their lines' roles."""
    closing = Closing()
    rec_at = next(
        (i for i in range(body_start, len(lines)) if RECIPIENTS.match(fold(lines[i].text))), None
    )
    if rec_at is not None:
        window_start = max(body_start, rec_at - 12)
        found = _find_signature(lines, window_start, min(len(lines), rec_at + 40))
    else:
        found = _find_signature(lines, body_start, len(lines))
    signature_lines = set(found[0]) if found else set()
    rec_end = None
    if rec_at is not None:
        closing.roles[lines[rec_at].id] = "recipients"
        first = RECIPIENTS.sub("", fold(lines[rec_at].text))
        tail = lines[rec_at].text[len(lines[rec_at].text) - len(first) :].strip()
        items: list[dict[str, Any]] = []
        if tail:
            items.append({"text": ITEM.sub("", tail), "line_ids": [lines[rec_at].id]})
        last_signature = max(signature_lines, default=-1)

        def in_signature(k: int) -> bool:
            return k in signature_lines or _signature_like(lines[k])

        j = rec_at + 1
        while j < len(lines):
            if in_signature(j):
                # the signature column, read in between: step over it when items follow
                k = j
                while k < len(lines) and in_signature(k):
                    k += 1
                if k < len(lines) and ITEM.match(lines[k].text.strip()) and not _noise(lines[k]):
                    j = k
                    continue
                break
            text = lines[j].text.strip()
            after_signer = j > last_signature >= 0
            if _noise(lines[j]):
                pass
            elif ITEM.match(text):
                items.append(
                    {
                        "text": ITEM.sub("", text),
                        "line_ids": [lines[j].id],
                        "level": 2 if text.startswith("+") else 1,
                    }
                )
            elif (not items and lines[j].words and not is_upper_line(text)
                  and len(text.split()) < 12):
                items.append({"text": text, "line_ids": [lines[j].id]})  # OCR lost its dash
            elif (items and (not is_upper_line(text) or _wrapped_codes(items[-1]["text"], text))
                  and len(text.split()) < 20 and not (after_signer and text[:1].isupper())):
                items[-1]["text"] = squash(f"{items[-1]['text']} {text}")
                items[-1]["line_ids"].append(lines[j].id)
            else:
                break
            closing.roles[lines[j].id] = "recipients"
            j += 1
        for item in items:
            item.setdefault("level", 1)
        closing.recipients = items
        rec_end = j
    if found:
        taken, signature = found
        closing.signature = signature
        for k in taken:
            closing.roles[lines[k].id] = "signature"
    starts = [x for x in (rec_at, min(signature_lines, default=None)) if x is not None]
    ends = [x for x in (rec_end, max(signature_lines, default=-2) + 1) if x is not None and x >= 0]
    closing.start = min(starts) if starts else None
    closing.end = max(ends) if ends else None
    return closing
