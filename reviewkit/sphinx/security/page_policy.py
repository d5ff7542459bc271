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
    (byte for byte) when nothing is wrong."""
    if not body or ("<" not in body):
        return body, []
    soup = BeautifulSoup(body, "html.parser")
    problems = []
    for tag in soup.find_all(True):
        found = element_problems(tag, body=True)
        if found:
            problems += found
            _inert(tag)
    return (str(soup), problems) if problems else (body, [])


def page_problems(html: str) -> list[str]:
    """What is wrong anywhere in a finished page (the theme's own markup included)."""
    return soup_problems(BeautifulSoup(html, "html.parser"))


def soup_problems(soup: BeautifulSoup) -> list[str]:
    """page_problems of a page already parsed."""
    problems = []
    for tag in soup.find_all(True):
        problems += element_problems(tag, body=False)
        if tag.name in {"script", "img", "iframe"} and tag.get("src") and not urls.is_local(tag["src"]):
            problems.append(f"<{tag.name} src> loads {tag['src'][:60]!r} from another host")
        if tag.name == "link" and tag.get("href") and "stylesheet" in (tag.get("rel") or []) \
                and not urls.is_local(tag["href"]):
            problems.append(f"stylesheet {tag['href'][:60]!r} from another host")
    return problems
