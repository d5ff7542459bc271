"""The offline Vega bundle refuses an altair that writes a Vega-Lite version the bundle cannot draw."""

from __future__ import annotations

import altair
import pytest
import vl_convert
from sphinx.errors import ExtensionError

from reviewkit.sphinx import vega_bundle


def test_a_vega_lite_version_the_bundle_lacks_stops_the_build_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(vl_convert, "get_vegalite_versions", lambda: ["5.8", "5.20"])
    monkeypatch.setattr(vl_convert, "javascript_bundle", lambda **kwargs: pytest.fail("must not bundle"))
    with pytest.raises(ExtensionError) as raised:
        vega_bundle.build_vega_bundle(tmp_path / "bundle")
    message = str(raised.value)
    assert f"altair {altair.__version__} writes Vega-Lite {vega_bundle.vega_lite_version()}" in message
    assert "bundles only 5.8, 5.20" in message
    assert "requirements.txt" in message and "make lock" in message
    assert not (tmp_path / "bundle").exists(), "nothing is written"


def test_the_pinned_altair_and_vl_convert_agree():
    assert vega_bundle.vega_lite_version() in vl_convert.get_vegalite_versions()
