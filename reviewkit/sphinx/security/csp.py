"""A Content-Security-Policy on every page: script only from the site itself.

What the theme emits, and how each is handled (honestly, not by allowing 'unsafe-inline'):
- inline scripts in the page templates (pydata-sphinx-theme's colour-mode script, Sphinx's
  `DOCUMENTATION_OPTIONS.pagename`, sphinx-togglebutton's and sphinx-thebe's settings, the search page's
  focus script) are allowed by their sha256 hashes, computed from the finished page at build time. Page
  *content* is never hashed: reviewkit.sphinx.security.page_policy has already made any script in it inert and failed the
  build, so a hash can only ever cover template output.
- sphinx-book-theme's buttons carry `onclick="window.print()"` and `onclick="toggleFullScreen()"`; an
  inline handler cannot be hashed without 'unsafe-hashes', so they become `data-reviewkit-action` and
  reviewkit-actions.js (a file of the site) attaches the same functions.
- the charts' Vega bundle is a local file; their specs are JSON data blocks (never executed, so outside
  script-src); Vega evaluates expressions with its interpreter, so no 'unsafe-eval' is needed.

The policy travels in a `<meta http-equiv>` tag (the site is static; GitHub Pages sets no headers), placed
before any script. Directives that only work as a header (frame-ancestors, report-uri, sandbox) are left out.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from reviewkit.sphinx.security import page_policy

THEME_HANDLERS = {"window.print()": "print", "toggleFullScreen()": "fullscreen"}
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*" />\n?')
CHARSET = re.compile(r'<meta charset="utf-8"\s*/?>\n?', re.I)
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                    "application/ecmascript"}
DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # Bootstrap, the theme and Vega set style attributes; styles cannot run script.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


def policy(script_hashes: list[str], live_reload: str = "") -> str:
    directives = {key: list(values) for key, values in DIRECTIVES.items()}
    directives["script-src"] += [f"'sha256-{digest}'" for digest in sorted(set(script_hashes))]
    if live_reload:
        directives["script-src"].append(f"'sha256-{_sha256(live_reload_script(live_reload))}'")
        directives["connect-src"].append(f"ws://{live_reload}")
    return "; ".join(f"{key} {' '.join(values)}" for key, values in directives.items())


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def live_reload_script(address: str) -> str:
    """The text of the script sphinx-autobuild (`make serve`) appends to every page it serves from ``address``
    (host:port). `make serve` tells the build its address, and only then does the policy allow that one script,
    which reloads the page when the server says it was rebuilt."""
    from sphinx_autobuild.middleware import web_socket_script

    return web_socket_script(address).split("<script>", 1)[1].rsplit("</script>", 1)[0]


def inline_script_hashes(scripts: list[tuple[page_policy.Element, str]]) -> list[str]:
    """sha256 (base64) of every executable inline script (page_policy.scan), over its exact text as the browser
    sees it."""
    return [_sha256(text) for element, text in scripts
            if "src" not in element.attrs and element.get("type", "").strip().lower() in EXECUTABLE_TYPES]


def _without_theme_handlers(html: str) -> str:
    for handler, action in THEME_HANDLERS.items():
        html = html.replace(f'onclick="{handler}"', f'data-reviewkit-action="{action}"')
    return html


def secure_page(html: str, live_reload: str = "") -> str:
    """The page with the theme's handlers moved to data attributes and the policy as the head's first tag."""
    return _secured(html, live_reload)[0]


def _prepared(html: str) -> str:
    return META.sub("", _without_theme_handlers(html))


def _with_policy(prepared: str, script_hashes: list[str], live_reload: str) -> str:
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy(script_hashes, live_reload)}" />\n'
    charset = CHARSET.search(prepared)
    if charset:
        return prepared[:charset.end()] + tag + prepared[charset.end():]
    head = re.search(r"<head[^>]*>\n?", prepared, re.I)
    # A page without <head> (the site root's redirect): the parser puts a leading <meta> into the head.
    end = head.end() if head else 0
    return prepared[:end] + tag + prepared[end:]


def _secured(html: str, live_reload: str) -> tuple[str, list[str]]:
    """(the secured page, what the page policy finds in it): the policy tag aside, the page judged is the
    secured page."""
    prepared = _prepared(html)
    problems, scripts = page_policy.scan(prepared)
    return _with_policy(prepared, inline_script_hashes(scripts), live_reload), problems


def secure_site(outdir: Path, live_reload: str = "") -> list[str]:
    """Secure every page of the site in place (a page secured before is secured again the same way); return
    what the page policy still finds, page by page: on every build, for every page."""
    problems = []
    for page in sorted(outdir.rglob("*.html")):
        relative = page.relative_to(outdir).as_posix()
        if relative.startswith(("_static/", "_sources/")):
            continue
        original = page.read_text(encoding="utf-8")
        html, found = _secured(original, live_reload)
        if html != original:
            page.write_text(html, encoding="utf-8")
        problems += [f"{relative}: {problem}" for problem in found]
    return problems
