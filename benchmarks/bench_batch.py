"""Archive-scale batch runs: speed-up with workers, overhead over raw Tesseract, resume after
kill -9, resuming a finished run, peak memory on a long PDF, and a folder of bad files.

Run from the repository root:
    nice -n 10 .venv/bin/python benchmarks/bench_batch.py [--pages 8] [--long 300] [--repair]

Pages are rendered here (pipeline.render: A4, 300 dpi, directive text written for this
benchmark). The machine is shared: the load average is printed with every timing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from PIL import Image  # noqa: E402

from pipeline.render import render_document  # noqa: E402

ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
VIDOC = [sys.executable, "-m", "pipeline.cli", "run"]
PARAGRAPHS = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Nâng cao nhận thức, trách nhiệm của cấp ủy, chính quyền, cán bộ, đảng viên về công tác "
    "lưu trữ, số hóa tài liệu; bảo đảm hồ sơ được lập đầy đủ, đúng quy định, phục vụ kịp thời "
    "yêu cầu tra cứu của cơ quan, tổ chức và công dân.",
    "Việc triển khai phải thiết thực, hiệu quả, phù hợp với điều kiện của từng địa phương, đơn "
    "vị; gắn với cải cách hành chính và chuyển đổi số trong các cơ quan nhà nước.",
    "II. NHIỆM VỤ, GIẢI PHÁP",
    "1. Các sở, ban, ngành tổ chức rà soát, thống kê khối lượng tài liệu tồn đọng, tích đống; "
    "xây dựng kế hoạch chỉnh lý, số hóa theo thứ tự ưu tiên, hoàn thành trước ngày 31 tháng 12.",
    "2. Ủy ban nhân dân các huyện, thành phố bố trí kinh phí, nhân lực và kho lưu trữ đạt chuẩn; "
    "định kỳ sáu tháng báo cáo kết quả thực hiện về Sở Nội vụ để tổng hợp.",
    "3. Văn phòng tham mưu hướng dẫn nghiệp vụ, kiểm tra việc thực hiện; kịp thời đề xuất khen "
    "thưởng tập thể, cá nhân có thành tích, xử lý nghiêm các trường hợp vi phạm.",
]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def full_pages(count: int) -> list[Image.Image]:
    pages: list[Image.Image] = []
    while len(pages) < count:
        pages.extend(page.image for page in render_document(PARAGRAPHS * 3))
    return pages[:count]


def sparse_pdf(path: Path, count: int) -> None:
    """A PDF of `count` A4 300-dpi pages with little text: rasterising costs, OCR is quick."""
    base = render_document(["BIÊN BẢN LƯU TRỮ", PARAGRAPHS[2]])[0].image.convert("L")
    pages = [base] * count
    pages[0].save(path, resolution=300, save_all=True, append_images=pages[1:])


def run_vidoc(inputs: Path, outdir: Path, *extra: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [*VIDOC, str(inputs), "-o", str(outdir), *extra], env=ENV, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"vidoc failed ({result.returncode}): {result.stderr[-2000:]}")
    return seconds


def raw_tesseract(pages: list[Path], lang: str = "vie") -> float:
    started = time.perf_counter()
    for page in pages:
        subprocess.run(
            ["tesseract", str(page), "-", "-l", lang, "--psm", "3"],
            env=ENV,
            capture_output=True,
            check=True,
        )
    return time.perf_counter() - started


def raw_tesseract_parallel(pages: list[Path], processes: int = 2, lang: str = "vie") -> float:
    """The machine's own parallel speed right now: raw tesseract over `pages`, N at a time."""
    from concurrent.futures import ThreadPoolExecutor

    def one(page: Path) -> None:
        subprocess.run(
            ["tesseract", str(page), "-", "-l", lang, "--psm", "3"],
            env=ENV,
            capture_output=True,
            check=True,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=processes) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - started


