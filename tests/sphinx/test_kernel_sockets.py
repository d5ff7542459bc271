"""The parallel execution's kernels listen on Unix sockets in a folder of their own; a chapter
that fails there is reported as a result, never raised."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import nbformat

from jupyter_client.manager import KernelManager

from reviewkit.sphinx.rebuilds.parallel_execution import Pending, _execute, unix_socket_config

CONFIG = SimpleNamespace(execution_in_temp=True, execution_timeout=60, execution_allow_errors=False)


def notebook(*cells: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_a_kernel_configured_so_listens_on_unix_sockets_in_the_folder(tmp_path):
    manager = KernelManager(kernel_name="python3", config=unix_socket_config(str(tmp_path)))
    manager.start_kernel()
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        assert manager.transport == "ipc"
        assert any(path.is_socket() for path in tmp_path.iterdir())
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)


def test_a_notebook_executes_on_such_a_kernel(tmp_path):
    result = _execute(Pending("doc", tmp_path / "doc.md", notebook("print(6 * 7)"), None), CONFIG)
    assert result.error == "" and result.notebook is not None
    assert result.notebook.cells[0].outputs[0]["text"] == "42\n"


def test_any_failure_is_reported_as_a_result_not_raised(tmp_path):
    broken = notebook("1")
    broken.metadata["kernelspec"]["name"] = "no-such-kernel"
    result = _execute(Pending("doc", tmp_path / "doc.md", broken, None), CONFIG)
    assert result.notebook is None and "no-such-kernel" in result.error
    died = _execute(Pending("doc", tmp_path / "doc.md", notebook("import os; os._exit(1)"), None), CONFIG)
    assert died.notebook is None and died.error.startswith("DeadKernelError")
