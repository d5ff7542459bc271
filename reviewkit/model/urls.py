"""Which URLs the book may render: links to http(s), mailto and the site's own pages; images from the site only.

A URL is judged the way a browser reads it (WHATWG URL standard): leading and trailing spaces and control
characters are ignored and tabs and line breaks inside it are removed, so 'java\\tscript:' is 'javascript:'.
"""

from __future__ import annotations

import re

LINK_SCHEMES = {"http", "https", "mailto"}
WEB_SCHEMES = {"http", "https"}
_STRIPPED = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def browser_form(url: str) -> str:
    return re.sub(r"[\t\n\r]", "", url.strip(_STRIPPED))


def scheme(url: str) -> str | None:
    match = _SCHEME.match(browser_form(url))
    return match.group(1).lower() if match else None


def is_local(url: str) -> bool:
    """A relative URL or an anchor on this site (no scheme, no other host)."""
    form = browser_form(url).replace("\\", "/")  # browsers read a backslash as a slash
    return scheme(form) is None and not form.startswith("//")


def is_safe_link(url: str) -> bool:
    """May a reader be sent here by clicking? http(s), mailto, or a page of this site."""
    return is_local(url) or scheme(url) in LINK_SCHEMES


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host (what a BibTeX `url` field must be)."""
    form = browser_form(url)
    return scheme(form) in WEB_SCHEMES and form.split(":", 1)[1].startswith("//") and len(form.split("/")) > 2 \
        and bool(form.split("/")[2])
