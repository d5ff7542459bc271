"""Where each entry of references.bib sits on the references page, which lists the entries in several
bibliographies (reviewkit.model.bibliography.bibliography_of says which lists an entry).

The id template (CITE_ID) lives here and setup() hands it to sphinxcontrib-bibtex (its ``bibtex_cite_id``), so
the ids the page gives its entries and the ones reviewkit.sphinx.notice_marks looks for in citation links
cannot drift apart. Citations themselves, in prose and in tables, are sphinxcontrib-bibtex's own; a page that
cites depends on references.bib (_note_bibliography).
"""

from __future__ import annotations

from functools import cache

from docutils.nodes import make_id
from sphinx import addnodes

from reviewkit.model import bibliography, paths

# sphinxcontrib-bibtex's `bibtex_cite_id`: the id of each entry on the references page.
CITE_ID = "cite-{bibliography_count}-{key}"


def anchor(key: str, bibliography_count: int) -> str:
    return make_id(CITE_ID.format(bibliography_count=bibliography_count, key=key))


@cache
def from_text(text: str) -> dict[str, str]:
    """Key -> the id of its entry on the references page, for every entry of a bibliography text."""
    found = {}
    for entry in bibliography.parse_text(text).entries:
        fields = {name.lower(): bibliography.plain(field.value)
                  for name, field in entry.fields_dict.items() if isinstance(field.value, str)}
        found[entry.key] = anchor(entry.key, bibliography.bibliography_of(fields))
    return found


def anchors() -> dict[str, str]:
    """Key -> the id of its entry on the references page, for every entry of references.bib."""
    return from_text(paths.bibliography_path().read_text(encoding="utf-8-sig"))


def _use_our_ids(app, config) -> None:
    config.bibtex_cite_id = CITE_ID


def _note_bibliography(app, doctree) -> None:
    """A page that cites shows its entries' labels and tooltips, which sphinxcontrib-bibtex resolves from
    references.bib as the page is written: the page is read and written again when that file changes. Its kernel
    reads nothing of it (a table's citations are Sphinx's too), so an edited entry executes no chapter."""
    if any(node.get("refdomain") == "cite" for node in doctree.findall(addnodes.pending_xref)):
        app.env.note_dependency(str(paths.bibliography_path()))


def _find_backend_once() -> None:
    """Workaround: sphinxcontrib-bibtex asks pybtex for its plaintext backend for every citation it resolves
    (``find_plugin("pybtex.backends", "plaintext")`` in its domain's resolve_xref), and pybtex searches every
    installed package's entry points each time it is asked (pybtex.plugin._load_entry_point has no memory).
    pybtex's public ``register_plugin`` names the same class once, so each later lookup is a dictionary's. It
    stays while `make bench-caches` shows it saving about 10% of `make serve`'s rebuild after an edit, where
    every page written resolves its citations again."""
    from pybtex.backends.plaintext import Backend
    from pybtex.plugin import find_plugin, register_plugin

    if find_plugin("pybtex.backends", "plaintext") is Backend:  # what the entry point names: nothing changes
        register_plugin("pybtex.backends", "plaintext", Backend, force=True)


def setup(app) -> dict:
    app.connect("config-inited", _use_our_ids)
    _find_backend_once()
    app.connect("doctree-read", _note_bibliography)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
