"""The build's own guards, on document trees and executed notebooks: hidden source checks, cell outputs,
and what `make book` publishes."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from reviewkit.sphinx.security import outputs, visibility
from reviewkit import publish


def box(check_id="SC01", classes=("reviewkit-source-check", "warning")):
    node = nodes.admonition(classes=list(classes))
    node["source_check"] = check_id
    return node


def placed(*containers, siblings=()):
    document = nodes.document(None, None)
    parent = nodes.section()
    document += parent
    for container in containers:
        parent += container
        parent = container
    for sibling in siblings:
        parent += sibling
    finding = box()
    parent += finding
    return finding


def test_a_visible_box_passes():
    assert visibility.concealment(placed(nodes.container(classes=["tip"]))) is None


def test_the_directives_own_rendering_is_not_a_container():
    assert visibility.concealment(placed(nodes.container(classes=["reviewkit-source-check", "dropdown"]))) is None


def test_hidden_and_conditional_containers():
    only = addnodes.only(expr="html")
    assert "only" in visibility.concealment(placed(only))
    assert "'toggle'" in visibility.concealment(placed(nodes.container(classes=["toggle"])))
    assert "'sd-dropdown'" in visibility.concealment(placed(nodes.container(classes=["sd-dropdown"])))
    assert "'d-none'" in visibility.concealment(placed(nodes.container(), nodes.container(classes=["d-none"])))
    assert "dropdown" in visibility.concealment(placed(nodes.container(design_component="dropdown")))


def test_raw_html_before_the_box_could_wrap_it():
    raw = nodes.raw("", "<div hidden>", format="html")
    assert "raw HTML" in visibility.concealment(placed(nodes.container(), siblings=[raw]))


def cell(source, *outputs_):
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": list(outputs_)}


def test_stderr_errors_and_oversized_output_are_reported_by_cell():
    notebook = {"cells": [
        {"cell_type": "markdown", "source": "# T"},
        cell(":tags: [remove-cell]\nimport warnings\nwarnings.warn('x')",
             {"output_type": "stream", "name": "stderr", "text": "UserWarning: x"}),
        cell("print('ok')", {"output_type": "stream", "name": "stdout", "text": "ok\n"}),
        cell("for i in range(10**6): print(i)", {"output_type": "stream", "name": "stdout", "text": "0\n" * 300_000}),
        cell("1/0", {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
                     "traceback": []}),
    ]}
    found = outputs.notebook_problems(notebook)
    assert len(found) == 3
    assert found[0].startswith("code cell 1 ('import warnings')") and "stderr" in found[0]
    assert found[1].startswith("code cell 3 ('for i in range") and "KiB" in found[1]
    assert "ZeroDivisionError" in found[2]


def test_ordinary_output_passes():
    notebook = {"cells": [cell("x", {"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {}})]}
    assert outputs.notebook_problems(notebook) == []


def test_only_described_files_are_published_and_nothing_else_stays(book, tmp_path):
    site = tmp_path / "html"
    (site / "data").mkdir(parents=True)
    (site / "data" / "deleted_table.csv").write_text("stale\n")
    (book / "data" / "notes.txt").write_text("not described\n")
    from reviewkit.sphinx import data_export
    from reviewkit.model import schema

    data_export.publish_data(site)
    published = {path.name for path in (site / "data").iterdir()}
    assert published == {"datapackage.json", data_export.REFERENCES_FILE} | {r["path"] for r in schema.resources()}


def test_publishing_swaps_the_whole_site(tmp_path):
    new, target = tmp_path / "staging", tmp_path / "html"
    new.mkdir()
    (new / "index.html").write_text("new")
    target.mkdir()
    (target / "index.html").write_text("old")
    (target / "stale.html").write_text("old")
    publish._replace(new, target)
    assert sorted(p.name for p in target.iterdir()) == ["index.html"] and (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html", "staging"]


def test_the_kernels_drawing_of_each_chart_is_kept_for_the_page(tmp_path):
    from reviewkit.book.chart_markup import chart_html, static_image

    spec = {"mark": "point", "description": "A chart of nothing"}
    chart = chart_html(spec)
    notebook = {"cells": [
        {"cell_type": "code", "outputs": [{"output_type": "display_data",
                                           "data": {"text/html": [chart[:40], chart[40:]], "image/svg+xml": "<svg>1</svg>"}}]},
        {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"text/html": "<p>no chart</p>",
                                                                                 "image/svg+xml": "<svg>2</svg>"}}]},
        {"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {  # a glued chart
            "application/papermill.record/text/html": chart_html({**spec, "description": "Glued"}),
            "application/papermill.record/image/svg+xml": "<svg>3</svg>"}}]},
        {"cell_type": "markdown", "source": "text"}]}
    chart_id = chart.split('id="', 1)[1].split('"', 1)[0]
    glued_id = chart_html({**spec, "description": "Glued"}).split('id="', 1)[1].split('"', 1)[0]
    assert outputs.chart_images(notebook) == {chart_id: "<svg>1</svg>", glued_id: "<svg>3</svg>"}
    outputs.keep_chart_images(notebook, tmp_path)
    assert static_image(tmp_path, chart_id).read_text(encoding="utf-8") == "<svg>1</svg>"
    static_image(tmp_path, chart_id).write_text("<svg>kept</svg>", encoding="utf-8")
    outputs.keep_chart_images(notebook, tmp_path)
    assert static_image(tmp_path, chart_id).read_text(encoding="utf-8") == "<svg>kept</svg>", "an existing drawing stays"
    taken_out = {"output_type": "display_data", "data": {"text/html": chart_html({**spec, "description": "Out"}),
                                                         "image/svg+xml": "<svg>4</svg>"}}
    assert "<svg>4</svg>" in outputs.chart_images({"cells": []}, [taken_out]).values(), "glued, as myst-nb keeps it"


def test_printed_markdown_may_hold_tables_but_no_other_directive_or_role():
    from reviewkit.book import tables

    table = tables.markup([tables.Row([tables.cite("lum2015targeted"), tables.label("added") + " " + tables.escape(
        "{raw}`<script>` ```{include} /etc/passwd")], provenance="update")], table="glossary", caption="c",
        header=["a", "b"])
    assert outputs.markdown_problems(table) == []
    for printed, name in [("```{include} /etc/passwd\n```", "include"), ("{raw}`html <b>x</b>`", "raw"),
                          (":::{eval-rst}\n:::", "eval-rst"), ("\\\\{raw}`x`", "raw"), (table + "{glue:text}`x`", "glue:text")]:
        (problem,) = outputs.markdown_problems(printed)
        assert f"uses {{{name}}}" in problem and "Fix:" in problem
    assert outputs.markdown_problems("\\{raw}`x` is text") == []
