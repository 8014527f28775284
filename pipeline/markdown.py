"""`document.md`: a directive as Markdown an analyst can read and navigate.

A metadata table (issuer, number, date, type …) first, then the title as the top
heading, the preamble, the sections as headings by depth (Phần/Chương/I./Điều) or list
items (1., a), -, +) and the closing block. Documents without structure (the stage was
skipped or found nothing) fall back to their plain text, so the file is never empty.
"""

from __future__ import annotations

from typing import Any

from pipeline.document import Document
from pipeline.layout import looks_like_page_number

HEADING_KINDS = ("part", "chapter", "section", "roman", "article")


def _paragraphs(text: str) -> list[str]:
    """Join wrapped lines back into paragraphs: a paragraph ends at . ; : ! ? or ./."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        current.append(line)
        if line.endswith((".", ";", ":", "!", "?", "…", "./.")):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _escape_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _metadata_rows(structure: dict[str, Any]) -> list[tuple[str, str]]:
    issuer = structure.get("issuer") or {}
    signature = structure.get("signature") or {}
    rows = [
        ("Cơ quan chủ quản", issuer.get("parent")),
        ("Cơ quan ban hành", issuer.get("body")),
        ("Quốc hiệu", structure.get("national_header")),
        ("Số", structure.get("number")),
        ("Loại văn bản", structure.get("doc_type")),
        ("Nơi ban hành", structure.get("place")),
        ("Ngày ban hành", structure.get("issued_date")),
        ("Độ mật / khẩn", ", ".join(structure.get("marks") or []) or None),
        ("Người ký", signature.get("signer")),
        ("Chức vụ", " / ".join(signature.get("positions") or []) or None),
    ]
    return [(k, str(v)) for k, v in rows if v]


_PREFIX = {"part": "Phần ", "chapter": "Chương ", "section": "Mục ", "article": "Điều "}


def _label_text(node: dict[str, Any]) -> str:
    label = node.get("label") or ""
    kind = node["kind"]
    if kind in ("dash", "plus"):
        return ""
    if kind == "letter":
        return f"{label})"
    if kind == "paren":
        return f"({label})"
    if kind in ("part", "chapter", "section"):
        return f"{_PREFIX[kind]}{label}."
    return f"{_PREFIX.get(kind, '')}{label}."


def _render_nodes(nodes: list[dict[str, Any]], depth: int, list_depth: int, out: list[str]) -> None:
    """Sections with a heading become Markdown headings; the rest become list items."""
    for node in nodes:
        heading = node.get("heading")
        text = (node.get("text") or "").strip()
        label = _label_text(node)
        if list_depth == 0 and (heading or node["kind"] in HEADING_KINDS):
            title = " ".join(p for p in (label, heading or "") if p)
            out.append(f"\n{'#' * min(6, depth)} {title}\n")
            if text:
                out.append("\n\n".join(_paragraphs(text)) + "\n")
            _render_nodes(node["children"], depth + 1, 0, out)
            continue
        indent = "  " * list_depth
        lead = f"**{label}** " if label else ""
        body = " ".join(p for p in (f"**{heading}**" if heading else "", text) if p)
        body = f"\n{indent}  ".join(_paragraphs(body))
        out.append(f"{indent}- {lead}{body}".rstrip())
        _render_nodes(node["children"], depth, list_depth + 1, out)
        if list_depth == 0:
            out.append("")


def render_markdown(doc: Document) -> str:
    """Render a structured `Document` as Markdown (see module docstring)."""
    s = doc.structure or {}
    out: list[str] = []
    doc_type = s.get("doc_type")
    title = s.get("title")
    top = " ".join(p for p in (doc_type, title) if p) or doc.source
    out.append(f"# {top}\n")
    rows = _metadata_rows(s)
    if rows:
        out.append("| Trường | Giá trị |")
        out.append("|---|---|")
        out.extend(f"| {k} | {_escape_cell(v)} |" for k, v in rows)
        out.append("")
    notes = [m["text"] for m in s.get("marginalia") or [] if not looks_like_page_number(m["text"])]
    if notes:  # page numbers are the print's, not notes (they stay in document.json)
        out.append("> Ghi chú bên lề: " + " · ".join(notes) + "\n")
    if not s:
        out.append(doc.text())
        return "\n".join(out).rstrip() + "\n"
    preamble = (s.get("preamble") or {}).get("text")
    if preamble:
        out.append("\n\n".join(_paragraphs(preamble)) + "\n")
    _render_nodes(s.get("body") or [], 2, 0, out)
    if s.get("annexes"):
        out.append("\n## Phụ lục\n")
        _render_nodes(s["annexes"], 3, 0, out)
    if s.get("recipients"):
        out.append("\n## Nơi nhận\n")
        for item in s["recipients"]:
            indent = "  " * (item.get("level", 1) - 1)
            out.append(f"{indent}- {item['text']}")
        out.append("")
    signature = s.get("signature")
    if signature:
        out.append("\n## Chữ ký\n")
        for position in signature.get("positions") or []:
            out.append(f"**{position}**  ")
        if signature.get("signer"):
            out.append(signature["signer"])
        out.append("")
    if s.get("references"):
        out.append("\n## Văn bản được dẫn chiếu\n")
        out.append("| Loại | Số | Ngày | Cơ quan |")
        out.append("|---|---|---|---|")
        for ref in s["references"]:
            out.append(
                "| "
                + " | ".join(
                    _escape_cell(ref.get(k) or "") for k in ("type", "number", "date", "issuer")
                )
                + " |"
            )
        out.append("")
    return "\n".join(out).rstrip() + "\n"
