"""The PDF edition: the built pages' article bodies, in _toc.yml order, as one print document, printed by
Debian's headless Chromium (never a downloaded browser: Jupyter Book 1's pdfhtml route downloads one).

Charts print as the static SVG the build writes for each; links between pages become links inside the PDF;
code cells, buttons and scripts are left out. Run as ``python -m reviewkit.sphinx.edition.pdf <print.html> <out.pdf>`` (a
separate process, so the browser never shares the Sphinx process or its event loop; the build starts it early,
see Printer).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from reviewkit.model import paths
from reviewkit.i18n.generated import _

NAME = "living-review"
CSS = paths.STATIC_DIR / "reviewkit-print.css"
REMOVE = ("script", "button", "style", ".headerlink", ".cell_input", "details.above-input", ".reviewkit-edition",
          ".toggle-details", ".reviewkit-chart-spec", ".reviewkit-chart-fallback")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def chromium() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def reading_order(root: Path) -> list[str]:
    """Every document of _toc.yml in reading order (reviewkit.model.toc reads it with sphinx-external-toc)."""
    from reviewkit.model.toc import toc_files

    return toc_files(root)


def _prefix(docname: str) -> str:
    return "doc-" + re.sub(r"[^a-z0-9]+", "-", docname.lower()).strip("-")


def _chapter(outdir: Path, docname: str, docnames: set[str]) -> tuple[str, str]:
    """(title, HTML of the chapter's article body, with ids and links made unique within the book)."""
    page = outdir / f"{docname}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.body
    for chart in article.select("div.reviewkit-chart"):
        image = chart.find("img")
        if image is not None:
            chart.replace_with(image.extract())
    for element in article.select(", ".join(REMOVE)):  # one walk of the page for every selector
        element.decompose()
    for element in article.select("noscript"):
        element.unwrap()
    prefix = _prefix(docname)
    for element in article.find_all(id=True):
        element["id"] = f"{prefix}--{element['id']}"
    for element in article.find_all("img", src=True):
        parts = urlsplit(element["src"])
        if not parts.scheme:
            element["src"] = (page.parent / unquote(parts.path)).resolve().as_uri()
    for link in article.find_all("a", href=True):
        parts = urlsplit(link["href"])
        if parts.scheme or parts.netloc:
            continue
        if not parts.path:
            link["href"] = f"#{prefix}--{parts.fragment}" if parts.fragment else f"#{prefix}"
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        try:
            target_doc = target.relative_to(outdir.resolve()).as_posix().removesuffix(".html")
        except ValueError:
            target_doc = ""
        if target_doc in docnames:
            link["href"] = f"#{_prefix(target_doc)}--{parts.fragment}" if parts.fragment else f"#{_prefix(target_doc)}"
        else:
            link.unwrap()  # a download or a page not in the book: no dead link in the PDF
    heading = article.find("h1")
    title = heading.get_text(" ", strip=True) if heading else docname
    return title, f'<section class="print-chapter" id="{prefix}">{article.decode_contents()}</section>'


def print_html(outdir: Path, docnames: list[str], *, title: str, edition: str, based_on: str, licence: str,
               url: str, lang: str = "en") -> str:
    """The whole book as one HTML document for printing: title page, contents, every chapter."""
    chapters = [_chapter(outdir, docname, set(docnames)) for docname in docnames]
    contents = "".join(f'<li><a href="#{_prefix(doc)}">{html.escape(name)}</a></li>'
                       for doc, (name, _) in zip(docnames, chapters))
    based_on_label, online_label, contents_label = _("Based on:"), _("Online edition:"), _("Contents")
    title_page = (
        f'<section class="print-title"><h1 class="print-book-title">{html.escape(title)}</h1>'
        f'<p class="print-edition">{html.escape(edition)}</p>'
        f'<p class="print-based-on">{html.escape(based_on_label)} {html.escape(based_on)}</p>'
        f'<p class="print-licence">{html.escape(licence)}</p>'
        + (f'<p class="print-url">{html.escape(online_label)} {html.escape(url)}</p>' if url else "")
        + f'<h2 class="print-contents-title">{html.escape(contents_label)}</h2><ol class="print-contents">{contents}</ol>'
        "</section>")
    css = CSS.read_text(encoding="utf-8")
    # The language picks the fonts: Chinese text under lang="en" would print with Japanese glyph forms.
    return (f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{css}</style></head><body>{title_page}{''.join(body for _, body in chapters)}</body></html>")


class Printer:
    """The print process (``python -m reviewkit.sphinx.edition.pdf --serve``): it starts Chromium at once and prints the job it
    is then sent. The build starts it as soon as it knows pages will be written, so Chromium starts while Sphinx
    writes them; a printer sent no job (the book did not change) exits without printing."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "reviewkit.sphinx.edition.pdf", "--serve"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def print(self, source: Path, target: Path, title: str, timeout: float = 300) -> None:
        job = json.dumps({"source": str(source), "target": str(target), "title": title})
        try:
            _, errors = self.process.communicate(job + "\n", timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise RuntimeError(f"Chromium did not print the PDF edition within {timeout:.0f} s") from None
        if self.process.returncode != 0 or not target.is_file():
            raise RuntimeError(f"Chromium could not print the PDF edition: {errors.strip()[-2000:]}")

    def cancel(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.communicate("", timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def build(outdir: Path, work_dir: Path, pdf_names: list[str], printer: Printer | None = None,
          **text) -> tuple[Path, float]:
    """Assemble and print the book; the PDF goes to outdir/pdf/<each of pdf_names>. Returns (path, seconds).
    ``printer``: one started earlier in the build (else one is started here)."""
    started = time.perf_counter()
    from reviewkit.model.paths import root

    order = reading_order(root())
    document = print_html(outdir, order, **text)
    work_dir.mkdir(parents=True, exist_ok=True)
    source = work_dir / "book.html"
    target_dir = outdir / "pdf"
    target_dir.mkdir(exist_ok=True)
    first = target_dir / pdf_names[0]
    for stale in target_dir.glob(f"{NAME}*.pdf"):  # a PDF of another state of the book is not this site's
        if stale.name not in pdf_names:
            stale.unlink()
    if (source.is_file() and source.read_text(encoding="utf-8") == document
            and all((target_dir / name).is_file() for name in pdf_names)):
        if printer is not None:
            printer.cancel()
        return first, time.perf_counter() - started  # nothing changed since the last print
    source.write_text(document, encoding="utf-8")
    (printer or Printer()).print(source, first, text.get("title", ""))
    for name in pdf_names[1:]:
        shutil.copyfile(first, target_dir / name)
    return first, time.perf_counter() - started


FOOTER = ('<div style="font-size:7pt;width:100%;padding:0 14mm;color:#555;display:flex;justify-content:space-between">'
          '<span>{title}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')


def _print(browser, source: Path, target: Path, title: str) -> None:
    page = browser.new_page()
    # Only the book's own files: nothing may be fetched from a network.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(source.resolve().as_uri(), wait_until="load")
    page.pdf(path=str(target), format="A4", print_background=True, outline=True, tagged=True,
             display_header_footer=True, header_template="<span></span>",
             footer_template=FOOTER.format(title=html.escape(title)),
             margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})


def _serve() -> None:
    """Start Chromium, then print the one job read from stdin (a JSON line); exit quietly on end of input."""
    from playwright.sync_api import sync_playwright

    executable = chromium()
    if executable is None:
        raise SystemExit("Debian's Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        line = sys.stdin.readline()
        if line.strip():
            job = json.loads(line)
            _print(browser, Path(job["source"]), Path(job["target"]), job["title"])
        browser.close()


if __name__ == "__main__":
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    if sys.argv[1:] == ["--serve"]:
        _serve()
    else:  # python -m reviewkit.sphinx.edition.pdf <print.html> <out.pdf> [title]: print one document
        printer = Printer()
        printer.print(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), sys.argv[3] if len(sys.argv) > 3 else "")
