"""The book's Sphinx extension (listed in _config.yml): everything the build itself must enforce.

- Refuses to build when `make check` would fail (bad data or references never produce a site).
- Data-aware rebuilds: a chapter's declared ``data_files`` (and the toolkit's own code) are hashed; a
  changed hash makes Sphinx re-read the chapter, and the hashes go into a hidden cell so the execution
  cache misses exactly when an input changed (and hits again when it is reverted).
- Offline charts: one fingerprinted local copy of Vega/Vega-Lite/Vega-Embed, added only to pages that
  have a chart; the build fails if altair asks for a Vega-Lite version the bundle does not carry.
- Publishes data/ beside the pages (CSV downloads), checks every internal link and anchor of the site,
  dates each page by its git history, and writes a build report for the tests and the benchmark.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import time
from functools import cache
from pathlib import Path

import altair
import vl_convert
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from . import __version__, paths, runtime
from .chapters import Chapter
from .charts import CHART_CLASS
from .prebuild_check import check_before_build
from .publish import publish_data
from .site_links import internal_link_problems

logger = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TOOLKIT_INPUT = "reviewkit (toolkit code)"
REPORT_NAME = "reviewkit-build.json"


# ---------------------------------------------------------------- data-aware rebuilds
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def toolkit_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def input_hashes(declared: list[str], executable: bool) -> dict[str, str]:
    hashes = {}
    for relative in [*declared, *(runtime.IMPLICIT_INPUTS if executable else ())]:
        path = paths.root() / relative
        hashes[relative] = _sha256(path) if path.is_file() else "missing"
    if executable:
        hashes[TOOLKIT_INPUT] = toolkit_hash()
    return hashes


def _current_hashes(recorded: dict[str, str]) -> dict[str, str]:
    declared = [name for name in recorded if name != TOOLKIT_INPUT]
    return input_hashes(declared, TOOLKIT_INPUT in recorded)


def _inputs_cell(chapter: str, hashes: dict[str, str]) -> str:
    return (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        "# Added by the build: the content hashes of this chapter's inputs make the execution cache key\n"
        "# depend on its data; the call checks that the chapter read no undeclared data file.\n"
        "import reviewkit.runtime\n"
        f"reviewkit.runtime.verify_inputs({chapter!r}, {json.dumps(hashes, sort_keys=True)})\n"
        "```\n"
    )


def _on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    chapter = Chapter(path, source[0].replace("\r\n", "\n"))
    hashes = input_hashes(chapter.data_files, chapter.has_code_cells)
    app.env.reviewkit_inputs = getattr(app.env, "reviewkit_inputs", {})
    app.env.reviewkit_inputs[docname] = hashes
    if chapter.has_code_cells:
        source[0] = runtime.with_watch_cell(source[0]).rstrip("\n") + _inputs_cell(chapter.name, hashes)


def _on_env_get_outdated(app, env, added, changed, removed) -> list[str]:
    if getattr(env, "reviewkit_toolkit", None) != toolkit_hash():
        # The toolkit renders every page (tables, boxes, scripts): a new version re-reads them all.
        env.reviewkit_toolkit = toolkit_hash()
        logger.info("[reviewkit] toolkit changed, re-reading every page")
        return sorted(env.found_docs - set(removed))
    recorded = getattr(env, "reviewkit_inputs", {})
    stale = []
    for docname, hashes in recorded.items():
        if docname in removed or docname in changed or docname not in env.found_docs:
            continue
        if _current_hashes(hashes) != hashes:
            stale.append(docname)
    if stale:
        logger.info(f"[reviewkit] inputs changed, re-reading: {', '.join(sorted(stale))}")
    return stale


def _on_env_purge_doc(app, env, docname) -> None:
    getattr(env, "reviewkit_inputs", {}).pop(docname, None)
    placements = getattr(env, "reviewkit_source_check_docs", {})
    for check_id in [c for c, d in placements.items() if d == docname]:
        del placements[check_id]
    getattr(env, "reviewkit_source_check_table_docs", set()).discard(docname)


def _on_env_merge_info(app, env, docnames, other) -> None:
    inputs = env.__dict__.setdefault("reviewkit_inputs", {})
    inputs.update({doc: h for doc, h in getattr(other, "reviewkit_inputs", {}).items() if doc in docnames})
    placements = env.__dict__.setdefault("reviewkit_source_check_docs", {})
    placements.update({check: doc for check, doc in getattr(other, "reviewkit_source_check_docs", {}).items()
                       if doc in docnames})
    env.__dict__.setdefault("reviewkit_source_check_table_docs", set()).update(
        getattr(other, "reviewkit_source_check_table_docs", set()))


def _on_env_get_updated(app, env) -> list[str]:
    # The audit table links to wherever each check is shown, so it is rewritten on every build.
    return sorted(getattr(env, "reviewkit_source_check_table_docs", set()))


def _on_env_check_consistency(app, env) -> None:
    from .audit import source_check_rows

    if app.config.reviewkit_partial_build:
        return
    placements = getattr(env, "reviewkit_source_check_docs", {})
    for check_id, (_, row) in sorted(source_check_rows().items()):
        if check_id not in placements:
            logger.warning(
                f"[reviewkit] source check {check_id} ({row['status']}: {row['claim']}) is shown in no chapter. "
                f"Fix: add ':::{{source-check}} {check_id}' right after the claim in its chapter "
                f"(section {row['review_section']} of the review); a finding may not be hidden.",
                type="reviewkit", subtype="source_check")


# ---------------------------------------------------------------- offline Vega bundle
def vega_lite_version() -> str:
    """The Vega-Lite version altair's specs declare, as major.minor (e.g. '6.4')."""
    return ".".join(altair.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def build_vega_bundle(cache_dir: Path) -> tuple[str, Path]:
    """Write the fingerprinted bundle into cache_dir (reused across builds); return (file name, dir)."""
    version = vega_lite_version()
    available = vl_convert.get_vegalite_versions()
    if version not in available:
        raise ExtensionError(
            f"altair {altair.__version__} writes Vega-Lite {version} specs, but vl-convert-python "
            f"{vl_convert.__version__} bundles only {', '.join(available)}: the charts would not draw offline. "
            "Fix: pin altair and vl-convert-python to versions that agree (requirements.txt), then `make lock`."
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    stamp = cache_dir / f"bundle-{vl_convert.__version__}-{version}.name"
    if stamp.is_file() and (cache_dir / stamp.read_text()).is_file():
        return stamp.read_text(), cache_dir
    for old in cache_dir.glob("vega-bundle.*.js"):
        old.unlink()
    bundle = vl_convert.javascript_bundle(vl_version=version)
    # A function scope keeps the bundle's top-level names (one is `_`) from clashing with Sphinx's scripts;
    # it still publishes window.vega, window.vegaLite and window.vegaEmbed.
    text = f"/* Vega {vl_convert.get_vega_version()}, Vega-Lite {version}, Vega-Embed {vl_convert.get_vega_embed_version()} (vl-convert-python {vl_convert.__version__}) */\n(function () {{\n{bundle}\n}})();\n"
    name = f"vega-bundle.{hashlib.sha256(text.encode()).hexdigest()[:12]}.js"
    (cache_dir / name).write_text(text, encoding="utf-8")
    stamp.write_text(name)
    return name, cache_dir


def _on_config_inited(app: Sphinx, config) -> None:
    name, bundle_dir = build_vega_bundle(Path(app.outdir).parent / ".reviewkit-static")
    app.reviewkit_bundle = name
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR), str(bundle_dir)]
    app.add_css_file("reviewkit.css")


