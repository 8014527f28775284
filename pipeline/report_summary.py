"""`vidoc report OUTDIR`: the run's confidence report as terminal tables.

Reads the Parquet tables a run wrote under `OUTDIR/report/` and prints what an analyst
needs to plan the checking: how much is flagged, the least confident documents and pages,
the edits by kind, the lines to check first, and the inputs that failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

TOP = 10
"""Rows shown in each "worst first" table."""


def _conf_style(value: Any) -> str:
    from pipeline.report import FLAG_BELOW

    if value is None or value != value:  # None or NaN
        return "dim"
    if value >= 0.9:
        return "green"
    if value >= FLAG_BELOW:
        return "yellow"
    return "red"


def _conf(value: Any) -> str:
    if value is None or value != value:
        return "—"
    style = _conf_style(value)
    return f"[{style}]{value:.3f}[/{style}]"


def _short(text: Any, width: int = 70) -> str:
    """One line of at most `width` characters, escaped so "[...]" in a document stays text."""
    text = " ".join(str(text).split())
    return escape(text if len(text) <= width else text[: width - 1] + "…")


def overview_table(frames: dict[str, Any]) -> Table:
    """One row of run totals: documents, failures, pages, lines, flagged share, edits."""
    documents, lines = frames["documents"], frames["lines"]
    flagged = int(lines["flagged"].sum()) if len(lines) else 0
    share = flagged / len(lines) if len(lines) else 0.0
    ok = documents[documents["status"] == "ok"]
    table = Table(title="Run", title_justify="left")
    for column in ("documents", "failed", "pages", "lines", "flagged lines", "flagged share",
                   "edits", "mean line confidence"):
        table.add_column(column, justify="right")
    mean = float(lines["confidence"].mean()) if len(lines) else None
    table.add_row(str(len(documents)), str(len(documents) - len(ok)), str(len(frames["pages"])),
                  str(len(lines)), str(flagged), f"{100 * share:.1f} %",
                  str(len(frames["edits"])), _conf(mean))
    return table


def worst_documents_table(frames: dict[str, Any], top: int = TOP) -> Table:
    """List the least confident documents (lowest mean line confidence, then most flagged)."""
    documents = frames["documents"]
    ok = documents[documents["status"] == "ok"].sort_values(  # no text at all: first
        ["mean_confidence", "flagged_lines"], ascending=[True, False], na_position="first")
    table = Table(title=f"Least confident documents (of {len(ok)})", title_justify="left")
    for column, justify in (("document", "left"), ("pages", "right"), ("lines", "right"),
                            ("flagged", "right"), ("edits", "right"), ("mean conf.", "right"),
                            ("min conf.", "right"), ("seconds", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in ok.head(top).itertuples():
        table.add_row(_short(row.document, 40), str(row.pages), str(row.lines),
                      str(row.flagged_lines), str(row.edits), _conf(row.mean_confidence),
                      _conf(row.min_confidence), f"{row.seconds:.1f}")
    return table


def worst_pages_table(frames: dict[str, Any], top: int = TOP) -> Table:
    """List the pages with the most flagged lines (ties: lowest mean confidence)."""
    pages = frames["pages"].sort_values(["flagged_lines", "mean_confidence"],
                                        ascending=[False, True])
    table = Table(title=f"Pages to check first (of {len(pages)})", title_justify="left")
    for column, justify in (("document", "left"), ("page", "right"), ("lines", "right"),
                            ("flagged", "right"), ("edits", "right"), ("mean conf.", "right"),
                            ("skew °", "right"), ("rotation °", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in pages.head(top).itertuples():
        table.add_row(_short(row.document, 40), str(row.page), str(row.lines),
                      str(row.flagged_lines), str(row.edits), _conf(row.mean_confidence),
                      f"{row.skew_deg:.2f}", str(row.rotation_deg))
    return table


def edits_by_kind_table(frames: dict[str, Any]) -> Table:
    """How many changes of each kind the repair made, and how sure it was of them."""
    from pipeline.report import FLAG_BELOW

    edits = frames["edits"]
    table = Table(title=f"Edits by kind ({len(edits)} in all)", title_justify="left")
    for column in ("kind", "edits", "share", "mean conf.", f"below {FLAG_BELOW:g}"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    if len(edits):
        grouped = edits.groupby("kind")["confidence"]
        summary = grouped.agg(["count", "mean"]).sort_values("count", ascending=False)
        unsure = edits[edits["confidence"] < FLAG_BELOW].groupby("kind").size()
        for kind, row in summary.iterrows():
            table.add_row(str(kind), str(int(row["count"])),
                          f"{100 * row['count'] / len(edits):.1f} %", _conf(row["mean"]),
                          str(int(unsure.get(kind, 0))))
    return table


def lines_to_check_table(frames: dict[str, Any], top: int = TOP) -> Table:
    """List the least confident flagged lines, with what OCR said where the repair changed it."""
    lines = frames["lines"]
    flagged = lines[lines["flagged"]].sort_values("confidence").head(top)
    table = Table(title=f"Lines to check first (of {int(lines['flagged'].sum())} flagged)",
                  title_justify="left")
    for column, justify in (("document", "left"), ("line", "left"), ("conf.", "right"),
                            ("text", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in flagged.itertuples():
        text = _short(row.text)
        if row.original_text is not None and row.original_text != row.text:
            text += f"\n[dim]was: {_short(row.original_text)}[/dim]"
        table.add_row(_short(row.document, 30), str(row.line), _conf(row.confidence), text)
    return table


def errors_table(frames: dict[str, Any]) -> Table:
    """List the inputs that failed, with their one-line reason."""
    table = Table(title=f"Failed inputs ({len(frames['errors'])})", title_justify="left")
    table.add_column("document")
    table.add_column("error", style="red")
    for row in frames["errors"].itertuples():
        table.add_row(_short(row.document, 40), escape(str(row.error)))
    return table


def print_summary(outdir: Path, console: Console | None = None) -> None:
    """Print the run's confidence summary (reads `outdir/report/*.parquet`)."""
    from pipeline.report_html import load_frames

    console = console or Console()
    frames = load_frames(Path(outdir))
    console.print(overview_table(frames))
    console.print(worst_documents_table(frames))
    console.print(worst_pages_table(frames))
    console.print(edits_by_kind_table(frames))
    if frames["lines"]["flagged"].any():
        console.print(lines_to_check_table(frames))
    if len(frames["errors"]):
        console.print(errors_table(frames))
    html = Path(outdir) / "report.html"
    if html.exists():
        console.print(f"Review page: {escape(str(html))}")
