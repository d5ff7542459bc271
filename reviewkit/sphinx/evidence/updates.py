"""Evidence since the review on the page: ``{evidence-update}`` boxes beside the statements they change,
and the ``{since-review}`` summary of the landing page, both rendered from data/updates.csv at build time.

An update box is marked as newer than the review (its provenance, the date the book added it), names its
source and the kind of source (a company announcement is not peer-reviewed), what was read and how
confident the sweep is, and quotes the figures exactly as the record states them.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from reviewkit.book import evidence
from reviewkit.checks.dates import REVIEW_RECEIVED
from reviewkit.model import records, schema
from reviewkit.i18n.generated import _, N_, translated

TABLE = records.UPDATES
# Landing-page groups, in order: each lists the records of these provenances.
GROUPS = (("update",), ("not_in_review",), ("correction",))
GROUP_INTROS = {
    "update": N_("Published after the review was received ({received})."),
    "not_in_review": N_("Published before the review was received, but not included in it: evidence the review "
                        "did not have or did not cite, not evidence that came after it."),
    "correction": N_("Primary sources that contradict a statement of the review, shown beside it."),
}


def anchor(update_id: str) -> str:
    return f"update-{update_id.lower()}"


def _paragraph(label: str, text: str) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    paragraph += nodes.strong(text=label)
    paragraph += nodes.Text(text)
    return paragraph


def grouped(rows: list[dict]) -> list[tuple[tuple[str, ...], list[dict]]]:
    """The landing page's groups (GROUPS) that have records, each newest first."""
    groups = []
    for provenances in GROUPS:
        group = [row for row in rows if row["provenance"] in provenances]
        if group:
            group.sort(key=lambda row: (row["date_published"][:10], row["update_id"]), reverse=True)
            groups.append((provenances, group))
    return groups


def how_we_know_paragraph(directive: SphinxDirective, row: dict) -> nodes.paragraph:
    """Source (linked citation), kind of source, date, what was read and confidence: how a record is known."""
    source = nodes.paragraph(classes=["reviewkit-how-we-know"])
    source += nodes.strong(text=_("Source: "))
    citation, messages = directive.parse_inline(f"{{cite:p}}`{row['reference']}`", lineno=directive.lineno)
    source += citation
    source += messages
    source += nodes.Text(" " + _("({kind}; published {date}).").format(
        kind=evidence.source_kind_label(row["source_kind"]), date=row["date_published"]) + " ")
    source += nodes.strong(text=_("What was read: "))
    source += nodes.Text(f"{row['what_was_read']}. ")
    source += nodes.strong(text=_("Confidence: "))
    source += nodes.Text(f"{row['confidence_note'] or row['confidence']}.")
    if row["confidence"] == "low":
        source += nodes.Text(" " + _("Low confidence: not a finding."))
    return source


def unconfirmed_paragraph(row: dict) -> nodes.paragraph | None:
    if not row.get("unconfirmed"):
        return None
    paragraph = _paragraph(_("Not established: "), row["unconfirmed"])
    paragraph["classes"].append("reviewkit-unconfirmed")
    return paragraph


class EvidenceUpdate(SphinxDirective):
    """``{evidence-update} U03``: a record of newer evidence, beside the review's statement it changes."""

    required_arguments = 1
    optional_arguments = 10

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(schema.resource_path(TABLE)))
        rows = records.update_rows()
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
            label = evidence.provenance_word(row["provenance"], "heading")
            box += nodes.title(text=_("{label} · {kind} · published {published} · added to this book {added}").format(
                label=label, kind=evidence.source_kind_label(row["source_kind"]), published=row["date_published"],
                added=row["added"]))
            box += nodes.paragraph(text=row["claim"])
            if row["values"]:
                box += _paragraph(_("Figures as the source states them: "), row["values"])
            box += how_we_know_paragraph(self, row)
            unconfirmed = unconfirmed_paragraph(row)
            if unconfirmed is not None:
                box += unconfirmed
            output.append(box)
        return output


class SinceReview(SphinxDirective):
    """``{since-review}``: every record of evidence that is not the review's, in three groups (since the
    review, not in the review, corrections), newest first, each whole, with how it is known and a link to where
    it is shown."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(schema.resource_path(TABLE)))
        rows = [row for _, row in records.update_rows().values()]
        if not rows:
            return [nodes.paragraph(text=_("No evidence has been added since the review."))]
        output = []
        for provenances, group in grouped(rows):
            heading = nodes.rubric(text=evidence.provenance_word(provenances[0], "heading"),
                                   classes=["reviewkit-since-review-group"])
            intro = translated(GROUP_INTROS[provenances[0]]).format(received=REVIEW_RECEIVED.isoformat())
            output += [heading, nodes.paragraph(text=intro)]
            listing = nodes.bullet_list(classes=["reviewkit-since-review", f"group-{provenances[0]}"])
            for row in group:
                item = nodes.list_item(classes=[f"provenance-{row['provenance']}"])
                paragraph = nodes.paragraph()
                paragraph += nodes.strong(text=f"{row['date_published']} · {row['kind'].replace('_', ' ')}: ")
                paragraph += nodes.Text(row["claim"] + " ")
                link = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=anchor(row["update_id"]),
                                             refexplicit=True, refwarn=True)
                link += nodes.inline(text=_("Shown here, with its figures"))
                paragraph += link
                item += paragraph
                item += how_we_know_paragraph(self, row)
                unconfirmed = unconfirmed_paragraph(row)
                if unconfirmed is not None:
                    item += unconfirmed
                listing += item
            output.append(listing)
        return output


def setup(app) -> dict:
    app.add_directive("evidence-update", EvidenceUpdate)
    app.add_directive("since-review", SinceReview)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
