"""Rebuild paragraphs from lines for text output, keeping which lines each one came from.

Why: OCR (and PDF text layers) deliver a paragraph as lines wrapped at the page width,
sometimes with a word hyphenated across the break. Readers, search and exports want one
paragraph per line of text, while the audit trail needs the original line ids.

Rules (layout cues from pipeline.repair.line_cues, judged against the local wrap width):
a line joins the previous one unless the previous one is a heading, ends a paragraph
(short, or ends in . ; : ! ? well before the margin, or had room for the first word of a
line opening with a capital: a wrap would not have cut it there), or the line itself starts a
numbered/bulleted item or is a capitals heading. Blank lines and page starts separate: a
page start, or one blank line after a sentence left open, is crossed by a line that starts
in lowercase (text extracted page by page puts a blank line mid-sentence); one blank line
after a long open line is also crossed by a plain capitalised line that the language model
reads as the rest of the sentence ("… giao cho Ủy ban" + "Nhân dân tỉnh …";
`_cut_before_capital`). On OCR'd pages
that indent first lines (official layout), the boxes decide inside one OCR text block and at
a page turn (the next sheet's first line): an indented line opens a paragraph (one opening
in lowercase too when the line before stopped short of the margin: a point without a label,
"trường hợp …", or a legend, "- n: …"), a line at the margin after a full line continues it,
whatever its first letter. On OCR'd pages that space their paragraphs (official layout,
`pipeline.line_spacing`), a line after a paragraph's space opens one and a line one pitch
below a full line continues it (a page that indents only its labelled items is told this
way); where a page has no usable
boxes, a page turn is crossed as a blank line is (lowercase, or the language model). Lines
the structure stage put in one recipient item ("- VPUBTP: …, đơn vị:" + "ĐMPT, TH, TTDL&CNS;")
are one paragraph when read one after the other. Lines
`pipeline.layout` marked as marginalia (page numbers, a clerk's notes, put after their page's
text) are paragraphs of their own that the text runs on past, of kind "page number" or
"marginalia"; the plain text (text.txt) leaves page numbers out — they are the print's, not
the directive's, and would stand between the halves of a paragraph read across a page turn
— while document.json keeps them with their line ids. A hyphen at a
line end glued to a letter ("trách-" + "nhiệm") is removed when the joined word is known
to the lexicon (recorded as an Edit of kind "hyphenation"); otherwise the two parts are
glued keeping the hyphen ("Covid-" + "19").

Deliberately left alone: text whose lines already are paragraphs (each is its own
paragraph, byte for byte after trimming, unless a blank line cut its sentence), headings,
numbered items and bullets, and the text of lines (no letter is changed except a removed
line-end hyphen).

>>> [p.text for p in build_paragraphs(["Điều 1. Phạm vi", "1. Nghị định này quy định",
...                                     "chi tiết một số điều."])]
['Điều 1. Phạm vi', '1. Nghị định này quy định chi tiết một số điều.']
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.document import Document, Edit, Line
from pipeline.layout import MARGINALIA, PAGE_NUMBER, looks_like_page_number
from pipeline.line_spacing import pages_of_boxed_lines, paragraph_spaces
from pipeline.repair.line_cues import TERMINAL, LineCues, line_cues, wraps_capitals_title
from pipeline.repair.line_links import had_room_for, local_wrap_widths
from pipeline.structure.references import TYPE_WORDS

log = logging.getLogger(__name__)

_CITED_DOCUMENT = re.compile("(?:" + "|".join(TYPE_WORDS) + r")\b")
"""A line opening with a document's name ("Nghị quyết số 03/NQ-CP …"): after a ";" it is
the next citation of a preamble sentence ("Triển khai … Nghị quyết số 57-NQ/TW …;" +
"Nghị quyết số 03/NQ-CP …"), not a new paragraph."""

_NUMBER_AFTER_DASH = re.compile(r"[-–—+•]\s*\d")
"""A bullet followed by a number ("- 100% các khu …", "- 02 dự án …"): an item, although
its first letter is lowercase; after a line ending in a digit the dash is a range's
("giai đoạn 2021" + "- 2025, …") and the line runs on."""

SHORT_RATIO = 0.62
"""A line shorter than this share of the wrap width ends its paragraph."""
CLOSED_RATIO = 0.85
"""A line ending in . ; : ! ? and shorter than this share of the width ends its paragraph."""
MIN_WRAP_WIDTH = 40
"""Narrowest wrap width believed (characters): where every line nearby is shorter (a
header's stacked lines, "UBND TỈNH NINH BÌNH" over "SỞ TÀI CHÍNH"), they are not wrapped
text, and the longest of them is no full line."""
ROOM_RATIO = 0.85
"""A line that had room for the next line's first word within this share of the width ended
its paragraph when the next line opens with a capital (`had_room_for`; as the reorderer's
`LinkWeights.fit_ratio`)."""


@dataclass
class Paragraph:
    """One paragraph of output text and the ids of the lines it was built from."""

    text: str
    line_ids: list[str]
    kind: str = "paragraph"
    blank_before: int = 0
    edits: list[Edit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The `document.json` form: text, line ids, kind (and blank lines before it)."""
        return {"text": self.text, "line_ids": list(self.line_ids), "kind": self.kind,
                "blank_before": self.blank_before}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paragraph:
        """Read the `document.json` form back (edits are kept in the document, not here)."""
        return cls(text=data["text"], line_ids=list(data["line_ids"]),
                   kind=data.get("kind", "paragraph"),
                   blank_before=int(data.get("blank_before", 0)))


def paragraph_kind(cues: LineCues, text: str) -> str:
    """'heading', 'item' or 'paragraph', from the first line's cues and the paragraph's length."""
    enumerator = cues.enumerator
    if cues.is_caps or (enumerator is not None and enumerator.style in
                        ("roman", "part", "chapter", "section")):
        return "heading"
    if enumerator is not None and len(text) < 120 and not text.rstrip().endswith((".", ";")):
        return "heading"
    if cues.item or cues.bullet or enumerator is not None:
        return "item"
    return "paragraph"


@functools.cache
def _boundary_lm() -> tuple[Any, Callable[[str], list[str]]] | None:
    """Look up the reorderer's accent-free LM and tokenizer once; None when unavailable."""
    try:
        from pipeline.repair.reorder import default_boundary_lm

        return default_boundary_lm()
    except Exception as error:  # a missing model must not stop paragraph building
        log.debug("language model unavailable: %s", error)
        return None


def _reads_on(a: str, b: str) -> float | None:
    """`line_links.reads_on` with the reorderer's accent-free LM; None when it is unavailable."""
    from pipeline.repair.line_links import reads_on

    loaded = _boundary_lm()
    return None if loaded is None else reads_on(*loaded, a, b)


def _known_word(word: str) -> bool | None:
    """Whether the lexicon knows `word`; None when no lexicon is available."""
    try:
        from pipeline.repair.lexicon import get_lexicon
    except ImportError:
        return None
    try:
        return bool(get_lexicon().is_word(word.lower()))
    except Exception as error:  # a missing dictionary must not stop paragraph building
        log.debug("lexicon unavailable: %s", error)
        return None


def _joins(previous: LineCues, current: LineCues, previous_width: int,
           geometry: tuple[bool, bool] | None = None, spaced: bool | None = None) -> bool:
    """True when `current` continues the paragraph that `previous` belongs to.

    `geometry` (OCR'd pages that indent first lines): (`current` is indented, `previous`
    runs to the right margin). `spaced` (OCR'd pages that space their paragraphs,
    `line_spacing.paragraph_spaces`): a paragraph's space comes before `current` (True), or
    none does after a full line (False).
    """
    if wraps_capitals_title(previous, current, previous.length >= SHORT_RATIO * previous_width):
        return True  # a capitals title wrapped over two lines
    if current.starts_paragraph or previous.is_caps:
        return False
    if current.bullet and _NUMBER_AFTER_DASH.match(current.text) \
            and not previous.text[-1:].isdigit():
        return False  # "- 100% các khu …": an item opening with a number, not a range's dash
    if geometry is not None and geometry[0] and not geometry[1]:
        return False  # stopped short, then indented: a new paragraph, whatever its case
    if spaced and not (current.continues_paragraph and not previous.ends_terminal):
        return False  # a paragraph's space before it (a sentence cut mid-way runs on:
        # a larger step there is a line the OCR lost, not a paragraph's end)
    if spaced is False and not (geometry is not None and geometry[0]):
        return True  # a full line, then the line pitch: the paragraph runs on
    if current.continues_paragraph:
        return True
    if geometry is not None:
        indented, previous_full = geometry
        if indented:
            return False  # an indented first line opens a paragraph
        if previous_full and not previous.is_caps:
            return True  # a full line, then one at the margin: the paragraph runs on
    if previous.length < SHORT_RATIO * previous_width:
        return False
    if previous.ends_terminal and _opens_sentence(current) \
            and not (previous.text.endswith(";") and _CITED_DOCUMENT.match(current.text)):
        return False  # ". ; :" then a capital or a bare number: a new paragraph, even if full
    if previous.ends_terminal and previous.length < CLOSED_RATIO * previous_width:
        return False
    if previous.enumerator is not None and not previous.ends_terminal \
            and previous.length < CLOSED_RATIO * previous_width and current.first_letter_case == "upper":
        return False
    if current.first_letter_case == "upper" \
            and had_room_for(previous.length, current.text, previous_width, ROOM_RATIO):
        return False  # an unpunctuated heading or paragraph end, then a capital
    return True


INDENT_MIN, INDENT_MAX = 0.6, 4.0
"""A first-line indent, in line heights from the left margin (official layout: 1-1.27 cm,
about two line heights at 13-14 pt); further in is centred text, not an indent."""


def _line_geometry(lines: Sequence[Line], cues: Sequence[LineCues],
                   page_starts: set[int]) -> list[tuple[bool, bool] | None]:
    """Per line: (indented, runs to the right margin), or None without usable boxes.

    Why: official directives indent each paragraph's first line; on an OCR'd page that is
    the cue text lacks (a sentence ending at a line end inside a paragraph, a paragraph
    ending on a full line). Only pages that indent their paragraphs use it: at least half of
    the lines that look like a paragraph's first by their words (a capital after ". ; :",
    no label) are indented, or, with no such line, at least two lines are. A block-style
    page, or one that indents only its dashes and numbers, keeps the text cues.
    """
    out: list[tuple[bool, bool] | None] = [None] * len(lines)
    for _, boxed, height in pages_of_boxed_lines(lines, page_starts):
        lefts = sorted(box[0] for box in boxed.values())
        rights = sorted(box[2] for box in boxed.values())
        margin, right = lefts[len(lefts) // 5], rights[(4 * len(rights)) // 5]
        shapes = {}
        for k, (x0, _, x1, _) in boxed.items():
            indent = x0 - margin
            shapes[k] = (INDENT_MIN * height <= indent <= INDENT_MAX * height, x1 >= right - height)
        # lines that look like a paragraph's first by their words: after ". ; :", a capital
        looks_first = [k for k in boxed if k - 1 in shapes and cues[k - 1].ends_terminal
                       and cues[k].first_letter_case == "upper"
                       and not (cues[k].item or cues[k].bullet)]
        indented_first = sum(shapes[k][0] for k in looks_first)
        if (2 * indented_first >= len(looks_first) if looks_first
                else sum(indented for indented, _ in shapes.values()) >= 2):
            for k, shape in shapes.items():
                out[k] = shape
    return out


_CLOSES_SENTENCE = TERMINAL.replace(";", "")
"""What ends a sentence for good (a ";" lets a list go on)."""

READS_ON_EXCESS = 4.0
"""log10 margin by which a capitalised line must read better as the rest of the sentence
before a blank line (or a page turn without usable boxes) than as a new paragraph
(`_cut_before_capital`); chosen on the tune half of `bench_paragraphs.py --page-breaks`."""
MIN_CUT_LENGTH = 40
"""A line shorter than this (a table cell, a form field, a heading) is not believed cut."""


def _runs_across_blank(previous: LineCues, current: LineCues) -> bool:
    """Tell whether `current`, after one blank line, goes on with the sentence `previous` left open.

    Why: text extracted page by page puts a blank line where a page ended, often mid-
    sentence, even mid-word ("… phòng cháy, chữa" + blank + "cháy và cứu nạn …"). A line opening
    in lowercase continues a sentence; it does so across the blank line when `previous`
    did not close one (". : ! ?") and is no heading. A dash item written in lowercase
    ("- tăng cường …") is an item, not a continuation.
    """
    return (current.continues_paragraph and current.text[:1] not in "-–—+•*"
            and not previous.is_caps and previous.text[-1:] not in _CLOSES_SENTENCE)


def _cut_before_capital(previous: LineCues, current: LineCues,
                        reads_on: Callable[[str, str], float | None] | None) -> bool:
    """Tell whether capitalised `current`, after a blank line or a page turn, continues `previous`.

    Why: a page break often falls mid-sentence before a capitalised word ("… theo quy định
    của" + blank + "Chính phủ …", "… giao cho Ủy ban" + "Nhân dân tỉnh …"), and no layout
    cue tells that from a new paragraph: the language model does. Only for a long line left
    open (no ". ; : ! ?", not a capitals line, not a numbered heading under 100 characters;
    a lettered point "b) …" may be cut) and a plain line after it (no label, no bullet, no
    capitals heading).
    """
    if reads_on is None or current.first_letter_case != "upper" or current.starts_paragraph:
        return False
    if previous.is_caps or previous.length < MIN_CUT_LENGTH or previous.text[-1:] in TERMINAL:
        return False
    if previous.enumerator is not None and previous.enumerator.style != "letter" \
            and previous.length < 100:
        return False  # "4. Các sở, ngành thuộc lĩnh vực …": a numbered heading, then its text
    excess = reads_on(previous.text, current.text)
    return excess is not None and excess >= READS_ON_EXCESS


def _dash_runs_on(previous: LineCues, current: LineCues, previous_width: int,
                  reads_on: Callable[[str, str], float | None] | None) -> bool:
    """Tell whether `current`, opening with a dash, is the rest of a name cut at its dash.

    Why: a wrap may fall right before the dash of a compound name ("… của Bộ Lao động" +
    "- Thương binh và Xã hội", "… Độc lập" + "- Tự do - Hạnh phúc", "ĐỊNH MỨC KINH TẾ" +
    "- KỸ THUẬT …"), and the dash then reads as a bullet. Only after a full line left open
    (no ". ; : ! ?"), and only when the language model reads the line as going on with it
    by `READS_ON_EXCESS`: real dash items after an open line score below 2 on the tune half.
    """
    if reads_on is None or not current.bullet or current.text[:1] not in "-–":
        return False
    if previous.ends_terminal or previous.length < CLOSED_RATIO * previous_width:
        return False
    excess = reads_on(previous.text, current.text)
    return excess is not None and excess >= READS_ON_EXCESS


def _opens_sentence(cues: LineCues) -> bool:
    """Tell whether a line opens like a sentence: with a capital, or is a bare number.

    Why: after a line closed by ". ; :" a line holding only a number ("3", "4-5", a table
    cell or score the text layer put on its own line) starts something new as a capital
    does; the letter-case test saw no letter in it and glued it to the closed line.
    """
    return cues.first_letter_case == "upper" or (
        cues.first_letter_case == "none" and cues.text[:1].isdigit())


def _glue(text: str, line: Line, is_known: Callable[[str], bool | None]) -> tuple[str, Edit | None]:
    """Append `line` to paragraph `text`, undoing a line-end hyphen when the word is known."""
    following = line.text.strip()
    head = text.rstrip()
    if len(head) >= 2 and head.endswith("-") and head[-2].isalpha() and following[:1].isalnum():
        left = head[:-1].split()[-1] if head[:-1].split() else ""
        right = following.split()[0]
        right_word = "".join(ch for ch in right if ch.isalpha())
        joined = left + right_word
        if following[:1].islower() and left.isalpha() and right_word and is_known(joined):
            return head[:-1] + following, None
        return head + following, None
    return head + " " + following, None


def _hyphen_edit(line: Line, joined: str) -> Edit:
    offset = len(line.text.rstrip()) - 1
    return Edit(line_id=line.id, start=offset, end=offset + 1, before="-", after="",
                kind="hyphenation", confidence=0.9,
                reason=f"line-end hyphen removed: '{joined}' is a dictionary word")


def _recipient_continuations(document: Document) -> set[str]:
    """Ids of lines that go on with the recipient item of the line read right above them.

    Why: the structure stage reads the recipients list whole ("Nơi nhận:" and its "- …"
    items), so it knows an item wrapped in the narrow column even where the words alone
    read as a new paragraph ("- VPUBTP: …, các phòng, đơn vị:" + "ĐMPT, TH, TTDL&CNS;").
    Only lines read one after the other (a signature line read in between keeps its place)
    and only where the item visibly goes on: the line above stops at ":" or ",", or the
    item's last line ends like an item, with ";" (the builder also wants no label or dash on
    the line, from the cues it has already read). The structure
    stage's list is looser than that (on the typed corpus it also takes a form's notes
    "(1) …" after "Ghi chú:", a drafter's initials after "- Lưu: VT.", a form field "Nơi
    nhận trợ cấp …").
    """
    lines = document.lines
    position = {line.id: index for index, line in enumerate(lines)}
    out: set[str] = set()
    for item in (document.structure or {}).get("recipients") or []:
        ids = [line_id for line_id in item.get("line_ids", []) if line_id in position]
        ends_item = bool(ids) and lines[position[ids[-1]]].text.strip().endswith(";")
        for a, b in zip(ids, ids[1:], strict=False):
            if position[b] == position[a] + 1 and (
                    ends_item or lines[position[a]].text.strip().endswith((":", ","))):
                out.add(b)
    return out


def _paragraphs_of_lines(lines: Sequence[Line], page_starts: set[int],
                         is_known: Callable[[str], bool | None],
                         reads_on: Callable[[str, str], float | None] | None,
                         continued: set[str] | None = None) -> list[Paragraph]:
    blocks: list[int] = []  # runs of lines between blank lines (a blank line in none of them)
    block = 0
    for index, line in enumerate(lines):
        is_blank = not line.text.strip()
        if is_blank or index in page_starts:
            block += 1
        blocks.append(-1 if is_blank else block)
    cues = [line_cues(line.text) for line in lines]
    widths = [max(MIN_WRAP_WIDTH, width)
              for width in local_wrap_widths([c.length for c in cues], blocks)]
    geometry = _line_geometry(lines, cues, page_starts)
    spaces = paragraph_spaces(lines, cues, page_starts)
    out: list[Paragraph] = []
    firsts: list[int] = []  # the first line of each paragraph in `out`
    body = -1  # the paragraph in `out` that the last body line went to (marginalia come between)
    blank = 0
    previous: int | None = None
    last: int | None = None  # the last non-blank line, across blank lines
    for index, line in enumerate(lines):
        if not line.text.strip():
            blank += 1
            previous = None
            continue
        if line.role == MARGINALIA:
            # a page number or a clerk's note (pipeline.layout put it after its page's text):
            # a paragraph of its own, and the text may run on past it onto the next page
            text = line.text.strip()
            kind = PAGE_NUMBER if looks_like_page_number(text) else MARGINALIA
            out.append(Paragraph(text=text, line_ids=[line.id], kind=kind, blank_before=blank))
            firsts.append(index)
            blank = 0
            continue
        if previous is None and blank == 1 and last is not None \
                and (_runs_across_blank(cues[last], cues[index])
                     or _cut_before_capital(cues[last], cues[index], reads_on)):
            previous, blank = last, 0  # a sentence cut by a blank line (a page break)
        last = index
        boxed = (previous is not None and geometry[index] is not None
                 and geometry[previous] is not None)
        turned = index in page_starts  # the first line of a page (scans: a new sheet)
        joins = previous is not None and (
            not turned or cues[index].continues_paragraph or boxed
            or _cut_before_capital(cues[previous], cues[index], reads_on))
        shape = None
        if boxed and (turned or line.block == lines[previous].block):
            # one OCR text block (one column, no gap), or the top of the next sheet
            shape = (geometry[index][0], geometry[previous][1])
        spaced = spaces[index] if previous == index - 1 else None
        runs_on = previous is not None and (
            (continued is not None and line.id in continued and previous == index - 1
             and cues[index].enumerator is None and not cues[index].bullet)
            or _joins(cues[previous], cues[index], widths[previous], shape, spaced)
            or (not (shape and shape[0])  # an indented dash line is an item
                and _dash_runs_on(cues[previous], cues[index], widths[previous], reads_on)))
        if joins and previous is not None and runs_on:
            paragraph = out[body]
            before = paragraph.text
            paragraph.text, _ = _glue(paragraph.text, line, is_known)
            if before.rstrip().endswith("-") and not paragraph.text.startswith(before.rstrip()):
                joined = before.rstrip()[:-1].split()[-1] + line.text.strip().split()[0]
                paragraph.edits.append(_hyphen_edit(lines[previous], joined))
            paragraph.line_ids.append(line.id)
        else:
            text = line.text.strip()
            out.append(Paragraph(text=text, line_ids=[line.id], kind=paragraph_kind(cues[index], text),
                                 blank_before=blank))
            firsts.append(index)
            body = len(out) - 1
        blank = 0
        previous = index
    for paragraph, first in zip(out, firsts, strict=True):
        if len(paragraph.line_ids) > 1 and paragraph.kind == "heading":
            # judged on its first line; whole, a long or full-stopped one is an item
            paragraph.kind = ("item" if len(paragraph.text) >= 120
                              else paragraph_kind(cues[first], paragraph.text))
    return out


def build_paragraphs(source: Document | Sequence[Line] | Sequence[str],
                     is_known: Callable[[str], bool | None] | None = None,
                     reads_on: Callable[[str, str], float | None] | None = _reads_on,
                     ) -> list[Paragraph]:
    """Paragraphs of a Document (also stored in `doc.paragraphs`, edits in `doc.edits`), Lines or strings.

    `is_known(word)` decides whether a hyphenated word is a dictionary word (default: the
    project lexicon; None or False keeps the hyphen). `reads_on(a, b)`: how much better
    (log10) line b reads as going on with a's sentence than as a new paragraph (default: the
    accent-free LM; None: a blank line, or a page turn without boxes, is crossed only by a
    line opening in lowercase).
    """
    checker = is_known or _known_word
    if isinstance(source, Document):
        lines = source.lines
        starts: set[int] = set()
        position = 0
        for page in source.pages:
            if position:
                starts.add(position)
            position += len(page.lines)
        paragraphs = _paragraphs_of_lines(lines, starts, checker, reads_on,
                                          _recipient_continuations(source))
        source.paragraphs = [paragraph.to_dict() for paragraph in paragraphs]
        for paragraph in paragraphs:
            source.edits.extend(paragraph.edits)
        return paragraphs
    items = list(source)
    as_lines = [item if isinstance(item, Line) else Line(id=f"l{n}", text=str(item))
                for n, item in enumerate(items, start=1)]
    return _paragraphs_of_lines(as_lines, set(), checker, reads_on)


def render_paragraphs(paragraphs: Sequence[Paragraph]) -> str:
    """Render plain text: a paragraph per line, blank lines before each kept.

    Page numbers are left out (see the module docstring).
    """
    return "\n".join("\n" * p.blank_before + p.text for p in paragraphs
                     if p.kind != PAGE_NUMBER) + "\n"
