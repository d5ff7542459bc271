"""The site's own links and anchors, checked after every HTML build (wired in reviewkit.sphinx).

Every relative link, script, stylesheet or image of a page must point to a file that exists and, when it
names a #fragment of a page, to an ``id`` or ``<a name>`` in that page. Each page is read once, with the
standard library's HTML tokenizer: the question needs only tags and attributes, so no document tree is built.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTE = {"a": "href", "link": "href", "script": "src", "img": "src"}
SKIPPED_FOLDERS = {"_static", "_sources"}  # theme files and page sources, not pages


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[str] = []
        self.alternates: list[str] = []  # links to the page in another edition (hreflang), checked once both exist

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if values.get("id") is not None:
            self.anchors.add(values["id"])
        if tag == "a" and values.get("name") is not None:
            self.anchors.add(values["name"])
        attribute = LINK_ATTRIBUTE.get(tag)
        if attribute and values.get(attribute) is not None:
            (self.alternates if values.get("hreflang") else self.links).append(values[attribute])

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_bytes().decode("utf-8"))
    parser.close()
    return parser


def read_page(path: Path) -> tuple[set[str], list[str]]:
    """(anchors the page defines, links it makes) of one HTML file; links to another edition are left to
    alternate_link_problems."""
    parser = _parse(path)
    return parser.anchors, parser.links


def alternate_link_problems(site: Path) -> list[str]:
    """Every link to the same page in another edition (the language switcher, hreflang alternates, a lagging
    paragraph's link to its English) that points nowhere, in a site that holds every edition."""
    site = site.resolve()
    problems = []
    for page in sorted(site.rglob("*.html")):
        if SKIPPED_FOLDERS & set(page.relative_to(site).parts):
            continue
        for url in _parse(page).alternates:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue
            if not (page.parent / unquote(parts.path)).resolve().is_file():
                problems.append(f"{page.relative_to(site).as_posix()}: link to another edition '{url}' points to a "
                                "missing file")
    return problems


def internal_link_problems(outdir: Path) -> list[str]:
    """Every relative link, script, stylesheet or image in the site at ``outdir`` that points nowhere."""
    outdir = outdir.resolve()
    pages: dict[Path, tuple[set[str], list[str]]] = {}

    def page_of(path: Path) -> tuple[set[str], list[str]]:
        if path not in pages:
            pages[path] = read_page(path)
        return pages[path]

    problems = []
    for page in sorted(outdir.rglob("*.html")):
        if SKIPPED_FOLDERS & set(page.relative_to(outdir).parts):
            continue
        where = page.relative_to(outdir).as_posix()
        for url in page_of(page)[1]:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{where}: link '{url}' points to a missing file")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in page_of(target)[0]:
                problems.append(f"{where}: link '{url}' points to a missing anchor")
    return problems
