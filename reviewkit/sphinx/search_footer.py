"""Sphinx hook: each chapter's footer says when the evidence for it was last searched, beside "Last updated".

The chapters the searches cover are listed in the strategy file (`covers:`); the date is the newest search in
data/searches.csv. A template override of the theme's footer item (reviewkit/templates/last-updated.html) shows
it. When the searches or the strategy change, the covered pages are written again (their text did not change,
so Sphinx would not otherwise rewrite them).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from sphinx.application import Sphinx

from reviewkit.model import paths, records
from reviewkit.watch.strategy import STRATEGY_FILE
from reviewkit.i18n.generated import _

TEMPLATES = paths.TEMPLATES_DIR
SEARCHES = "data/searches.csv"
LIVING_MODE = "chapters/living-mode"


def _inputs() -> bytes:
    return b"".join((paths.root() / name).read_bytes() for name in (SEARCHES, STRATEGY_FILE)
                    if (paths.root() / name).is_file())


def searched(root: Path | None = None) -> tuple[str | None, set[str]]:
    """(date of the newest search, docnames the searches cover)."""
    root = root or paths.root()
    date = None
    if (root / SEARCHES).is_file():
        dates = [row.get("date", "") for _, row in records.read(root / SEARCHES)]
        date = max((d for d in dates if d), default=None)
    covers: set[str] = set()
    if (root / STRATEGY_FILE).is_file():
        try:
            plan = yaml.safe_load((root / STRATEGY_FILE).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            plan = {}  # make check reports it
        covers = {str(c).removesuffix(".md") for c in (plan.get("covers") or [])} if isinstance(plan, dict) else set()
    return date, covers


def when(date: str) -> str:
    return (_("in {month}") if len(date) == 7 else _("on {date}")).format(month=date, date=date)


def _config_inited(app: Sphinx, config) -> None:
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    date, covers = searched()
    # Only where the living-mode page is built (partial builds of a few chapters leave it out).
    if date and pagename in covers and LIVING_MODE in app.env.found_docs:
        context["evidence_searched"] = {
            "text": _("Evidence for this page last searched {when}").format(when=when(date)),
            "link": _("living mode"), "url": context["pathto"](LIVING_MODE)}


def _env_updated(app: Sphinx, env) -> list[str]:
    digest = hashlib.sha256(_inputs()).hexdigest()
    if getattr(env, "reviewkit_searched", None) == digest:
        return []
    env.reviewkit_searched = digest
    return sorted(searched()[1] & env.found_docs)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("env-get-updated", _env_updated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