# ---------------------------------------------------------------- page context: charts, dates
@cache
def _git_date(*files: str) -> str | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", *files], cwd=paths.root(),
                             capture_output=True, text=True, timeout=20, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


CHART_PATTERN = re.compile(
    r'(<div class="reviewkit-chart" id="(?P<id>chart-[0-9a-f]+)"[^>]*aria-label="(?P<label>[^"]*)">'
    r'<script type="application/json" class="reviewkit-chart-spec">(?P<spec>.*?)</script>)', re.S)


def _with_static_images(app: Sphinx, body: str, pathto) -> str:
    """A static SVG of every chart, shown to readers without JavaScript (and to crawlers)."""
    from .charts import static_svg

    folder = Path(app.outdir) / "_static" / "charts"
    folder.mkdir(parents=True, exist_ok=True)

    def add_image(match: re.Match) -> str:
        target = folder / f"{match['id']}.svg"
        if not target.is_file():  # the id is a hash of the spec: an existing file is this chart
            target.write_text(static_svg(json.loads(match["spec"])), encoding="utf-8")
        src = pathto(f"_static/charts/{match['id']}.svg", 1)
        return match.group(1) + f'<noscript><img class="reviewkit-chart-static" src="{src}" alt="{match["label"]}"/></noscript>'

    return CHART_PATTERN.sub(add_image, body)


def _unique_scripts(scripts: list) -> list:
    """Jupyter Book 1 registers some inline scripts twice (sphinx-thebe, sphinx-togglebutton); a repeated
    `const` declaration is a SyntaxError in every reader's console. Keep the first of each."""
    seen, unique = set(), []
    for script in scripts:
        # The copies differ only in filename None versus "" (both: an inline script).
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    return unique


