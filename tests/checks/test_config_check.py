"""_config.yml and the Makefile cannot weaken the build silently."""

from __future__ import annotations

import copy

import pytest
import yaml

from conftest import ROOT
from reviewkit.checks import config as config_check

CONFIG_TEXT = (ROOT / "_config.yml").read_text(encoding="utf-8")
CONFIG = yaml.safe_load(CONFIG_TEXT)


def problems(edit=None, *, complete_book=True):
    config = copy.deepcopy(CONFIG)
    if edit:
        edit(config)
    return config_check.config_problems(config, CONFIG_TEXT.splitlines(), complete_book=complete_book)


def test_the_books_configuration_passes():
    assert problems() == []


def test_a_misspelt_top_level_key_is_an_error_with_a_suggestion():
    found = problems(lambda c: c.update(exectue=c.pop("execute")))
    unknown = [p for p in found if p.field == "exectue"]
    assert unknown and "did you mean 'execute'" in unknown[0].fix
    # and the dropped block's honesty settings are reported as unset
    assert any(p.field == "execute.raise_on_error" and "is not set" in p.message for p in found)


def test_a_misspelt_nested_key_is_an_error():
    found = problems(lambda c: c["execute"].update(rase_on_error=True))
    assert [p.field for p in found] == ["execute.rase_on_error"]


@pytest.mark.parametrize("key, value", [("allow_errors", True), ("raise_on_error", False), ("stderr_output", "show"),
                                        ("stderr_output", "remove"), ("execute_notebooks", "off"),
                                        ("execute_notebooks", "auto"), ("exclude_patterns", ["chapters/*"])])
def test_honesty_settings_cannot_be_switched_off(key, value):
    found = problems(lambda c: c["execute"].update({key: value}))
    assert [p.field for p in found] == [f"execute.{key}"]
    execute_line = CONFIG_TEXT.splitlines().index("execute:") + 1
    assert found[0].line is None or found[0].line > execute_line  # the key's own line, when it is in the file


@pytest.mark.parametrize("key", ["suppress_warnings", "nb_execution_allow_errors", "nb_output_stderr",
                                 "nitpick_ignore", "reviewkit_check_sources", "html_js_files"])
def test_sphinx_overrides_that_weaken_the_build_are_rejected(key):
    found = problems(lambda c: c["sphinx"]["config"].update({key: ["x"]}))
    assert [p.field for p in found] == [f"sphinx.config.{key}"]


def test_the_extension_cannot_be_removed():
    found = problems(lambda c: c["sphinx"].update(extra_extensions=[]))
    assert [p.field for p in found] == ["sphinx.extra_extensions"]


def test_partial_builds_are_for_the_test_suites_copies_only(monkeypatch):
    def partial(c):
        c["sphinx"]["config"]["reviewkit_partial_build"] = True
    assert problems(partial) == []  # the suite allows its copies (conftest)
    monkeypatch.delenv(config_check.PARTIAL_ENV)
    assert [p.field for p in problems(partial)] == ["sphinx.config.reviewkit_partial_build"]
    assert [p.field for p in problems(partial, complete_book=False)] == ["sphinx.config.reviewkit_partial_build"]


@pytest.mark.parametrize("key, value", [("title", 'Review <img src=x onerror="alert(1)">'),
                                        ("author", "<script>alert(1)</script>"),
                                        ("copyright", "2025 <a href='javascript:alert(1)'>x</a>")])
def test_markup_in_values_shown_on_pages_is_rejected(key, value):
    found = problems(lambda c: c.update({key: value}))
    assert [p.field for p in found] == [key] and "markup" in found[0].message


def test_markup_in_nested_values_is_rejected():
    found = problems(lambda c: c["html"].update(extra_footer="<script>alert(1)</script>",
                                                announcement="<b onmouseover=alert(1)>x</b>"))
    assert {p.field for p in found} == {"html.extra_footer", "html.announcement"}


@pytest.mark.parametrize("section, key, value", [("launch_buttons", "binderhub_url", "https://mybinder.org"),
                                                 ("launch_buttons", "thebe", True),
                                                 ("html", "analytics", {"google_analytics_id": "G-1"}),
                                                 ("html", "comments", {"hypothesis": True})])
def test_third_party_services_are_rejected(section, key, value):
    found = problems(lambda c: c[section].update({key: value}))
    assert [p.field for p in found] == [f"{section}.{key}"]


def test_a_remote_favicon_is_rejected():
    found = problems(lambda c: c["html"].update(favicon="https://evil.example/f.ico"))
    assert [p.field for p in found] == ["html.favicon"]


def test_a_configuration_that_is_not_a_mapping():
    assert config_check.config_problems(["a"], [])[0].line == 1


def test_the_makefile_must_build_through_reviewkit_build(tmp_path):
    makefile = tmp_path / "Makefile"
    makefile.write_text((ROOT / "Makefile").read_text(encoding="utf-8"), encoding="utf-8")
    assert config_check.makefile_problems(makefile) == []
    text = makefile.read_text()
    makefile.write_text(text.replace("\t$(BIN)/reviewkit build\n", "\t$(BIN)/jupyter-book build .\n"))
    [problem] = config_check.makefile_problems(makefile)
    assert problem.field == "book" and "warnings might not be errors" in problem.message
    makefile.write_text(text.replace("\t$(BIN)/reviewkit build\n", "\t$(BIN)/reviewkit build --no-strict\n"))
    assert config_check.makefile_problems(makefile)