def child_cpu() -> float:
    """User + system CPU seconds of every finished child (and their reaped children) so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_per_page(
    pages: list[Path], work: Path, extra: list[str], rounds: int = 3
) -> tuple[float, float, float]:
    """CPU seconds per page: raw tesseract; vidoc all-in; vidoc per extra page (no start-up).

    vidoc reads the pages as one multi-page TIFF: a single document runs in the vidoc
    process itself, so its tesseract children are reaped by it and their CPU is counted.
    The marginal cost compares the N-page TIFF with a 1-page TIFF of the first page. The
    three are measured in interleaved rounds and the medians kept: on this shared machine
    one round's marginal figure moved by ±0.15 s.
    """
    images = [Image.open(page) for page in pages]
    tiffs = {}
    for count in (len(pages), 1):
        tiffs[count] = work / f"pages{count}.tif"
        images[0].save(tiffs[count], save_all=True, append_images=images[1:count],
                       compression="tiff_deflate", dpi=(300, 300))
    raws, all_ins, marginals = [], [], []
    for number in range(rounds):
        before = child_cpu()
        for page in pages:
            subprocess.run(["tesseract", str(page), "-", "-l", "vie", "--psm", "3"], env=ENV,
                           capture_output=True, check=True)
        raws.append((child_cpu() - before) / len(pages))
        costs = []
        for count in (len(pages), 1):
            out = work / f"cpu{count}-{number}"
            before = child_cpu()
            run_vidoc(tiffs[count], out, "-w", "1", *extra)
            costs.append(child_cpu() - before)
            shutil.rmtree(out, ignore_errors=True)
        all_ins.append(costs[0] / len(pages))
        marginals.append((costs[0] - costs[1]) / (len(pages) - 1))
    median = statistics.median
    return median(raws), median(all_ins), median(marginals)


def outputs(outdir: Path) -> dict[str, str]:
    """What must match between runs: text, Markdown, and document.json without timings."""
    found = {}
    for folder in sorted(p for p in outdir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.name == "report":
            continue
        for name in ("text.txt", "document.md"):
            if (folder / name).exists():
                found[f"{folder.name}/{name}"] = (folder / name).read_text(encoding="utf-8")
        if (folder / "document.json").exists():
            data = json.loads((folder / "document.json").read_text(encoding="utf-8"))
            for page in data.get("pages", []):
                page.pop("seconds", None)
            found[f"{folder.name}/document.json"] = json.dumps(data, sort_keys=True)
    return found


def peak_tree_rss(command: list[str]) -> tuple[float, float]:
    """Run `command`; return (peak summed RSS of its process tree, seconds), sampled every 50 ms.

    A child caught between fork and exec still runs the parent's program and shares all of
    its pages; adding its RSS would count the parent twice (one such sample put a 10-page
    run at 418 MiB instead of about 270), so children with the parent's command line are
    left out.
    """
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            root_command = root.cmdline()  # read each time: at first it may not have exec'd yet
            tree = [root, *root.children(recursive=True)]
            total = 0
            for member in tree:
                try:
                    if member is not root and member.cmdline() == root_command:
                        continue  # forked, not yet exec'd: the parent's own pages
                    total += member.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.05)
    return peak / 2**20, time.perf_counter() - started


def kill_and_resume(inputs: Path, outdir: Path, extra: list[str], reference: Path) -> str:
    manifest = outdir / ".vidoc-manifest.jsonl"
    run = subprocess.Popen(
        [*VIDOC, str(inputs), "-o", str(outdir), *extra],
        env=ENV,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    total = len(list(inputs.glob("*.png")))
    while run.poll() is None:
        if manifest.exists() and manifest.read_text().count("\n") >= total // 2:
            break
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    done_at_kill = manifest.read_text().count("\n") if manifest.exists() else 0
    run_vidoc(inputs, outdir, *extra, "--resume")
    same = outputs(outdir) == outputs(reference)
    leftovers = [p.name for p in outdir.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    return (
        f"killed with {done_at_kill}/{total} documents recorded; after --resume outputs "
        f"{'IDENTICAL' if same else 'DIFFERENT'} to the uninterrupted run; "
        f"staging leftovers: {len(leftovers)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=8, help="A4 pages for the speed runs")
    parser.add_argument("--long", type=int, default=300, help="pages of the long PDF (0: skip)")
    parser.add_argument("--repair", action="store_true", help="include the repair stage")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved speed rounds")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "batch.md")
    args = parser.parse_args()
    extra = [] if args.repair else ["--no-repair"]
    work = Path(tempfile.mkdtemp(prefix="vidoc-bench-batch-"))
    report: list[str] = [
        f"# bench_batch ({time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} cores, {'with' if args.repair else 'without'} repair)",
        "",
        f"Command: `nice -n 10 .venv/bin/python benchmarks/bench_batch.py "
        f"--pages {args.pages} --long {args.long} --rounds {args.rounds}"
        f"{' --repair' if args.repair else ''}`",
        "",
    ]
    try:
        inputs = work / "pages"
        inputs.mkdir()
        paths = []
        for index, image in enumerate(full_pages(args.pages)):
            path = inputs / f"page{index:03d}.png"
            image.save(path, dpi=(300, 300))
            paths.append(path)
        rows = ["| measurement | value | load (1/5 min) |", "|---|---|---|"]
        # Interleaved rounds: the machine is shared, so each vidoc ratio is set beside the
        # same ratio for raw tesseract measured a moment earlier (the control).
        rounds = []
        for number in range(1, args.rounds + 1):
            raw = raw_tesseract(paths)
            raw2 = raw_tesseract_parallel(paths)
            shutil.rmtree(work / "w1", ignore_errors=True)
            shutil.rmtree(work / "w2", ignore_errors=True)
            one = run_vidoc(inputs, work / "w1", "-w", "1", *extra)
            two = run_vidoc(inputs, work / "w2", "-w", "2", *extra)
            rounds.append((raw, raw2, one, two))
            rows.append(
                f"| round {number}: raw tesseract 1 proc / 2 procs; vidoc -w 1 / -w 2 "
                f"| {raw:.1f} / {raw2:.1f} s (control speed-up {raw / raw2:.2f}×); "
                f"{one:.1f} / {two:.1f} s (vidoc speed-up {one / two:.2f}×, -w 1 = "
                f"{one / raw:.2f}× raw) | {load()} |"
            )
        control = statistics.median(r[0] / r[1] for r in rounds)
        speedup = statistics.median(r[2] / r[3] for r in rounds)
        overhead = statistics.median(r[2] / r[0] for r in rounds)
        rows.append(
            f"| median over {args.rounds} rounds | vidoc -w 2 speed-up {speedup:.2f}× (control "
            f"{control:.2f}×); vidoc -w 1 wall time {overhead:.2f}× raw tesseract | |"
        )
        raw, _, one, two = rounds[-1]
        seconds = [
            json.loads(line)["seconds"]
            for line in (work / "w1" / ".vidoc-manifest.jsonl").read_text().splitlines()
        ]
        median = statistics.median(seconds)
        rows.append(
            f"| per-document time inside the worker, -w 1 (last round) | median {median:.2f} "
            f"s/page ({median * args.pages / raw:.2f}× raw per page) | |"
        )
        again = run_vidoc(inputs, work / "w2", "-w", "2", *extra, "--resume")
        rows.append(
            f"| resume of the finished -w 2 run | {again:.1f} s ({again / two:.1%} of the run) "
            f"| {load()} |"
        )
        killed = kill_and_resume(inputs, work / "killed", ["-w", "2", *extra], work / "w2")
        rows.append(f"| kill -9 mid-run, then --resume | {killed} | {load()} |")
        raw_cpu, all_in, marginal = cpu_per_page(paths, work, extra, args.rounds)
        rows.append(
            f"| CPU per page (user+sys, load-independent; median of {args.rounds} interleaved "
            f"rounds): raw tesseract | {raw_cpu:.2f} s "
            f"| {load()} |"
        )
        rows.append(
            f"| CPU per page, vidoc on the same pages ({args.pages}-page TIFF) | all-in "
            f"{all_in:.2f} s ({all_in / raw_cpu:.2f}×); each extra page {marginal:.2f} s "
            f"({marginal / raw_cpu:.2f}×) | {load()} |"
        )
        report += ["## Speed and resume", "", *rows, ""]

        if args.long:
            short_pdf, long_pdf = work / "short.pdf", work / "long.pdf"
            sparse_pdf(short_pdf, 3)
            sparse_pdf(long_pdf, args.long)
            memory = [
                "| input | peak RSS of the vidoc process tree | time | load |",
                "|---|---|---|---|",
            ]
            short_peak, short_s = peak_tree_rss(
                [*VIDOC, str(short_pdf), "-o", str(work / "m3"), "-w", "1", *extra]
            )
            memory.append(f"| 3-page PDF | {short_peak:.0f} MiB | {short_s:.0f} s | {load()} |")
            long_peak, long_s = peak_tree_rss(
                [*VIDOC, str(long_pdf), "-o", str(work / "m300"), "-w", "1", *extra]
            )
            memory.append(
                f"| {args.long}-page PDF | {long_peak:.0f} MiB | {long_s:.0f} s | {load()} |"
            )
            memory.append(f"| ratio | {long_peak / short_peak:.2f}× | | |")
            report += ["## Memory (A4 pages rasterised at 300 dpi, -w 1)", "", *memory, ""]

        from batch_fixtures import write_bad_files, write_png

        bad = work / "mixed"
        expected = write_bad_files(bad)
        for index in range(3):
            write_png(bad / f"good{index}.png")
        result = subprocess.run(
            [*VIDOC, str(bad), "-o", str(work / "mixed-out"), "-w", "2", *extra],
            env=ENV,
            capture_output=True,
            text=True,
        )
        import pandas as pd

        errors = pd.read_csv(work / "mixed-out" / "report" / "errors.csv")
        good = sum((work / "mixed-out" / f"good{i}" / "text.txt").exists() for i in range(3))
        report += [
            "## Mixed folder of good and bad files",
            "",
            f"exit code {result.returncode}; good files processed {good}/3; bad files named "
            f"with a reason {len(errors)}/{len(expected)}; traceback on stderr: "
            f"{'YES' if 'Traceback' in result.stderr else 'no'}",
            "",
            "```",
            *[line for line in result.stderr.splitlines() if line.strip()],
            "```",
            "",
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(report)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
