"""The external link check, proven offline against servers on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reviewkit.sphinx.linkcheck import broken_links, doi_handle_url, report_markdown

BIN = Path(sys.executable).parent
PAGE = b"<html><body><h1 id='present'>Here</h1></body></html>"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if self.path.startswith("/good"):
            self._send(200, PAGE)
        elif self.path.startswith("/api/handles/10.1000/registered"):
            self._send(200, b'{"responseCode":1}', "application/json")
        elif self.path.startswith("/api/handles/"):
            self._send(404, b'{"responseCode":100}', "application/json")
        else:
            self._send(404, b"not found")

    def _send(self, status, body, kind="text/html"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def servers():
    web = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    silent = socket.socket()  # accepts connections and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    yield f"http://127.0.0.1:{web.server_port}", f"http://127.0.0.1:{silent.getsockname()[1]}"
    web.shutdown()
    silent.close()


def test_doi_links_are_checked_through_the_handle_api():
    api = "https://doi.org/api/handles/"
    assert doi_handle_url("https://doi.org/10.1136/jitc-2020-002222", api) == api + "10.1136/jitc-2020-002222"
    assert doi_handle_url("http://dx.doi.org/10.1/x", api) == api + "10.1/x"
    assert doi_handle_url("https://example.org/10.1/x", api) is None
    assert doi_handle_url(api + "10.1/x", api) is None


@pytest.mark.build
def test_exactly_the_bad_links_are_reported(tmp_path, servers):
    web, silent = servers
    (tmp_path / "conf.py").write_text(
        "extensions = ['reviewkit.sphinx.linkcheck']\n"
        f"reviewkit_doi_handle_api = '{web}/api/handles/'\n", encoding="utf-8")
    (tmp_path / "index.rst").write_text(f"""Links
=====

- `good <{web}/good>`_
- `good anchor <{web}/good#present>`_
- `missing page <{web}/missing>`_
- `missing anchor <{web}/good#absent>`_
- `never answers <{silent}/slow>`_
- `registered doi <https://doi.org/10.1000/registered>`_
- `unknown doi <https://doi.org/10.1000/unknown>`_
""", encoding="utf-8")
    # Settings given on the command line win over the toolkit's (as `make linkcheck`'s would): one short try for
    # the host that never answers.
    subprocess.run([str(BIN / "sphinx-build"), "-b", "linkcheck", "-q", "-D", "linkcheck_timeout=1", "-D",
                    "linkcheck_retries=1", str(tmp_path), str(tmp_path / "out")],
                   capture_output=True, text=True, timeout=300)
    broken = {entry["uri"] for entry in broken_links(tmp_path / "out" / "output.json")}
    assert broken == {f"{web}/missing", f"{web}/good#absent", f"{silent}/slow",
                      f"{web}/api/handles/10.1000/unknown"}
    markdown = report_markdown(broken_links(tmp_path / "out" / "output.json"))
    assert f"{web}/missing" in markdown and markdown.count("\n| index.rst |") == 4


@pytest.mark.build
def test_relative_links_are_left_to_the_build_time_check(tmp_path):
    (tmp_path / "conf.py").write_text("extensions = ['reviewkit.sphinx.linkcheck']\n", encoding="utf-8")
    (tmp_path / "index.rst").write_text("Links\n=====\n\n`audit <evidence-audit.html#row>`_ and `csv <../data/x.csv>`_\n",
                                        encoding="utf-8")
    subprocess.run([str(BIN / "sphinx-build"), "-b", "linkcheck", "-q", str(tmp_path), str(tmp_path / "out")],
                   capture_output=True, text=True, timeout=120)
    assert broken_links(tmp_path / "out" / "output.json") == []
    statuses = (tmp_path / "out" / "output.json").read_text()
    assert '"status": "ignored"' in statuses


def test_the_book_s_own_linkcheck_settings_and_the_command_line_win(book):
    from types import SimpleNamespace

    from reviewkit.sphinx import linkcheck

    config_file = book / "_config.yml"
    config_file.write_text(config_file.read_text(encoding="utf-8").replace(
        "  config:\n", "  config:\n    linkcheck_timeout: 3\n", 1), encoding="utf-8")
    config = SimpleNamespace(linkcheck_timeout=3, linkcheck_retries=1, linkcheck_workers=1,
                             linkcheck_rate_limit_timeout=300.0, linkcheck_anchors=True,
                             linkcheck_report_timeouts_as_broken=False, linkcheck_ignore=[],
                             linkcheck_anchors_ignore_for_url=[], reviewkit_doi_handle_api="https://doi.org/api/handles/",
                             overrides={"linkcheck_workers": "9"})
    config.linkcheck_workers = 9
    linkcheck._configure(None, config)
    assert config.linkcheck_timeout == 3, "set in _config.yml (Sphinx holds the book's value): kept"
    assert config.linkcheck_workers == 9, "given with -D"
    assert config.linkcheck_retries == linkcheck.DEFAULTS["linkcheck_retries"]
    assert "linkcheck_timeout" in linkcheck.book_settings(book)