def _on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"][:] = _unique_scripts(context["script_files"])  # in place: add_js_file appends to it
    body = context.get("body", "")
    if 'role="list" class="citation-list"' in body:
        # docutils marks the bibliography as an ARIA list whose items are not list items (an axe "critical"
        # violation); without the roles it is plain, valid structure.
        body = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
        body = body.replace(' role="doc-biblioentry"', "")
        context["body"] = body
    if "reviewkit-sortable" in body:
        app.add_js_file("reviewkit-tables.js", loading_method="defer")
    if CHART_CLASS in body:
        context["body"] = body = _with_static_images(app, body, context["pathto"])
        app.add_js_file(app.reviewkit_bundle, loading_method="defer")
        app.add_js_file("reviewkit-charts.js", loading_method="defer")
    if doctree is not None and pagename in app.env.found_docs:
        source = paths.relative(Path(app.env.doc2path(pagename)))
        inputs = [name for name in getattr(app.env, "reviewkit_inputs", {}).get(pagename, {}) if name != TOOLKIT_INPUT]
        _page_metadata(app, pagename, context, doctree)
        date = _git_date(source, *inputs)
        if date:
            context["last_updated"] = date
        else:
            context.pop("last_updated", None)


def _page_metadata(app: Sphinx, pagename: str, context: dict, doctree) -> None:
    """Description and Open Graph tags from the page's title and first paragraph (no third-party host)."""
    import html as html_module

    from docutils import nodes as docutils_nodes

    paragraph = next((p for p in doctree.findall(docutils_nodes.paragraph)
                      if len(p.astext()) > 60 and not isinstance(p.parent, docutils_nodes.admonition)), None)
    description = " ".join((paragraph.astext() if paragraph else app.config.project).split())
    if len(description) > 200:
        description = description[:197].rsplit(" ", 1)[0] + "…"
    title = context.get("title") or app.config.project
    tags = {
        "name=\"description\"": description,
        "property=\"og:title\"": html_module.unescape(str(title)),
        "property=\"og:description\"": description,
        "property=\"og:type\"": "article",
        "property=\"og:site_name\"": app.config.project,
    }
    context["metatags"] = context.get("metatags", "") + "".join(
        f'<meta {attribute} content="{html_module.escape(value, quote=True)}" />\n' for attribute, value in tags.items())


# ---------------------------------------------------------------- after the build
def _write_report(app: Sphinx) -> None:
    from myst_nb.sphinx_ import NbMetadataCollector

    report = {"reviewkit": __version__, "started": app.reviewkit_started, "vega_bundle": app.reviewkit_bundle,
              "chapters": {}}
    for docname in sorted(app.env.found_docs):
        data = NbMetadataCollector.get_exec_data(app.env, docname)
        if not data:
            continue
        report["chapters"][docname] = {
            "succeeded": data.get("succeeded"),
            "runtime": data.get("runtime"),
            "executed_this_build": bool(data.get("mtime") and data["mtime"] >= app.reviewkit_started - 1),
            "inputs": getattr(app.env, "reviewkit_inputs", {}).get(docname, {}),
        }
    Path(app.outdir).parent.joinpath(REPORT_NAME).write_text(json.dumps(report, indent=2), encoding="utf-8")


def _on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    publish_data(outdir)
    for problem in internal_link_problems(outdir):
        logger.warning(f"[reviewkit] broken internal link: {problem}", type="reviewkit", subtype="links")
    _write_report(app)


def _on_builder_inited(app: Sphinx) -> None:
    app.reviewkit_started = time.time()
    if app.config.reviewkit_check_sources:
        check_before_build(app)


def setup(app: Sphinx) -> dict:
    from .directives import DataDictionary, SourceCheck, SourceCheckTable, fill_source_check_tables, source_check_table

    app.setup_extension("reviewkit.linkcheck")
    app.setup_extension("reviewkit.evidence_updates")
    app.setup_extension("reviewkit.source_checks")  # compact marks, boxes and the status legend
    app.setup_extension("reviewkit.citations")  # bibliography anchors that table citations link to
    app.setup_extension("reviewkit.watch.footer")
    app.setup_extension("reviewkit.changelog")  # What changed: {change-log}
    app.setup_extension("reviewkit.edition")  # version on every page, JSON-LD, PDF edition, versions.json
    app.setup_extension("reviewkit.parallel_execution")
    app.setup_extension("reviewkit.hardening")  # page policy, Content-Security-Policy, visibility, cell outputs
    app.add_config_value("reviewkit_check_sources", True, "env")
    # A build of a few chapters only (tests): the whole-book rules (every entry cited, every source check
    # shown next to its claim) are not enforced. Never set for the real book.
    app.add_config_value("reviewkit_partial_build", False, "env")
    app.add_directive("data-dictionary", DataDictionary)
    app.add_directive("source-check", SourceCheck)
    app.add_directive("source-check-table", SourceCheckTable)
    app.add_node(source_check_table)
    app.connect("doctree-resolved", fill_source_check_tables)
    app.connect("env-get-updated", _on_env_get_updated)
    app.connect("env-check-consistency", _on_env_check_consistency)
    app.connect("config-inited", _on_config_inited)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("source-read", _on_source_read)
    app.connect("env-get-outdated", _on_env_get_outdated)
    app.connect("env-purge-doc", _on_env_purge_doc)
    app.connect("env-merge-info", _on_env_merge_info)
    app.connect("html-page-context", _on_html_page_context)
    app.connect("build-finished", _on_build_finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
