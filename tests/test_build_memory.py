"""The build process collects garbage less often while it builds, and as before once it has finished."""

from __future__ import annotations

import gc
from types import SimpleNamespace

from reviewkit import build_memory


def test_the_build_collects_less_and_restores_the_thresholds_when_it_ends():
    before = gc.get_threshold()
    handlers = []
    app = SimpleNamespace(connect=lambda event, handler, priority=500: handlers.append((event, handler, priority)))
    try:
        build_memory.setup(app)
        assert gc.get_threshold() == build_memory.BUILD_THRESHOLDS != before
        [(event, handler, priority)] = handlers
        assert event == "build-finished" and priority >= 990, "after every other step of the build"
        handler(app, None)
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
