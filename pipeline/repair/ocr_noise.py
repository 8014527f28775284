"""OCR noise outside the letters of words: where to offer a drop or a fix, and its Edit.

Why: on noisy and worn scans the commonest errors left after the letters are put right
are specks read as marks ("công. nhân"), runs of marks standing between words ("dẫn -_
thi"), stray letters no word is ("ˆ", "š"), and misread markers ("5; Bảo" for "5. Bảo",
"€)" for "c)", "QĐÐ" in a document code). These helpers find them in a line's tokens; the
channel costs are in `punctuation.py`, and the decoder with the LM decides. OCR text only
(a word confidence is known): typed text keeps its punctuation as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pipeline.codes import normalize_code
from pipeline.document import Edit
from pipeline.repair.channel import base_of
from pipeline.repair.decode import SENTENCE_BREAK, Choice
from pipeline.repair.document_terms import misread_of
from pipeline.repair.punctuation import MARKS, glued_prefix_droppable, lone_run_droppable
from pipeline.repair.tokens import OcrFix, Token
from pipeline.repair.vietnamese import is_valid_syllable

STRAY_LETTER_COST = 1.0
"""Channel cost of dropping a stray letter (`stray_letter`): on the training pages about
23 such lone letters were noise and none was text; the LM still has to agree."""


def glued_mark(
    tokens: list[Token],
    i: int,
    protected: set[int],
    confs: dict[int, float],
    runs_on: bool = False,
) -> bool:
    """Tell whether token i is a mark OCR glued to a word, with a word after it.

    The word after it is on the line, or — `runs_on` — it ends the line and the next line
    carries on in lowercase. Only OCR words (a confidence is known) of two letters or more
    that are not protected (abbreviations keep their dot: "TP. Hồ Chí Minh").
    """
    if i < 1 or tokens[i].text not in MARKS:
        return False
    left = tokens[i - 1]
    if not (
        left.is_word
        and len(left.text) > 1
        and (i - 1) not in protected
        and confs.get(i - 1, -1.0) >= 0
    ):
        return False
    if all(t.kind == "space" for t in tokens[i + 1 :]):
        return runs_on
    if i + 2 >= len(tokens):
        return False
    space, right = tokens[i + 1], tokens[i + 2]
    return space.kind == "space" and right.is_word and base_of(right.text[0].lower()) in _LATIN


_LATIN = set("abcdefghijklmnopqrstuvwxyzđ")


def lone_run(tokens: list[Token], i: int) -> int:
    """Return where a stray run of marks starting at token i ends (exclusive), else 0.

    Stray: standing alone after a word (or number) or at the line's start, before a space
    or the line's end ("dẫn -_ thi", "sau: : : | Miễn", a line opening "-___: chính"), or
    underscores glued to the front of a word or number ("__1. Tuân"). Why: specks and worn
    strokes come out as such marks; real lone marks are dashes, signs, quotes, brackets and
    leaders (`punctuation.lone_run_droppable`), and a word never starts with '_'.
    """
    after_word = i >= 2 and tokens[i - 1].kind == "space" and tokens[i - 2].kind in ("word", "code")
    if not (after_word or _opens_line(tokens, i)):
        return 0
    end = i
    while end < len(tokens) and tokens[end].kind == "punct":
        end += 1
    run = "".join(t.text for t in tokens[i:end])
    if end < len(tokens) and tokens[end].kind != "space":
        return end if glued_prefix_droppable(run) else 0  # else a quote, bracket, bullet
    return end if lone_run_droppable(run) else 0


def _opens_line(tokens: list[Token], i: int) -> bool:
    """Tell whether token i is the first of its line (only spaces before it)."""
    return all(t.kind == "space" for t in tokens[:i])


def stray_letter(tokens: list[Token], i: int, is_syllable: Callable[[str], bool]) -> bool:
    """Tell whether token i is one letter standing alone that no Vietnamese word is ("ˆ", "š", "ễ").

    Specks and broken strokes come out as such letters between words; single ASCII letters
    stay (list letters, variables, initials), and so do one-letter words (ở, ý, y, à).
    """
    token = tokens[i]
    return (
        token.is_word
        and len(token.text) == 1
        and not token.text.isascii()
        and not is_syllable(token.text.lower())
        and i >= 2
        and tokens[i - 1].kind == "space"
        and (i + 1 == len(tokens) or tokens[i + 1].kind == "space")
    )


def numbered_item_fixes(tokens: list[Token]) -> dict[int, tuple[str, str]]:
    """Restore the '.' of an OCR line opening "1, Cán bộ" / "5; Bảo" / "2: Danh" (misread).

    On the training pages (benchmarks/punct_noise.py pages) a number opening a line was
    followed by ',' ';' or ':' and a capitalised word 11 times, and the truth had '.'
    every time (228 more were read right); the LM cannot tell, it maps numbers to one token.
    """
    words = [k for k, t in enumerate(tokens) if t.kind != "space"]
    if len(words) < 3:
        return {}
    number, mark, following = (tokens[k] for k in words[:3])
    if (
        number.kind == "code"
        and number.text.isdigit()
        and len(number.text) <= 2
        and words[1] == words[0] + 1
        and mark.text in ",;:"
        and words[2] == words[1] + 2
        and following.is_word
        and following.text[0].isupper()
    ):
        return {words[1]: (".", f"numbered item '{number.text}{mark.text}': its '.' misread")}
    return {}


def list_c_fixes(tokens: list[Token]) -> dict[int, tuple[str, str]]:
    """List letter "c)" that OCR read as "€)", "©)" or "¢)" (a c with a stroke through it)."""
    out: dict[int, tuple[str, str]] = {}
    for i, token in enumerate(tokens[:-1]):
        if (
            token.text in C_LOOKALIKES
            and tokens[i + 1].text == ")"
            and (i == 0 or tokens[i - 1].kind == "space")
        ):
            out[i] = ("c", f"list letter 'c)' read as '{token.text})'")
    return out


C_LOOKALIKES = {"€", "©", "¢"}


def ellipsis_fixes(tokens: list[Token]) -> dict[int, OcrFix]:
    """Find each ellipsis "…" that Tesseract read as two dots apart ("kinh tế số. .; Phát").

    Only right after a lowercase word and right before a closing mark (", ; : ) ” !
    ?"): no sentence ends in ". ." there, and a dot leader runs on in dots.
    """
    out: dict[int, OcrFix] = {}
    for i in range(1, len(tokens) - 3):
        left, first, gap, second, after = tokens[i - 1 : i + 4]
        if (left.is_word and left.text[-1].islower() and first.text == "." and gap.text == " "
                and second.text == "." and after.text[0] in _CLOSING):
            why = "ellipsis '…' read as '. .'"
            out[i] = ("…", why, "ocr", ELLIPSIS_CONFIDENCE)
            out[i + 1] = out[i + 2] = ("", why, "ocr", ELLIPSIS_CONFIDENCE)
    return out


_CLOSING = set(",;:)”\"!?")
ELLIPSIS_CONFIDENCE = 0.9


def gap_speck_fixes(tokens: list[Token], is_syllable: Callable[[str], bool],
                    continuation: Callable[[str, str], float],
                    known_word: Callable[[str], bool]) -> dict[int, OcrFix]:
    """Find the specks Tesseract read as a mark in the space between two words.

    "thông.tìn", "và.Công", "phụ:nữ", "phố'Hồ", "hai;.mức", "năm.2025", "Điều.3": on heavy
    scans a speck in the gap becomes a mark and the gap is lost. Typed text rarely glues
    two words with a mark, and then mostly as a sentence end that lost its space ("ngân
    sách.Mã ĐVQHNS", "tiêu cực.2. Giao"); abbreviations do it on purpose ("TP.HCM",
    "Tp.Hồ", "v.v.", "No.120", "m3/ngày.đêm"). So both sides must be syllables of two
    letters or more (attested, or well formed: OCR misreads the marks of the next word
    too), neither in capitals, not after a "/". A lone dot, colon or apostrophe becomes
    the space it stands in — before a capital only when the LM reads the word on from the
    one before (log10 P ≥ MIN_READS_ON: "và công" yes, "sách mã" no); a comma or semicolon
    with a speck after it keeps its mark and gets its space back ("hai; mức"). A dot
    before a number goes only in a date or code ("năm.2025", "số.1132/QĐ-TTg") or after a
    capitalised Vietnamese word ("Điều.3"; not a note mark, "Việt Nam.3)"). On the
    170,801 lines of the typed official corpus this finds 7 places: "trong.các",
    "thuộc.tên", "tắt.tên", "đối với:cơ sở" (typos), "Tài.100.", "g/mã lực.giờ", "Đơn vị
    tính:ha".

    A hyphen glued between two such words ("Mức-hỗ trợ", "Thông-tin", "Bộ-Nội vụ") is a
    speck too, unless the LM knows the hyphenated word (`known_word`: the corpus writes
    "mô-đun", "các-bon", "kinh tế-xã hội", "Ai-len") — and only when the LM reads the
    second word on from the first (≥ MIN_READS_ON, whatever its case: "Xô-viết" stays).
    """
    out: dict[int, OcrFix] = {}

    def plain_syllable(text: str) -> bool:
        return (len(text) >= 2 and not text.isupper()
                and (is_syllable(text.lower()) or is_valid_syllable(text)))

    for i, token in enumerate(tokens):
        after_slash = i >= 2 and tokens[i - 2].text == "/"
        if token.kind == "code" and (match := _WORD_DOT_NUMBER.match(token.text)):
            word, number = match.groups()
            dated = "/" in number or re.fullmatch(r"\d{4}", number) is not None
            label = word[0].isupper() and (i + 1 == len(tokens) or tokens[i + 1].text != ")")
            vietnamese = word.islower() or not word.isascii()  # not the English "No.120"
            if plain_syllable(word) and vietnamese and (dated or label) and not after_slash:
                why = "speck read as '.' between a word and a number"
                out[i] = (f"{word} {number}", why, "ocr", GAP_SPECK_CONFIDENCE)
            continue
        if token.kind != "punct" or i == 0 or not tokens[i - 1].is_word or after_slash:
            continue
        end = i + 1
        while end < len(tokens) and end - i < 2 and tokens[end].kind == "punct":
            end += 1
        if end >= len(tokens) or not tokens[end].is_word:
            continue
        left, right = tokens[i - 1].text, tokens[end].text
        if not (plain_syllable(left) and plain_syllable(right)):
            continue
        marks = "".join(t.text for t in tokens[i:end])
        if len(marks) == 1 and marks in _GAP_SPECKS:
            if right.islower() or continuation(left.lower(), right.lower()) >= MIN_READS_ON:
                out[i] = (" ", f"speck read as '{marks}' between two words", "ocr",
                          GAP_SPECK_CONFIDENCE)
        elif (marks == "-" and not known_word(f"{left}-{right}")
              and continuation(left.lower(), right.lower()) >= MIN_READS_ON):
            out[i] = (" ", "speck read as '-' between two words", "ocr", GAP_SPECK_CONFIDENCE)
        elif len(marks) == 2 and marks[0] in ",;" and marks[1] in _GAP_SPECKS:
            out[i + 1] = (" ", f"speck read as '{marks[1]}' after '{marks[0]}'", "ocr",
                          GAP_SPECK_CONFIDENCE)
    return out


_GAP_SPECKS = set(".:'‘’`")
"""Marks that a speck in the gap between two words is read as."""
_WORD_DOT_NUMBER = re.compile(r"^([^\W\d_]+)\.(\d\S*)$")
MIN_READS_ON = -2.0
"""log10 P(next word | word before the mark) for a mark before a capital to be a speck."""
GAP_SPECK_CONFIDENCE = 0.9


def lost_slash_fixes(tokens: list[Token], line_before: Sequence[Token] = (),
                     ) -> dict[int, OcrFix]:
    """Find the slash OCR lost in a date or document number ("ngày 09 10/2024").

    A thin slash is the first glyph a worn scan loses, and Tesseract then reads a space.
    Only where the text says what must stand there: a date right after "ngày" whose three
    parts read as day, month and year once joined ("09 10/2024", "18/5 2025"), and a
    document number right after "số" / "Số:" whose next piece is a year and an issuer's
    code ("151 2025/NĐ-CP"); the cue may end the line before. The space becomes the slash.
    """
    out: dict[int, OcrFix] = {}
    before = [t for t in line_before if t.kind != "space"][-2:]
    solid = [i for i, t in enumerate(tokens) if t.kind != "space"]
    cues = before + [tokens[i] for i in solid]  # the cue may close the line before
    for n in range(len(before), len(cues) - 1):
        first_at, second_at = solid[n - len(before)], solid[n - len(before) + 1]
        cue, first, second = cues[n - 1], tokens[first_at], tokens[second_at]
        gap = first_at + 1
        if (gap != second_at - 1 or tokens[gap].text != " " or first.kind != "code"
                or second.kind != "code"):
            continue
        joined = f"{first.text}/{second.text}"
        word = cue.text.lower()
        if n > 1 and word == ":" and cues[n - 2].text.lower() == "số":
            word = "số"
        if word == "ngày" and _DATE.fullmatch(joined) and _real_date(joined):
            out[gap] = ("/", "date lost a '/' to OCR", "ocr", LOST_SLASH_CONFIDENCE)
        elif word == "số" and _NUMBER_YEAR_CODE.fullmatch(joined):
            out[gap] = ("/", "document number lost a '/' to OCR", "ocr", LOST_SLASH_CONFIDENCE)
    return out


def _real_date(text: str) -> bool:
    day, month, year = (int(x) for x in text.split("/"))
    return 1 <= day <= 31 and 1 <= month <= 12 and 1900 <= year <= 2100


_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_NUMBER_YEAR_CODE = re.compile(r"\d{1,4}/(?:19|20)\d\d/[A-ZĐ][A-ZĐa-z0-9Đ-]*")
LOST_SLASH_CONFIDENCE = 0.9


def clause_end_fixes(lines: Sequence[Sequence[Token]]
                     ) -> dict[int, dict[int, OcrFix]]:
    """Find the ';' OCR read as ',' at the end of a list item or recital.

    On worn scans the upper dot of ';' is lost and Tesseract reads ',': "a) Phụ nữ … rất
    ít người," + "b) Phụ nữ …", "… ngày 18 tháng 01 năm 2024," + "Căn cứ Nghị định …".
    In the typed official corpus a line before a list item or recital ("a) Các", "2. Các",
    "- Các", "Căn cứ", "Theo đề nghị", "Xét đề nghị", "Trên cơ sở") ends with ';' 23,574
    times and with ',' 39 times, nearly all in recipient lists ("- Như Điều 3,"), which
    are left alone: nothing after a "Nơi nhận" line is changed. `lines`: the document's
    lines, empty for typed ones. Returns line → {token index: (';', why, "ocr", conf)}.
    """
    out: dict[int, dict[int, OcrFix]] = {}
    for k in range(len(lines) - 1):
        tokens, following = lines[k], lines[k + 1]
        text = "".join(t.text for t in tokens).strip()
        if text.startswith("Nơi nhận"):
            break
        solid = [i for i, t in enumerate(tokens) if t.kind != "space"]
        if (len(solid) < 2 or tokens[solid[-1]].text != "," or not following
                or tokens[solid[-2]].kind not in ("word", "code")):
            continue
        opening = _OPENS_ITEM.match("".join(t.text for t in following).lstrip())
        if opening and (opening.group(1) is None or opening.group(1).isupper()):
            out[k] = {solid[-1]: (";", "';' read as ',' before a list item or recital", "ocr",
                                  CLAUSE_END_CONFIDENCE)}
    return out


_OPENS_ITEM = re.compile(
    r"(?:[a-zđ]\)|\d{1,2}[.)]|[-+•])\s*([^\W\d_])|(?:Căn cứ|Theo đề nghị|Xét đề nghị|Trên cơ sở)\b")
"""A list item's label and its first letter (which must be a capital), or a recital."""
CLAUSE_END_CONFIDENCE = 0.9


