"""Evidence since the review on the page: ``{evidence-update}`` boxes beside the statements they change,
and the ``{since-review}`` summary of the landing page, both rendered from data/updates.csv at build time.

An update box is marked as newer than the review (its provenance, the date the book added it), names its
source and the kind of source (a company announcement is not peer-reviewed), what was read and how
confident the sweep is, and quotes the figures exactly as the record states them.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from . import records, schema
from .problems import Problem

TABLE = "updates"
SOURCE_TYPE_LABELS = {
    "journal article": "Journal article",
    "bibliographic record": "Bibliographic record",
    "regulator notice": "Regulator's notice",
    "registry record": "Trial-registry record",
    "company announcement": "Company announcement, not peer-reviewed",
    "news report": "News report",
    "secondary summary": "Secondary summary, the primary source itself was not read",
}
PROVENANCE_LABELS = {"update": "Since the review", "correction": "Correction to the review",
                     "missed": "Not in the review (published before it)"}


# A sentence ends at a full stop after a lower-case letter, digit or bracket and before a capital:
# "Affimed N.V. and ..." and "et al., Nat Med" do not end one.
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]])\.\s+(?=[A-Z])")


def first_sentence_of(text: str) -> str:
    return SENTENCE_END.split(text.strip(), maxsplit=1)[0].rstrip(".") + "."


def anchor(update_id: str) -> str:
    return f"update-{update_id.lower()}"


def update_rows() -> dict[str, tuple[int, dict]]:
    """update_id -> (line in data/updates.csv, row), read as text (no kernel or validation needed)."""
    if TABLE not in {resource["name"] for resource in schema.resources()}:
        return {}
    return {row["update_id"]: (line, row) for line, row in records.rows(TABLE)}


def data_references() -> set[str]:
    """BibTeX keys that data rows cite in a `reference` column (rendered as citations on the pages)."""
    return set(records.column_cells("reference"))


def check_updates_shown(chapters, *, complete_book: bool = True) -> list[Problem]:
    """Every record of data/updates.csv is shown once, in the chapter it names, beside the statement it changes."""
    from .chapters import Chapter, placements

    rows = update_rows()
    shown, problems = placements(chapters, Chapter.evidence_updates, rows, noun="update", key="update_id",
                                 table="data/updates.csv", why="beside the statement of the review it changes "
                                 "(elsewhere, link to it with {ref}`text <update-u01>`)")
    if complete_book:
        for update_id, (line, row) in rows.items():
            if shown.get(update_id, ("",))[0].removesuffix(".md") != row["chapter"]:
                problems.append(Problem(
                    "data/updates.csv", line, "chapter",
                    f"update {update_id} is not shown in {row['chapter']}",
                    f"add ':::{{evidence-update}} {update_id}' to {row['chapter']}.md beside the review's statement "
                    "it changes (or correct the row's chapter)"))
    return problems


def _paragraph(label: str, text: str) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    paragraph += nodes.strong(text=label)
    paragraph += nodes.Text(text)
    return paragraph


class EvidenceUpdate(SphinxDirective):
    """``{evidence-update} U03``: a record of newer evidence, beside the review's statement it changes."""

    required_arguments = 1
    optional_arguments = 10

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(schema.resource_path(TABLE)))
        rows = update_rows()
        output = []
        for update_id in self.arguments:
            if update_id not in rows:
                raise self.error(f"unknown update '{update_id}': data/updates.csv has {', '.join(sorted(rows))}. "
                                 "Fix: use one of those ids.")
            row = rows[update_id][1]
            box = nodes.admonition(classes=["reviewkit-update", f"provenance-{row['provenance']}"],
                                   ids=[anchor(update_id)], names=[anchor(update_id)])
            box["reviewkit_row"] = (TABLE, (update_id,))  # What changed links a change of this row here
            box["provenance"] = row["provenance"]
            self.state.document.note_explicit_target(box, box)
            label = PROVENANCE_LABELS[row["provenance"]]
            box += nodes.title(text=f"{label} · added {row['added']} · record {update_id}")
            box += nodes.paragraph(text=row["claim"])
            if row["values"]:
                box += _paragraph("Figures as the source states them: ", row["values"])
            source = nodes.paragraph()
            source += nodes.strong(text="Source: ")
            citation, messages = self.parse_inline(f"{{cite:p}}`{row['reference']}`", lineno=self.lineno)
            source += citation
            source += messages
            source += nodes.Text(f" ({SOURCE_TYPE_LABELS[row['source_type']]}; published {row['date_published']}). ")
            source += nodes.Text(f"What was read: {row['what_was_read']}. ")
            confidence = row["confidence_note"] or row["confidence"]
            source += nodes.Text(f"Confidence: {confidence}.")
            if row["confidence"] == "low":
                source += nodes.Text(" Unconfirmed: not a finding.")
            box += source
            output.append(box)
        return output


class SinceReview(SphinxDirective):
    """``{since-review}``: every record of newer evidence, newest first, each linking to where it is shown."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(schema.resource_path(TABLE)))
        rows = [row for _, row in update_rows().values()]
        rows.sort(key=lambda row: (row["date_published"][:10], row["update_id"]), reverse=True)
        listing = nodes.bullet_list(classes=["reviewkit-since-review"])
        for row in rows:
            item = nodes.list_item(classes=[f"provenance-{row['provenance']}"])
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(text=f"{PROVENANCE_LABELS[row['provenance']]} ({row['date_published']}, "
                                           f"{row['kind'].replace('_', ' ')}): ")
            first_sentence = first_sentence_of(row["claim"])
            paragraph += nodes.Text(first_sentence + " ")
            link = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=anchor(row["update_id"]),
                                         refexplicit=True, refwarn=True)
            link += nodes.inline(text=f"Read record {row['update_id']}")
            paragraph += link
            item += paragraph
            listing += item
        if not rows:
            return [nodes.paragraph(text="No evidence has been added since the review.")]
        return [listing]


def setup(app) -> dict:
    app.add_directive("evidence-update", EvidenceUpdate)
    app.add_directive("since-review", SinceReview)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
