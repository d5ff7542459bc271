"""Shared toolkit of the living review: everything the chapters, the build and the tests share.

Chapters import the modules they need explicitly, e.g. ``from reviewkit import data, charts, glue``.
"""

__version__ = "0.1.0"
