"""report.html in a real headless Chromium: loads cleanly, lists documents, the filter works."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_runs import write_sample_run

from pipeline.report_html import write_report_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("chromium not installed (apt-get install chromium)", allow_module_level=True)

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Opened:
    """A loaded page plus what it logged and fetched."""

    def __init__(self, browser: Any, html: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning")
                     and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(html.resolve().as_uri())
        self.page.wait_for_selector("#documents tbody tr")

    def visible_lines(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#lines .line",
            "els => els.filter(e => e.offsetParent !== null).map(e => e.dataset.line)")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("browser-run")
    write_sample_run(outdir)
    return outdir


def test_page_loads_without_errors_or_network(browser: Any, run_dir: Path) -> None:
    opened = Opened(browser, run_dir / "report.html")
    try:
        assert opened.problems == []
        assert all(url.startswith(("file:", "data:")) for url in opened.requests), opened.requests
        html = (run_dir / "report.html").read_text(encoding="utf-8")
        assert "<link" not in html and "src=\"http" not in html
    finally:
        opened.page.close()


def test_documents_listed_least_confident_first(browser: Any, run_dir: Path) -> None:
    opened = Opened(browser, run_dir / "report.html")
    page = opened.page
    try:
        rows = page.eval_on_selector_all("#documents tbody tr", "rs => rs.map(r => r.innerText)")
        assert len(rows) == 3
        assert rows[0].startswith("broken") and "not a PDF" in rows[0]
        assert rows[1].startswith("scan-a") and rows[2].startswith("clean")
        assert page.inner_text("#doctitle") == "scan-a"  # the first readable document is open
        assert "3 documents (1 failed)" in page.inner_text("#stats")
        page.click("#documents tbody tr:nth-child(3)")
        assert page.inner_text("#doctitle") == "clean"
        assert opened.visible_lines() == ["p1-l1", "p1-l2"]
        page.click("#documents tbody tr:nth-child(1)")
        assert "failed" in page.inner_text("#pageview")
        assert opened.problems == []
    finally:
        page.close()


def test_page_image_boxes_and_edit_tooltips(browser: Any, run_dir: Path) -> None:
    opened = Opened(browser, run_dir / "report.html")
    page = opened.page
    try:
        page.click("#pagenav button:nth-child(2)")
        image = page.query_selector("figure img")
        assert image is not None
        assert image.get_attribute("src").startswith("data:image/jpeg;base64,")
        assert page.evaluate("document.querySelector('figure img').naturalWidth") == 1000
        assert len(page.query_selector_all("figure svg rect.w")) == 13
        bad = page.eval_on_selector_all("figure svg rect.w.s-bad",
                                        "rs => rs.map(r => r.textContent)")
        assert bad == ["nghiêm — Tesseract 45"]  # the only word below 50
        titles = page.eval_on_selector_all("mark.edit", "ms => ms.map(m => m.title)")
        assert any(t.startswith("don → đơn") and "diacritics" in t for t in titles)
        assert any(t.startswith("triến → triển") for t in titles)
        page.hover("#lines .line.flagged")
        assert len(page.query_selector_all("figure svg rect.l.hot")) == 1
        assert opened.problems == []
    finally:
        page.close()


def test_flagged_lines_only_filter(browser: Any, run_dir: Path) -> None:
    opened = Opened(browser, run_dir / "report.html")
    page = opened.page
    try:
        page.click("#pagenav button:nth-child(2)")
        assert opened.visible_lines() == ["p2-l1", "p2-l2", "p2-l3"]
        page.check("#flagged-only")
        assert opened.visible_lines() == ["p2-l1", "p2-l2"]
        page.click("#pagenav button:nth-child(1)")
        assert opened.visible_lines() == []  # page 1 has no flagged line
        page.uncheck("#flagged-only")
        assert opened.visible_lines() == ["p1-l1", "p1-l2", "p1-l3"]
        assert opened.problems == []
    finally:
        page.close()


def test_without_kept_images_the_layout_is_drawn(browser: Any, tmp_path: Path) -> None:
    write_sample_run(tmp_path, keep_images=False, failed=False)
    opened = Opened(browser, tmp_path / "report.html")
    try:
        assert opened.page.query_selector("figure img") is None
        assert opened.page.query_selector("figure svg.alone") is not None
        assert "--keep-images" in opened.page.inner_text("figcaption")
        assert opened.problems == []
    finally:
        opened.page.close()


def test_past_the_embedding_budget_images_are_linked_relatively(browser: Any,
                                                                tmp_path: Path) -> None:
    write_sample_run(tmp_path, failed=False)
    write_report_html(tmp_path, embed_budget=0)
    opened = Opened(browser, tmp_path / "report.html")
    try:
        src = opened.page.get_attribute("figure img", "src")
        assert src == "scan-a/pages/page-0001.png"
        opened.page.wait_for_function("document.querySelector('figure img').complete")
        assert opened.page.evaluate("document.querySelector('figure img').naturalWidth") == 1000
        assert opened.problems == []
    finally:
        opened.page.close()


def test_a_downscaled_thumbnail_is_enough_for_the_boxes(browser: Any, tmp_path: Path) -> None:
    """A worker that keeps only a small JPEG per page still gets boxes in the right place."""
    from PIL import Image

    write_sample_run(tmp_path, keep_images=False, failed=False)
    pages = tmp_path / "scan-a" / "pages"
    pages.mkdir(parents=True)
    for number in (1, 2):
        Image.new("L", (250, 100), 255).save(pages / f"page-{number:04d}.jpg")
    write_report_html(tmp_path)
    opened = Opened(browser, tmp_path / "report.html")
    try:
        assert opened.page.get_attribute("figure img", "src").startswith("data:image/jpeg")
        image = opened.page.query_selector("figure img").bounding_box()
        svg = opened.page.query_selector("figure svg").bounding_box()
        assert abs(image["width"] - svg["width"]) < 1 and abs(image["height"] - svg["height"]) < 1
        assert opened.problems == []
    finally:
        opened.page.close()
