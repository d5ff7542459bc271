"""Execute the chapters a build is about to read on several kernels at once, before Sphinx reads them.

Jupyter Book 1 reads, and so executes, one chapter after another. Its CLI has no ``-j``
(jupyter-book/jupyter-book#1735; the pull request adding one, #1955, was closed unmerged), and under
``sphinx-build -j`` myst-nb's execution cache, one SQLite database, is written from several processes at
once ("database is locked", "table settings already exists": sphinx-doc/sphinx#12481, scipy/scipy#22383).

So at ``env-before-read-docs``, in Sphinx's one main process, this extension turns each chapter about to be
read into the very notebook myst-nb will build from it (the same ``source-read`` handlers, so the build's
inputs cell included, and myst-nb's own reader), executes on up to ``reviewkit_execution_workers`` kernels
at once those the cache does not hold yet, and stores each result in the cache, from this process only.
myst-nb then finds every chapter in the cache. A chapter that fails here is not stored: myst-nb executes it
again in its turn and fails the build with its usual message, so a broken cell reads as before.

Only public interfaces are used: myst-nb's notebook reader (``myst_nb.core.read.create_nb_reader``, as its
cache client reads), nbclient's ``NotebookClient`` to execute, and jupyter-cache's ``get_cache`` /
``cache_notebook_bundle`` to store. The kernels talk to the build over Unix sockets, not TCP ports: kernels
started at once over TCP are each handed a port that was free a moment before, and another kernel's
connection can take it first (jupyter/jupyter_client#487); the kernel that loses dies before its first
cell, and nbclient's clean-up of that kernel then fails on its own assertion (``assert self.km is not None``).
Whatever else goes wrong while a chapter executes here, that chapter is simply not stored: myst-nb executes it
again in its turn and reports the error in its usual way.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import nullcontext
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


@dataclass
class Pending:
    docname: str
    path: Path
    notebook: object  # nbformat.NotebookNode
    read_fmt: dict | None


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_workers() -> int:
    """Two kernels per core: a kernel can sit idle for seconds before its first cell while jupyter-client waits
    for its IOPub channel to connect (ZeroMQ's slow subscriber: jupyter/jupyter_client#593, the retries of #592),
    and a second kernel keeps the core busy meanwhile (measured: a clean build ~1 s faster on 2 cores)."""
    return 2 * available_cores()


def notebook_to_execute(app: Sphinx, docname: str, cache) -> Pending | None:
    """The notebook myst-nb will execute for ``docname``, or None (not a notebook, excluded, or cached)."""
    from myst_nb.core.read import create_nb_reader

    env, nb_config = app.env, app.env.mystnb_config
    path = Path(env.doc2path(docname))
    posix = PurePosixPath(path.as_posix())
    if any(posix.match(pattern) for pattern in nb_config.execution_excludepatterns):
        return None
    text = path.read_text(encoding=app.config.source_encoding)
    if create_nb_reader(str(path), env.myst_config, nb_config, text) is None:
        return None  # not a notebook (plain Markdown, reStructuredText)
    source = [text]
    app.events.emit("source-read", docname, source)  # what Sphinx will hand the parser
    reader = create_nb_reader(str(path), env.myst_config, nb_config, source[0])
    notebook = reader.read(source[0])
    if nb_config.metadata_key in notebook.metadata:
        return None  # per-notebook execution settings: left to myst-nb
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        return None
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for pattern, alias in (nb_config.kernel_rgx_aliases or {}).items():
        if kernel is not None and re.fullmatch(pattern, kernel):
            notebook.metadata["kernelspec"]["name"] = alias
            break
    try:
        cache.match_cache_notebook(notebook)
        return None
    except KeyError:
        return Pending(docname, path, notebook, reader.read_fmt)


def unix_socket_config(folder: str):
    """Configuration of a kernel that listens on Unix sockets in ``folder`` (no TCP ports to race for)."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})


@dataclass
class Executed:
    notebook: object | None  # the executed notebook, or None if it failed
    seconds: float
    error: str = ""


def _execute(pending: Pending, nb_config) -> Executed:
    from nbclient import NotebookClient

    start = time.perf_counter()
    kernel = pending.notebook.metadata.get("kernelspec", {}).get("name", "")
    try:
        with (TemporaryDirectory() if nb_config.execution_in_temp else nullcontext(pending.path.parent) as cwd,
              TemporaryDirectory(prefix="reviewkit-kernel-") as sockets):
            client = NotebookClient(pending.notebook, kernel_name=kernel, timeout=nb_config.execution_timeout,
                                    allow_errors=nb_config.execution_allow_errors, record_timing=False,
                                    config=unix_socket_config(sockets), resources={"metadata": {"path": str(cwd)}})
            client.execute()
    except Exception as error:  # noqa: BLE001 (any failure: myst-nb executes the chapter again and reports it)
        return Executed(None, time.perf_counter() - start, f"{type(error).__name__}: {error}".strip())
    return Executed(pending.notebook, time.perf_counter() - start)


def execute_in_parallel(app: Sphinx, env, docnames: list[str]) -> None:
    nb_config = getattr(env, "mystnb_config", None)
    workers = int(os.environ.get("REVIEWKIT_EXECUTION_WORKERS") or app.config.reviewkit_execution_workers
                  or default_workers())
    if nb_config is None or nb_config.execution_mode != "cache" or workers < 2 or len(docnames) < 2:
        return  # (one page to read: nothing to run beside it, myst-nb executes it in its turn if it must)
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(nb_config.execution_cache_path)
    pending = [p for p in (notebook_to_execute(app, doc, cache) for doc in sorted(docnames)) if p]
    if len(pending) < 2:
        return  # nothing to gain: myst-nb executes it in its turn
    logger.info(f"[reviewkit] executing {len(pending)} chapters on {min(workers, len(pending))} kernels at once")
    # Threads suffice: each kernel is a process of its own; the threads only wait for it.
    with ThreadPoolExecutor(max_workers=min(workers, len(pending))) as pool:
        results = list(pool.map(lambda p: _execute(p, nb_config), pending))
    for item, result in zip(pending, results):
        if result.notebook is None:
            logger.info(f"[reviewkit] {item.docname} failed here ({result.error.splitlines()[0][:200]}); it is "
                        "executed again in its turn, which reports the error")
            continue
        if item.read_fmt is not None:
            record = cache.add_nb_to_project(str(item.path), read_data=item.read_fmt)
        else:
            record = cache.add_nb_to_project(str(item.path))
        cache.cache_notebook_bundle(CacheBundleIn(result.notebook, record.uri,
                                                  data={"execution_seconds": result.seconds}),
                                    check_validity=False, overwrite=True)
        logger.info(f"[reviewkit] executed {item.docname} in {result.seconds:.2f} s")


def setup(app: Sphinx) -> dict:
    # 0: two kernels per available core (default_workers). 1: execute one chapter after another, as myst-nb alone does.
    # The environment variable REVIEWKIT_EXECUTION_WORKERS, when set, wins (make bench compares with 1).
    app.add_config_value("reviewkit_execution_workers", 0, "")
    app.connect("env-before-read-docs", execute_in_parallel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