def code_fixes(tokens: list[Token]) -> dict[int, tuple[str, str]]:
    """Document codes with certain OCR misreadings ("QĐÐ-TTg", "NÑQ-CP"; `codes.py`)."""
    out: dict[int, tuple[str, str]] = {}
    for i, token in enumerate(tokens):
        if token.kind == "code" and (fixed := normalize_code(token.text)) != token.text:
            out[i] = (fixed, f"document code '{token.text}' misread")
    return out


FILING_CODE = "VT"
"""The code of the clerical office (văn thư) that keeps a directive's file copy: "Lưu: VT,
<drafting unit>" closes the recipients of every directive (Nghị định 30/2020/NĐ-CP, Phụ lục
I). In the shared corpus 330 of the 366 lines that open with "Lưu:" go on with it, and no
line there goes on with a code one OCR confusion away from it."""
_FILING_KEY = {"lưu", "luu"}


def filing_code_fixes(tokens: list[Token]) -> dict[int, tuple[str, str]]:
    """Mend the clerical office's code after "Lưu:" that OCR misread by a letter ("Lưu: VI").

    Why: Tesseract reads the "T" of "VT" as "I" or "1" on a blurred scan (5 of the 14
    whole rendered directives of the closing bench), and neither the syllable repair ("vi"
    is a syllable) nor the acronym repair (a capitals word only loses or gains marks; the
    document writes "VT" once) can mend it. Only the first code of a line that opens with
    "Lưu:" (after its dash), only a shape confusion of "VT" (`document_terms.misread_of`).
    """
    words = [(i, t) for i, t in enumerate(tokens) if t.kind != "space"]
    if words and words[0][1].text in ("-", "–", "•", "+"):
        words = words[1:]
    if len(words) < 3 or words[0][1].text.lower() not in _FILING_KEY or words[1][1].text != ":":
        return {}
    i, code = words[2]
    out: dict[int, tuple[str, str]] = {}
    if misread_of(code.text, FILING_CODE) is not None:
        out[i] = (FILING_CODE, f"'Lưu: {code.text}' read for 'Lưu: {FILING_CODE}', the filing "
                               "code of the clerical office that closes every recipients list")
    elif code.text != FILING_CODE:
        return out
    if len(words) >= 5 and words[3][1].text == ";" and words[4][1].kind in ("word", "code"):
        # "Lưu: VT; NC." — the corpus writes "VT," before the drafting unit, never "VT;"
        out[words[3][0]] = (",", "'Lưu: VT, …': the drafting unit follows a comma, not ';'")
    elif len(words) >= 5 and words[3][1].text == "," and words[4][0] == words[3][0] + 1 \
            and words[4][1].kind in ("word", "code"):
        # "Lưu: VT,GDTX" — the space after the comma was lost
        out[words[3][0]] = (", ", "'Lưu: VT, …': the space after the comma was lost")
    elif len(words) >= 4 and words[3][0] == i + 2 and tokens[i + 1].kind == "space" \
            and words[3][1].kind in ("word", "code") and words[3][1].text[:1].isupper():
        # "Lưu: VT KSTTHCT." — the comma between the two codes was lost
        out[i] = (FILING_CODE + ",", "'Lưu: VT, …': the comma before the drafting unit was lost")
    return out


