"""Whose statement a row is: the provenance vocabulary's words, and the kinds of source newer evidence comes from.

The values themselves are the allowed values (``enum``) of each ``provenance`` column in data/datapackage.json:
``review`` rows speak for the review; ``update`` (published after the review was received), ``not_in_review``
(published before it, but not included in it) and ``correction`` rows are evidence that is not the review's. This
module says how readers see each value (a table badge, a heading for a box or a list, a chart legend); `make check`
fails when the schema has a value with no words here (reviewkit.checks.expectations).
"""

from __future__ import annotations

from reviewkit.model.messages import N_

REVIEW = "review"
PROVENANCE = {
    "review": {"badge": N_("Review"), "heading": N_("The review"), "legend": N_("the review")},
    "update": {"badge": N_("Since the review"), "heading": N_("Since the review"),
               "legend": N_("since the review")},
    "not_in_review": {"badge": N_("Not in the review"), "heading": N_("Not in the review (published before it)"),
                      "legend": N_("not in the review (published before it)")},
    "correction": {"badge": N_("Correction"), "heading": N_("Correction to the review"),
                   "legend": N_("correction to the review")},
}

# What kind of source a newer figure comes from (updates.source_kind), as readers see it.
SOURCE_KINDS = {
    "peer_reviewed_paper": N_("Peer-reviewed paper"),
    "conference_abstract": N_("Conference abstract (not a full peer-reviewed paper)"),
    "company_announcement": N_("Company announcement (not peer-reviewed)"),
    "news_report": N_("News report (second-hand)"),
    "registry_record": N_("Trial-registry record"),
    "regulator_notice": N_("Regulator's notice"),
    "mirror": N_("Mirror (a third-party copy of a record)"),
    "bibliographic_record": N_("Bibliographic record (a database entry, such as PubMed's)"),
}
