"""The built HTML, whatever produced it (chapter text, cell outputs, data, references): nothing in it may run
script, load from another host or link to a script URL. Defence in depth behind `make check`: it judges the
final HTML, so it also covers what code cells print and what extensions render.

- A page's body (its content, as Sphinx renders it) may hold no executable script, no event handler, no
  frame or embedded object, no remote image and no link with an unsafe scheme. Each is a build warning
  (warnings are errors), and the offending markup is made inert in the page, so even a build whose failure
  were ignored would not publish working script (a data script such as the charts' JSON stays).
- The whole page (theme and templates included) may carry no event handler and no unsafe link; its scripts
  and stylesheets come from the site itself (see reviewkit.sphinx.security.csp).
"""

from __future__ import annotations

from html.parser import HTMLParser

from bs4 import BeautifulSoup

from reviewkit.model import urls

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
EMBEDDING_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "lowsrc", "xlink:href",
                  "ping", "srcset", "manifest", "codebase", "cite", "longdesc", "dynsrc"}
LOADING_ATTRIBUTES = {"src", "data", "poster", "background", "lowsrc", "srcset", "dynsrc", "manifest", "codebase"}
INERT_TYPE = "text/x-reviewkit-blocked"


def _url_problem(tag, attribute: str, value: str) -> str | None:
    scheme = urls.scheme(value)
    if attribute == "srcset":
        candidates = [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
        return next((p for c in candidates if (p := _url_problem(tag, "src", c))), None)
    if scheme in {"javascript", "vbscript"} or (scheme == "data" and not (
            tag.name == "img" and attribute == "src" and urls.browser_form(value).lower().startswith("data:image/"))):
        return f"<{tag.name} {attribute}> with a {scheme}: URL"
    if attribute in LOADING_ATTRIBUTES and not urls.is_local(value) and scheme != "data":
        return f"<{tag.name} {attribute}> loads {value[:60]!r} from another host"
    if attribute not in LOADING_ATTRIBUTES and not urls.is_safe_link(value):
        return f"<{tag.name} {attribute}> links to {value[:60]!r} (only http(s), mailto and the site's own pages)"
    return None


def element_problems(tag, *, body: bool) -> list[str]:
    """What is wrong with one element; ``body``: the stricter rules for page content."""
    problems = []
    for attribute, value in list(tag.attrs.items()):
        name = attribute.lower()
        text = " ".join(value) if isinstance(value, list) else str(value)
        if name.startswith("on"):
            problems.append(f"<{tag.name} {attribute}> event handler")
        elif name in URL_ATTRIBUTES and (problem := _url_problem(tag, name, text)):
            problems.append(problem)
        elif name == "style" and body and ("url(" in text.lower() or "expression(" in text.lower()):
            problems.append(f"<{tag.name} style> that loads a URL")
    if body:
        if tag.name == "script" and (tag.get("src") or str(tag.get("type", "")).strip().lower() not in DATA_SCRIPT_TYPES):
            problems.append("<script> in the page content")
        elif tag.name in EMBEDDING_TAGS:
            problems.append(f"<{tag.name}> in the page content")
        elif tag.name == "meta" and tag.get("http-equiv"):
            problems.append("<meta http-equiv> in the page content")
        elif tag.name in {"style", "link"}:
            problems.append(f"<{tag.name}> in the page content")
    return problems


def _inert(tag) -> None:
    for attribute in list(tag.attrs):
        if attribute.lower().startswith("on") or attribute.lower() in URL_ATTRIBUTES | {"style"}:
            del tag[attribute]
    if tag.name == "script":
        tag["type"] = INERT_TYPE
    elif tag.name in EMBEDDING_TAGS | {"style", "link", "meta"}:
        tag.name = "template"  # inert: a <template>'s content is never rendered or run
        tag.attrs = {}


def police_body(body: str) -> tuple[str, list[str]]:
    """(the body with every offending element made inert, what was wrong); the body is returned unchanged
    (byte for byte) when nothing is wrong. Judged in one pass of the tokenizer, as whole pages are (scan); a tree
    is built only for a body that has something to make inert."""
    if not body or ("<" not in body):
        return body, []
    problems = _scan(body, body=True).problems
    if not problems:
        return body, []
    # A repeated attribute: the browser takes the first, so the tree keeps the first (BeautifulSoup keeps the last);
    # a bad later value, which no browser reads, is still reported above.
    soup = BeautifulSoup(body, "html.parser", on_duplicate_attribute="ignore")
    inert = False
    for tag in soup.find_all(True):
        if element_problems(tag, body=True):
            _inert(tag)
            inert = True
    return (str(soup) if inert else body), problems


class Element:
    """A start tag as the rules read it (``name``, ``attrs``, ``get``), the first of a repeated attribute winning,
    as in a browser."""

    __slots__ = ("name", "attrs")

    def __init__(self, name: str, attrs: list[tuple[str, str | None]]) -> None:
        self.name, self.attrs = name, {}
        for key, value in attrs:
            self.attrs.setdefault(key, value or "")

    def get(self, key: str, default=None):
        return self.attrs.get(key, default)


class _PageScan(HTMLParser):
    """One pass over a finished page with the standard library's tokenizer (the parser BeautifulSoup's
    "html.parser" builds its tree from; a page needs no tree to be judged): what is wrong with it, and the text of
    each inline script."""

    def __init__(self, body: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.body = body  # page content: its stricter rules (element_problems), and nothing else
        self.problems: list[str] = []
        self.scripts: list[tuple[Element, list[str]]] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        element = Element(tag, attrs)
        self.problems += element_problems(element, body=self.body)
        # A repeated attribute's later values are judged too: no value the page holds goes unread.
        for key, value in attrs:
            if element.attrs[key] != (value or ""):
                self.problems += element_problems(Element(tag, [(key, value)]), body=self.body)
        if self.body:
            return
        src = element.get("src")
        if tag in {"script", "img", "iframe"} and src and not urls.is_local(src):
            self.problems.append(f"<{tag} src> loads {src[:60]!r} from another host")
        href = element.get("href")
        if tag == "link" and href and "stylesheet" in element.get("rel", "").lower().split() and not urls.is_local(href):
            self.problems.append(f"stylesheet {href[:60]!r} from another host")
        if tag == "script":
            self._script = []
            self.scripts.append((element, self._script))

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        self._script = None

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data) -> None:
        if self._script is not None:
            self._script.append(data)


def _scan(html: str, body: bool = False) -> _PageScan:
    scanner = _PageScan(body)
    scanner.feed(html)
    scanner.close()
    return scanner


def scan(html: str) -> tuple[list[str], list[tuple[Element, str]]]:
    """(what is wrong anywhere in a finished page, the theme's own markup included; each script with its text)."""
    scanner = _scan(html)
    return scanner.problems, [(element, "".join(text)) for element, text in scanner.scripts]


def page_problems(html: str) -> list[str]:
    """What is wrong anywhere in a finished page (the theme's own markup included)."""
    return scan(html)[0]
