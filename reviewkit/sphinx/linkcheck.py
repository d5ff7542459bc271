"""External link checking tuned for this book (``make linkcheck``).

A Sphinx extension (loaded by reviewkit.sphinx) that configures Sphinx's linkcheck builder:
- DOI links are verified through the DOI handle API (``https://doi.org/api/handles/<doi>``): publishers
  answer bots with 403/429, the handle system answers 200 for a registered DOI and 404 for an unknown one;
- short timeouts, retries and rate-limit back-off, so one hanging host costs seconds, not minutes;
- notebooks are not executed for a link check (cached outputs are enough);
and the ``reviewkit linkcheck`` command, which runs it and writes a report outside the published site.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sphinx.application import Sphinx

DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")
REPORT_DIR = Path("_build") / "linkcheck"
DEFAULTS = {
    "linkcheck_timeout": 10,  # seconds per request; Sphinx's default of 30 makes every dead host cost 31 s
    "linkcheck_retries": 2,
    "linkcheck_workers": 5,
    "linkcheck_rate_limit_timeout": 120.0,  # give up on a host that keeps answering 429 after this long
    "linkcheck_anchors": True,
    "linkcheck_report_timeouts_as_broken": True,
}


def doi_handle_url(uri: str, api: str) -> str | None:
    """The handle-API URL that verifies a DOI link, or None if ``uri`` is not a DOI link."""
    for prefix in DOI_PREFIXES:
        if uri.startswith(prefix) and not uri.startswith(prefix + "api/"):
            doi = uri[len(prefix):].split("#", 1)[0]
            return api.rstrip("/") + "/" + doi
    return None


def _process_uri(app: Sphinx, uri: str) -> str | None:
    return doi_handle_url(uri, app.config.reviewkit_doi_handle_api)


def book_settings(root: Path) -> set[str]:
    """The Sphinx settings the book sets itself: _config.yml's sphinx.config (where Jupyter Book takes them from)."""
    from reviewkit.model import inputs

    try:
        config = inputs.load_yaml(root / "_config.yml") or {}
    except inputs.Unreadable:
        return set()  # reported by make check and by the build itself
    sphinx = config.get("sphinx") if isinstance(config, dict) else None
    settings = (sphinx or {}).get("config") if isinstance(sphinx, dict) else None
    return set(settings) if isinstance(settings, dict) else set()


def _configure(app: Sphinx, config) -> None:
    """Linkcheck settings (they concern only the linkcheck builder); the book's own settings (_config.yml) and
    the command line's (-D) win."""
    from reviewkit.model import paths

    chosen = book_settings(paths.root()) | set(config.overrides)
    for name, value in DEFAULTS.items():
        if name not in chosen:
            setattr(config, name, value)
    # Relative links are the site's own: every HTML build checks them, files and anchors (reviewkit.sphinx.site_links).
    config.linkcheck_ignore = [*config.linkcheck_ignore, r"^(?!https?://)"]
    # The handle API returns JSON: there is no anchor to look for.
    config.linkcheck_anchors_ignore_for_url = [*config.linkcheck_anchors_ignore_for_url,
                                               config.reviewkit_doi_handle_api.rstrip("/") + "/.*"]


def _no_execution_for_linkcheck(app: Sphinx) -> None:
    # Runs before myst-nb reads its configuration (builder-inited, priority 500).
    if app.builder.name == "linkcheck" and "nb_execution_mode" in app.config:
        app.config.nb_execution_mode = "off"


def setup(app: Sphinx) -> dict:
    app.add_config_value("reviewkit_doi_handle_api", "https://doi.org/api/handles/", "env")
    app.connect("config-inited", _configure, priority=900)
    app.connect("builder-inited", _no_execution_for_linkcheck, priority=100)
    app.connect("linkcheck-process-uri", _process_uri)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def broken_links(output_json: Path) -> list[dict]:
    """Entries of Sphinx's linkcheck output.json that are broken or timed out."""
    if not output_json.is_file():
        return []
    entries = [json.loads(line) for line in output_json.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [e for e in entries if e.get("status") in ("broken", "timeout")]


def report_markdown(broken: list[dict]) -> str:
    lines = ["The weekly link check found these broken links:", "",
             "| page | line | link | status | detail |", "| --- | --- | --- | --- | --- |"]
    for entry in broken:
        detail = str(entry.get("info", "")).replace("|", "\\|").replace("\n", " ")[:200]
        lines.append(f"| {entry.get('filename')} | {entry.get('lineno')} | {entry.get('uri')} | "
                     f"{entry.get('status')} | {detail} |")
    lines += ["", "Fix the link in the chapter or references.bib, or explain in linkcheck_ignore why not."]
    return "\n".join(lines) + "\n"


def main(extra: list[str] | None = None) -> int:
    """Run the linkcheck builder on the book; write _build/linkcheck/{output.json,broken.md}."""
    from reviewkit.model import paths

    root = paths.root()
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--builder", "custom", "--custom-builder", "linkcheck",
               *(extra or [])]
    result = subprocess.run(command, cwd=root, env={**os.environ, "REVIEWKIT_ROOT": str(root)})
    broken = broken_links(root / REPORT_DIR / "output.json")
    (root / REPORT_DIR).mkdir(parents=True, exist_ok=True)
    (root / REPORT_DIR / "broken.md").write_text(report_markdown(broken), encoding="utf-8")
    if broken:
        print(f"make linkcheck: {len(broken)} broken links; see {REPORT_DIR / 'broken.md'}", file=sys.stderr)
        return 1
    if result.returncode != 0:
        print("make linkcheck: the link check itself failed (see above)", file=sys.stderr)
        return result.returncode
    print(f"make linkcheck: no broken links (report in {REPORT_DIR})")
    return 0
