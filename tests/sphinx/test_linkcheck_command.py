"""`reviewkit linkcheck` (make linkcheck): its arguments reach jupyter-book, its exit code tells the truth, and
its report lands in _build/linkcheck. Offline: the build it starts is replaced by a stand-in that writes
Sphinx's linkcheck output.json."""

from __future__ import annotations

import json
import subprocess

import pytest

from reviewkit import cli
from reviewkit.sphinx import linkcheck
from reviewkit.model import paths

BROKEN = {"filename": "chapters/outlook.md", "lineno": 12, "status": "broken", "code": 404,
          "uri": "https://example.org/gone", "info": "404 Client Error: Not Found"}
WORKING = {"filename": "chapters/outlook.md", "lineno": 13, "status": "working", "code": 0,
           "uri": "https://example.org/here", "info": ""}


@pytest.fixture
def book(tmp_path, monkeypatch):
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    monkeypatch.setenv("REVIEWKIT_ROOT", str(tmp_path))
    paths.root.cache_clear()
    yield tmp_path
    paths.root.cache_clear()


def fake_build(monkeypatch, book, *, returncode=0, entries=()):
    calls = []

    def run(command, **kwargs):
        calls.append((command, kwargs))
        output = book / linkcheck.REPORT_DIR / "output.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text("".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8")
        return subprocess.CompletedProcess(command, returncode)

    monkeypatch.setattr(linkcheck.subprocess, "run", run)
    return calls


def test_arguments_reach_the_linkcheck_build(book, monkeypatch, capsys):
    calls = fake_build(monkeypatch, book, entries=[WORKING])
    assert cli.main(["linkcheck", "--", "-q", "-D", "linkcheck_timeout=3"]) == 0
    ((command, kwargs),) = calls
    assert command[1:] == ["build", str(book), "--builder", "custom", "--custom-builder", "linkcheck",
                           "-q", "-D", "linkcheck_timeout=3"]
    assert command[0].endswith("jupyter-book")
    assert kwargs["cwd"] == book and kwargs["env"]["REVIEWKIT_ROOT"] == str(book)
    assert "no broken links" in capsys.readouterr().out


def test_broken_links_fail_and_are_reported_outside_the_site(book, monkeypatch, capsys):
    fake_build(monkeypatch, book, entries=[WORKING, BROKEN])
    assert cli.main(["linkcheck"]) == 1
    report = (book / "_build" / "linkcheck" / "broken.md").read_text(encoding="utf-8")
    assert "| chapters/outlook.md | 12 | https://example.org/gone | broken |" in report
    assert "https://example.org/here" not in report
    assert "1 broken links" in capsys.readouterr().err
    assert not (book / "_build" / "html").exists()


def test_a_failed_link_check_build_passes_its_exit_code_on(book, monkeypatch, capsys):
    fake_build(monkeypatch, book, returncode=2)
    assert cli.main(["linkcheck"]) == 2
    assert "the link check itself failed" in capsys.readouterr().err
