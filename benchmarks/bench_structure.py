"""Header-field accuracy and speed of `extract_structure` on the official corpus.

Measures number, issued_date, place and doc_type exactly right per document, on the
held-out split (the figure to report) or the training split (for development).

Truth labels: `independent_labels` below proposes them with a deliberately simpler
method (plain regular expressions on the first 1,500 characters, no accent folding,
no segmenting); for the held-out split every proposal was then checked by hand
against the document's header and corrected where wrong; the reviewed labels live in
`benchmarks/data/structure_heldout_labels.json`, keyed by the SHA-1 of the document
text (no corpus text is stored). Training-split labels are the unreviewed proposals.

Run from the repo root:
    .venv/bin/python benchmarks/bench_structure.py                 # held-out, reviewed labels
    .venv/bin/python benchmarks/bench_structure.py --split train   # development figure
    .venv/bin/python benchmarks/bench_structure.py --propose       # rewrite proposals (held-out)
    OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/bench_structure.py --ocr   # rendered + OCRed
    OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/bench_structure.py --closing  # closing block

`--ocr` renders the first page of each held-out document that has an official header
(`pipeline.render.layout_from_corpus`), degrades it like a scan (turned 1.2°, blurred,
noisy), reads it with real Tesseract (repair off, so the figure is structure on raw OCR)
and compares the same four fields with the same labels.

`--closing` renders whole held-out documents, reads them as `vidoc run` does (OCR and
repair) and scores the closing block: the signer and the recipient items (`measure_closing`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.corpus import OFFICIAL_FILES, default_corpus_dir, iter_split  # noqa: E402
from pipeline.document import Document, Line, Page  # noqa: E402
from pipeline.structure import extract_structure  # noqa: E402

LABELS = Path(__file__).resolve().parent / "data" / "structure_heldout_labels.json"
FIELDS = ("number", "issued_date", "place", "doc_type")
TYPES = (
    "THÔNG TƯ LIÊN TỊCH",
    "BỘ LUẬT",
    "ĐIỀU LỆ",
    "NGHỊ QUYẾT",
    "QUYẾT ĐỊNH",
    "CHỈ THỊ",
    "KẾ HOẠCH",
    "HƯỚNG DẪN",
    "THÔNG BÁO",
    "KẾT LUẬN",
    "CÔNG ĐIỆN",
    "THÔNG TƯ",
    "NGHỊ ĐỊNH",
    "PHÁP LỆNH",
    "LUẬT",
    "QUY ĐỊNH",
    "QUY CHẾ",
    "BÁO CÁO",
    "TỜ TRÌNH",
    "ĐỀ ÁN",
    "CHƯƠNG TRÌNH",
    "LỆNH",
)


def doc_key(text: str) -> str:
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()


def independent_labels(text: str) -> dict[str, str | None]:
    """A simple, separate reading of the header, used to propose truth labels."""
    head = text[:1500]
    number = None
    m = re.search(
        r"(?:^|\s)(?:Số\s*:?|(?:Bộ luật|Luật|Nghị quyết|Pháp lệnh) số\s*:)"
        r"\s*(\d\S*[A-Z]\S*(?: - \S+)?)",
        head,
    )
    if m:
        number = m.group(1).rstrip(".,;")
    date = place = None
    d = re.search(r"([^\n,]*?),?\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", head)
    if d:
        date = dt.date(int(d.group(4)), int(d.group(3)), int(d.group(2))).isoformat()
        words = d.group(1).split()
        taken = []
        for w in reversed(words):
            if w[:1].isupper() or w in ("phố",):
                taken.append(w)
            else:
                break
        place = " ".join(reversed(taken)) or None
    start = d.end() if d else (m.end() if m else 0)
    doc_type = None
    best = None
    for t in TYPES:
        for tm in re.finditer(rf"(?<![\wÀ-ỹ]){t}(?![\wÀ-ỹ])", head[start:]):
            if (
                best is None
                or tm.start() < best[0]
                or (tm.start() == best[0] and len(t) > len(best[1]))
            ):
                best = (tm.start(), t)
            break
    if best:
        doc_type = best[1]
    elif re.search(r"^V/[vV]", head, re.M):
        doc_type = "CÔNG VĂN"
    return {"number": number, "issued_date": date, "place": place, "doc_type": doc_type}


def to_document(text: str, source: str) -> Document:
    lines = [Line(id=f"p1-l{i}", text=t) for i, t in enumerate(text.split("\n"))]
    return Document(source=source, kind="text", pages=[Page(number=1, lines=lines)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("heldout", "train"), default="heldout")
    parser.add_argument("--propose", action="store_true", help="write proposed held-out labels")
    parser.add_argument("--show", type=int, default=20, help="failures to print")
    parser.add_argument("--ocr", action="store_true", help="render, degrade and OCR first pages")
    parser.add_argument("--limit", type=int, default=0, help="--ocr: at most this many pages")
    parser.add_argument("--closing", action="store_true",
                        help="render whole documents, OCR them, score signer and recipients")
    args = parser.parse_args()
    corpus = default_corpus_dir()
    if corpus is None:
        print("corpus not found (../shared/corpus or $VIDOC_CORPUS); nothing to measure")
        return 0
    heldout = args.split == "heldout"
    docs = [(f, t) for f in OFFICIAL_FILES for t in iter_split(corpus / f, heldout=heldout)]

    if args.propose:
        LABELS.parent.mkdir(parents=True, exist_ok=True)
        labels = {
            doc_key(t): {
                **independent_labels(t),
                "file": f,
                "reviewed": False,
                "head": t[:160].replace("\n", " | "),
            }
            for f, t in docs
        }
        LABELS.write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {len(labels)} proposals to {LABELS}")
        return 0

    reviewed = json.loads(LABELS.read_text(encoding="utf-8")) if heldout and LABELS.exists() else {}
    if args.closing:
        return measure_closing(docs, args.limit)
    if args.ocr:
        return measure_ocr(docs, reviewed, args.limit)
    per_file: dict[str, list[int]] = {}
    field_ok = dict.fromkeys(FIELDS, 0)
    failures = []
    seconds = 0.0
    chars = 0
    for f, text in docs:
        truth = reviewed.get(doc_key(text)) or independent_labels(text)
        doc = to_document(text, f)
        t0 = time.perf_counter()
        extract_structure(doc)
        seconds += time.perf_counter() - t0
        chars += len(text)
        got = {k: doc.structure.get(k) for k in FIELDS}
        ok = all(got[k] == truth[k] for k in FIELDS)
        for k in FIELDS:
            field_ok[k] += got[k] == truth[k]
        stats = per_file.setdefault(f, [0, 0])
        stats[0] += ok
        stats[1] += 1
        if not ok:
            failures.append(
                (
                    f,
                    {k: (truth[k], got[k]) for k in FIELDS if got[k] != truth[k]},
                    text[:200].replace("\n", " | "),
                )
            )
    n = len(docs)
    total_ok = sum(s[0] for s in per_file.values())
    label_kind = "reviewed" if reviewed else "unreviewed proposals"
    print(f"split={args.split} documents={n} labels={label_kind}")
    print("| file | documents | all 4 fields right |")
    print("|---|---|---|")
    for f, (ok, cnt) in per_file.items():
        print(f"| {f} | {cnt} | {ok}/{cnt} ({100 * ok / cnt:.1f} %) |")
    print(f"| **all** | {n} | {total_ok}/{n} ({100 * total_ok / max(n, 1):.1f} %) |")
    print("| field | right |")
    print("|---|---|")
    for k in FIELDS:
        print(f"| {k} | {field_ok[k]}/{n} ({100 * field_ok[k] / max(n, 1):.1f} %) |")
    print(f"speed: {n / seconds:.1f} documents/s, {chars / seconds / 1e6:.2f} M chars/s")
    for f, diff, head in failures[: args.show]:
        print("FAIL", f, json.dumps(diff, ensure_ascii=False), "::", head)
    return 0


def measure_ocr(docs: list[tuple[str, str]], reviewed: dict, limit: int = 0) -> int:
    """Header fields on rendered, degraded, Tesseract-read first pages (see module docstring)."""
    import os
    import tempfile

    from pipeline.config import RepairSettings, RunSettings
    from pipeline.render import degrade, layout_from_corpus, render_page
    from pipeline.runner import read_document

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    right = total = 0
    field_ok = dict.fromkeys(FIELDS, 0)
    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        settings = RunSettings(outdir=Path(tmp), repair=RepairSettings(enabled=False))
        for index, (f, text) in enumerate(docs):
            layout = layout_from_corpus(text)
            if layout is None or (limit and total >= limit):
                continue
            truth = reviewed.get(doc_key(text)) or independent_labels(text)
            image, _ = render_page(layout)
            page = degrade(
                image, rotate_deg=1.2 if index % 2 else -1.2, blur=0.6, noise=6.0, seed=index
            )
            path = Path(tmp) / f"page{index}.png"
            page.save(path, dpi=(300, 300))
            t0 = time.perf_counter()
            doc = extract_structure(read_document(path, settings))
            seconds += time.perf_counter() - t0
            got = {k: doc.structure.get(k) for k in FIELDS}
            total += 1
            ok = all(got[k] == truth[k] for k in FIELDS)
            right += ok
            for k in FIELDS:
                field_ok[k] += got[k] == truth[k]
            if not ok:
                print(
                    "FAIL",
                    f,
                    json.dumps(
                        {k: (truth[k], got[k]) for k in FIELDS if got[k] != truth[k]},
                        ensure_ascii=False,
                    ),
                )
    print(f"rendered+OCR pages={total} (repair off, turned ±1.2°, blur 0.6, noise 6)")
    print(f"| all 4 fields right | {right}/{total} ({100 * right / max(total, 1):.1f} %) |")
    for k in FIELDS:
        print(f"| {k} | {field_ok[k]}/{total} |")
    print(f"OCR + structure: {seconds / max(total, 1):.1f} s/page")
    return 0


def measure_closing(docs: list[tuple[str, str]], limit: int = 0) -> int:
    """Signer and recipients of whole rendered, degraded, OCRed documents (`vidoc run`'s path).

    Truth is what the renderer drew (`DirectiveLayout.signature`, `.recipients`): the signer
    is the signature's last line (when it is a name: documents whose corpus text runs an
    annex title into the signature are left out of that count), the recipients its "- …"
    items. A document's signer is
    right when extracted exactly; a recipient is right when an extracted item reads the
    same once spaces are squashed. The official layout puts the signature block beside the
    recipients, so the two columns' lines reach the structure stage interleaved.
    """
    import os
    import tempfile

    from pipeline.config import RunSettings
    from pipeline.render import degrade, layout_from_corpus, render_document
    from pipeline.runner import process_document
    from pipeline.structure.text import is_person_name, squash

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    documents = named = signers = items = items_right = 0
    with tempfile.TemporaryDirectory() as tmp:
        settings = RunSettings(outdir=Path(tmp))
        for index, (f, text) in enumerate(docs):
            layout = layout_from_corpus(text)
            if layout is None or not layout.recipients or not layout.signature:
                continue
            if limit and documents >= limit:
                break
            pages = [degrade(p.image, rotate_deg=0.8 if n % 2 else -0.8, blur=0.6, noise=6.0,
                             seed=index * 10 + n).convert("RGB")
                     for n, p in enumerate(render_document(layout))]
            path = Path(tmp) / f"doc{index}.pdf"
            pages[0].save(path, save_all=True, append_images=pages[1:], resolution=300)
            doc = process_document(path, settings)  # OCR, reorder, repair, structure
            signature = doc.structure.get("signature") or {}
            found = {squash(item["text"]) for item in doc.structure.get("recipients") or []}
            truth_items = [squash(line.lstrip("-–+• ")) for line in layout.recipients
                           if line.lstrip().startswith(("-", "+", "•"))]
            documents += 1
            truth_signer = layout.signature[-1] if is_person_name(layout.signature[-1]) else None
            named += truth_signer is not None
            signers += truth_signer is not None and signature.get("signer") == truth_signer
            items += len(truth_items)
            right = sum(item in found for item in truth_items)
            items_right += right
            if (truth_signer and signature.get("signer") != truth_signer) or right < len(
                    truth_items):
                print("FAIL", f, index, json.dumps({
                    "signer": (truth_signer, signature.get("signer")),
                    "recipients": f"{right}/{len(truth_items)}"}, ensure_ascii=False))
    print(f"whole documents rendered, read as `vidoc run` does (OCR and repair): {documents}")
    print(f"| signer right | {signers}/{named} |")
    print(f"| recipients right | {items_right}/{items} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
