"""Offline charts: one fingerprinted local copy of Vega, Vega-Lite and Vega-Embed, served from the site; the
build fails if altair asks for a Vega-Lite version the bundle does not carry.

The bundle depends only on the installed altair and vl-convert-python, so it is made once per environment and
kept beside it (``<environment>/share/reviewkit``, else in _build when that is not writable): a clean build of
the book reuses it, and neither package is imported unless the bundle has to be made.
"""

from __future__ import annotations

import hashlib
import os
import sys
from importlib.metadata import version as installed_version
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from reviewkit import __version__
from reviewkit.model import paths

STATIC_DIR = paths.STATIC_DIR
ENVIRONMENT_CACHE = Path(sys.prefix) / "share" / "reviewkit" / "vega-bundle"


def vega_lite_version() -> str:
    """The Vega-Lite version altair's specs declare, as major.minor (e.g. '6.4')."""
    import altair

    return ".".join(altair.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def _stamp_name() -> str:
    return f"bundle-altair-{installed_version('altair')}-vl-convert-{installed_version('vl-convert-python')}.name"


def _make_bundle(cache_dir: Path, stamp: Path) -> str:
    import altair
    import vl_convert

    version = vega_lite_version()
    available = vl_convert.get_vegalite_versions()
    if version not in available:
        raise ExtensionError(
            f"altair {altair.__version__} writes Vega-Lite {version} specs, but vl-convert-python "
            f"{vl_convert.__version__} bundles only {', '.join(available)}: the charts would not draw offline. "
            "Fix: pin altair and vl-convert-python to versions that agree (requirements.txt), then `make lock`."
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("vega-bundle.*.js"):
        old.unlink()
    bundle = vl_convert.javascript_bundle(vl_version=version)
    # A function scope keeps the bundle's top-level names (one is `_`) from clashing with Sphinx's scripts;
    # it still publishes window.vega, window.vegaLite and window.vegaEmbed.
    text = f"/* Vega {vl_convert.get_vega_version()}, Vega-Lite {version}, Vega-Embed {vl_convert.get_vega_embed_version()} (vl-convert-python {vl_convert.__version__}) */\n(function () {{\n{bundle}\n}})();\n"
    name = f"vega-bundle.{hashlib.sha256(text.encode()).hexdigest()[:12]}.js"
    partial = cache_dir / f".{name}.{os.getpid()}.tmp"
    partial.write_text(text, encoding="utf-8")
    partial.replace(cache_dir / name)
    stamp.write_text(name)
    return name


def build_vega_bundle(cache_dir: Path) -> tuple[str, Path]:
    """The fingerprinted bundle in cache_dir, made there unless the installed packages' one is there already;
    returns (file name, dir). The dir holds nothing else, as it is one of the site's static folders."""
    stamp = cache_dir.parent / f"{cache_dir.name}-{_stamp_name()}"
    name = stamp.read_text() if stamp.is_file() else ""
    if not (name and (cache_dir / name).is_file()):
        name = _make_bundle(cache_dir, stamp)
    return name, cache_dir


def bundle_dir(outdir: Path) -> Path:
    try:
        ENVIRONMENT_CACHE.mkdir(parents=True, exist_ok=True)
        if os.access(ENVIRONMENT_CACHE, os.W_OK):
            return ENVIRONMENT_CACHE
    except OSError:
        pass
    return outdir.parent / ".reviewkit-static"


def _on_config_inited(app: Sphinx, config) -> None:
    name, folder = build_vega_bundle(bundle_dir(Path(app.outdir)))
    app.reviewkit_bundle = name
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR), str(folder)]
    app.add_css_file("reviewkit.css")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _on_config_inited)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
