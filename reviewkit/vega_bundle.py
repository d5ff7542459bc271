"""Offline charts: one fingerprinted local copy of Vega, Vega-Lite and Vega-Embed, served from the site; the
build fails if altair asks for a Vega-Lite version the bundle does not carry."""

from __future__ import annotations

import hashlib
from pathlib import Path

import altair
import vl_convert
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from . import __version__

STATIC_DIR = Path(__file__).resolve().parent / "static"


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



def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _on_config_inited)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
