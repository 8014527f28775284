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


def _find_signature(
    lines: list[Line], start: int, stop: int
) -> tuple[int, int, dict[str, Any]] | None:
    for i in range(start, stop):
        text = lines[i].text.strip()
        if not _is_position(text):
            continue
        positions: list[str] = []
        j = i
        while j < stop and _is_position(lines[j].text.strip()) and j - i < 4:
            positions.extend(split_positions(lines[j].text))
            j += 1
        signer = None
        k = j
        while k < min(stop, j + 3):
            candidate = lines[k].text.strip()
            if is_person_name(candidate):
                signer = squash(candidate.strip("*_ "))
                break
            if candidate.startswith("(") or not candidate:
                k += 1
                continue
            break
        if signer is None and not P.AUTHORITY.match(text):
            continue
        m = P.AUTHORITY.match(positions[0]) if positions else None
        end = k + 1 if signer else j
        return (
            i,
            end,
            {
                "authority": m.group(1) if m else None,
                "positions": positions,
                "signer": signer,
                "line_ids": [line.id for line in lines[i:end]],
            },
        )
    return None


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
    rec_end = None
    if rec_at is not None:
        closing.roles[lines[rec_at].id] = "recipients"
        first = RECIPIENTS.sub("", fold(lines[rec_at].text))
        tail = lines[rec_at].text[len(lines[rec_at].text) - len(first) :].strip()
        items: list[dict[str, Any]] = []
        if tail:
            items.append({"text": ITEM.sub("", tail), "line_ids": [lines[rec_at].id]})
        j = rec_at + 1
        sig_start = found[0] if found and found[0] > rec_at else len(lines)
        while j < min(len(lines), sig_start):
            text = lines[j].text.strip()
            if ITEM.match(text):
                items.append(
                    {
                        "text": ITEM.sub("", text),
                        "line_ids": [lines[j].id],
                        "level": 2 if text.startswith("+") else 1,
                    }
                )
            elif items and not is_upper_line(text) and len(text.split()) < 20:
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
        s_start, s_end, signature = found
        closing.signature = signature
        for line in lines[s_start:s_end]:
            closing.roles[line.id] = "signature"
    starts = [x for x in (rec_at, found[0] if found else None) if x is not None]
    ends = [x for x in (rec_end, found[1] if found else None) if x is not None]
    closing.start = min(starts) if starts else None
    closing.end = max(ends) if ends else None
    return closing
