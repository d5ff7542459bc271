"""``{since-changed}`U03```: a visible mark, inside a statement of the review (a key finding, say), that the
statement has since changed, linking to the record of newer evidence that changed it.

The statement itself stays the review's; the mark says that it no longer holds and where to read why. The
mark's wording follows the record's provenance: "Since changed (<date of the source>)" for an update,
"Correction" for a correction of the review; ``{since-changed}`NMPA approval <U03>``` gives it words of
its own after that label.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxRole

from reviewkit.sphinx.evidence import updates as evidence_updates
from reviewkit.model import records, schema
from reviewkit.i18n.generated import N_, _, translated

LABELS = {"update": N_("Since changed"), "correction": N_("Correction"), "not_in_review": N_("Not in the review")}
EXPLICIT = re.compile(r"^(?P<text>.+?)\s*<(?P<id>[^<>]+)>$", re.S)


class SinceChanged(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        self.env.note_dependency(str(schema.resource_path(evidence_updates.TABLE)))
        match = EXPLICIT.match(self.text.strip())
        update_id, words = (match["id"].strip(), match["text"]) if match else (self.text.strip(), "")
        rows = records.update_rows()
        if update_id not in rows:
            message = self.inliner.reporter.error(
                f"since-changed: unknown update '{update_id}': data/updates.csv has {', '.join(sorted(rows))}. "
                "Fix: use one of those ids.", line=self.lineno)
            problem = self.inliner.problematic(self.rawtext, self.rawtext, message)
            return [problem], [message]
        row = rows[update_id][1]
        # An update is dated by its source; a correction concerns what was already known when the review was written.
        label = (f"{translated(LABELS['update'])} ({row['date_published'][:10]})" if row["provenance"] == "update"
                 else translated(LABELS.get(row["provenance"], LABELS["update"])))
        text = f"{label}: {words or _('read the record')}"
        link = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=evidence_updates.anchor(update_id),
                                     refexplicit=True, refwarn=True)
        link += nodes.inline(text=text)
        return [nodes.inline("", "", link, classes=["reviewkit-since-changed", f"provenance-{row['provenance']}"])], []


def setup(app) -> dict:
    app.add_role("since-changed", SinceChanged())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