def noise_edit(
    line_id: str, tokens: list[Token], i: int, end: int, choice: Choice, flag_below: float
) -> Edit:
    """Build the Edit that drops tokens[i:end] or swaps the mark they are (OCR noise).

    A dropped lone run takes the space before it along, so no double space is left.
    """
    before = "".join(t.text for t in tokens[i:end])
    after = "".join(x for x in choice.candidate.syllables if x != SENTENCE_BREAK)
    what = f"'{before}' read as '{after}'" if after else f"stray '{before}' dropped"
    reason = f"OCR noise: {what} (channel cost {choice.candidate.cost:.1f}, LM)"
    if choice.confidence < flag_below:
        reason += "; low confidence, please check"
    start, stop = tokens[i].start, tokens[end - 1].end
    alone = end == len(tokens) or tokens[end].kind == "space"
    if not after and alone and i >= 2 and tokens[i - 1].kind == "space":
        start = tokens[i - 1].start  # the piece stood alone: its space goes with it
        before = tokens[i - 1].text + before
    elif not after and alone and end < len(tokens) and _opens_line(tokens, i):
        stop = tokens[end].end  # it opened the line: the space after it goes
        before += tokens[end].text
    return Edit(
        line_id,
        start,
        stop,
        before,
        after,
        "ocr",
        round(choice.confidence, 4),
        reason,
    )
