"""The command line: the only place that parses arguments.

Options become one typed `RunSettings`; the library does the work. A failure we
understand prints one line naming the file and the reason (a traceback only with -v).
Exit codes: 0 all inputs succeeded, 1 some failed, 2 bad usage.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from pipeline import __version__
from pipeline.config import ALL_FORMATS, DEFAULT_FORMATS, OcrSettings, RepairSettings, RunSettings
from pipeline.errors import ExitCode, VidocError

if TYPE_CHECKING:
    from pipeline.document import Edit

app = typer.Typer(
    name="vidoc",
    help="Turn scanned Vietnamese directives into clean, structured, auditable text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("vidoc")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s" if verbose else "vidoc: %(message)s",
        stream=sys.stderr,
    )


def _fail(message: str, code: ExitCode) -> NoReturn:
    typer.echo(f"vidoc: {message}", err=True)
    raise typer.Exit(int(code))


def _parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [name for name in formats if name not in ALL_FORMATS]
    if unknown or not formats:
        raise typer.BadParameter(
            f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {','.join(ALL_FORMATS)}")
    return formats


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vidoc {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """vidoc: OCR, repair and structure for scanned Vietnamese directives."""


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="PDF, TIFF, PNG, JPEG or .txt files, or folders of them (searched recursively).")],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Output folder: OUTDIR/<stem>/… per document and OUTDIR/report/ per run.")],
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Parallel worker processes (0, the default: all cores).")] = 0,
    resume: Annotated[bool, typer.Option("--resume", help="Skip documents already finished with the same input and settings.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Tesseract language model, e.g. vie or Vietnamese.")] = "vie",
    dpi: Annotated[int, typer.Option("--dpi", min=72, max=1200, help="Rasterisation resolution for PDF pages.")] = 300,
    formats: Annotated[str, typer.Option("--formats", help=f"Comma-separated outputs from {','.join(ALL_FORMATS)}.")] = ",".join(DEFAULT_FORMATS),
    include: Annotated[list[str] | None, typer.Option("--include", help="Only files whose name matches this glob (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Skip files whose name matches this glob (repeatable).")] = None,
    keep_images: Annotated[bool, typer.Option("--keep-images", help="Keep the preprocessed page images in OUTDIR/<stem>/pages/.")] = False,
    no_repair: Annotated[bool, typer.Option("--no-repair", help="Skip the repair stage (raw OCR text).")] = False,
    no_reorder: Annotated[bool, typer.Option(
        "--no-reorder",
        help="Repair, but never move lines (folders known to be in reading order).")] = False,
    page_timeout: Annotated[float, typer.Option("--page-timeout", min=1.0, help="Seconds before OCR of one page is abandoned.")] = 120.0,
    executor: Annotated[str, typer.Option("--executor", help="local (process pool) or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address (with --executor dask).")] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Debug logging and tracebacks.")] = False,
) -> None:
    """OCR, repair and structure documents; write text, JSON, Markdown and a run report."""
    _setup_logging(verbose)
    if executor not in ("local", "dask"):
        raise typer.BadParameter("--executor must be local or dask")
    missing = [str(path) for path in inputs if not path.exists()]
    if missing and len(missing) == len(inputs):
        _fail(f"{missing[0]}: no such file or folder", ExitCode.bad_usage)
    settings = RunSettings(
        outdir=outdir,
        workers=workers or (os.cpu_count() or 1),
        resume=resume,
        formats=_parse_formats(formats),
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        executor=executor,
        scheduler=scheduler,
        ocr=OcrSettings(lang=lang, dpi=dpi, keep_images=keep_images, page_timeout_s=page_timeout),
        repair=RepairSettings(enabled=not no_repair, reorder=not no_reorder),
        verbose=verbose,
    )
    from pipeline.batch import run_batch
    from pipeline.progress import run_with_progress

    try:
        code = run_with_progress(run_batch, inputs, settings)
    except VidocError as error:
        if verbose:
            raise
        _fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        _fail(f"interrupted; the documents already finished are in {outdir} "
              "(run again with --resume to go on from there)", ExitCode.interrupted)
    raise typer.Exit(int(code))


@app.command()
def repair(
    input_path: Annotated[str, typer.Argument(metavar="INPUT.txt", help="Text to repair ('-' for standard input).")],
    output: Annotated[str, typer.Option("-o", "--output", help="Where to write the repaired text ('-' for standard output).")] = "-",
    edits: Annotated[Path | None, typer.Option("--edits", help="Write every change as CSV (line, span, before, after, kind, confidence, reason); as JSON when the name ends in .json.")] = None,
    no_reorder: Annotated[bool, typer.Option("--no-reorder", help="Do not put reversed lines back in order.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Debug logging and tracebacks.")] = False,
) -> None:
    """Restore diacritics, fix OCR garbles and line order in a text file."""
    _setup_logging(verbose)
    from pipeline.runner import repair_plain_text
    from pipeline.textio import decode_text_bytes

    for target in (output if output != "-" else None, edits):
        if target is not None and Path(target).is_dir():
            _fail(f"{target}: a folder, not a file to write", ExitCode.bad_usage)
    try:
        if input_path == "-":
            text = decode_text_bytes(sys.stdin.buffer.read(), "<stdin>")
        else:
            path = Path(input_path)
            if path.is_dir():
                _fail(f"{input_path}: a folder, not a text file (use `vidoc run` for folders)",
                      ExitCode.some_inputs_failed)
            if not path.is_file():
                _fail(f"{input_path}: no such file", ExitCode.some_inputs_failed)
            try:
                data = path.read_bytes()
            except OSError as error:
                _fail(f"{input_path}: cannot read ({error.strerror or error})",
                      ExitCode.some_inputs_failed)
            text = decode_text_bytes(data, input_path)
        settings = RunSettings(outdir=Path("."), repair=RepairSettings(reorder=not no_reorder))
        document = repair_plain_text(text, input_path, settings)
    except VidocError as error:
        if verbose:
            raise
        _fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        _fail(f"{input_path}: interrupted; nothing written", ExitCode.interrupted)
    repaired = "\n".join(line.text for line in document.lines)
    if text.endswith("\n"):
        repaired += "\n"
    if output == "-":
        sys.stdout.write(repaired)
    else:
        _write_or_fail(output, repaired)
    if edits is not None:
        _write_or_fail(edits, _edits_table(document.edits, as_json=edits.suffix.lower() == ".json"))


_EDIT_COLUMNS = ("line", "start", "end", "before", "after", "kind", "confidence", "reason")


def _edits_table(edits: list[Edit], as_json: bool) -> str:
    """Every change as CSV, or as a JSON list of records when the file is named *.json."""
    rows = [(edit.line_id, edit.start, edit.end, edit.before, edit.after, edit.kind,
             round(edit.confidence, 4), edit.reason) for edit in edits]
    if as_json:
        records = [dict(zip(_EDIT_COLUMNS, row, strict=True)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_EDIT_COLUMNS)
    for row in rows:
        writer.writerow([*row[:6], f"{row[6]:.4f}", row[7]])
    return buffer.getvalue()


def _write_or_fail(target: str | Path, text: str) -> None:
    """Write `text` atomically, or stop with one line naming the file and the reason."""
    from pipeline.atomic import write_text_atomic

    try:
        write_text_atomic(target, text)
    except OSError as error:
        _fail(f"{target}: cannot write ({error.strerror or error})", ExitCode.some_inputs_failed)


@app.command()
def report(
    outdir: Annotated[Path, typer.Argument(help="The OUTDIR of an earlier `vidoc run`.")],
) -> None:
    """Summarise a run's confidence report in the terminal."""
    from pipeline.report_summary import print_summary

    if not (outdir / "report" / "documents.parquet").exists():
        _fail(f"{outdir}: no run report found (expected {outdir}/report/documents.parquet)",
              ExitCode.bad_usage)
    print_summary(outdir)


@app.command("build-resources")
def build_resources(
    corpus: Annotated[Path, typer.Option("--corpus", help="The corpus folder (../shared/corpus).")] = Path("../shared/corpus"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Repository root to write dictionaries/ and models/ into.")] = Path("."),
) -> None:
    """Rebuild the dictionaries and language models from the corpus."""
    from pipeline.resources import build_all

    if not corpus.is_dir():
        _fail(f"{corpus}: corpus folder not found", ExitCode.bad_usage)
    build_all(corpus, output)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
