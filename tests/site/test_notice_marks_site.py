"""The built site: every citation of a work with a published notice carries the notice, on every page."""

from __future__ import annotations

import csv
import re

import pytest
from bs4 import BeautifulSoup

from reviewkit.model import paths

pytestmark = pytest.mark.site


def flagged_keys() -> set[str]:
    with open(paths.root() / "data" / "notices.csv", encoding="utf-8") as stream:
        return {row["reference"] for row in csv.DictReader(stream)}


def test_every_citation_of_a_flagged_work_carries_its_notice(site):
    keys = flagged_keys()
    checked = 0
    for page in sorted((site / "chapters").glob("*.html")):
        if page.name == "references.html":
            continue  # the bibliography itself
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select('a[href*="#cite-"]'):
            # The references page's entry ids: cite-<which of its bibliographies>-<key> (reviewkit.sphinx.citations).
            key = re.sub(r"^[0-9]+-", "", link["href"].rpartition("#cite-")[2])
            if key not in keys:
                continue
            # One citation may be two links ("Nieto et al. (2025)"): the mark follows the last of them.
            following = link.find_next_sibling()
            if following is not None and following.name == "a" and following["href"] == link["href"]:
                continue
            mark = link.find_next(class_="reviewkit-notice-mark")
            assert mark is not None and mark.find_previous("a", href=link["href"]) is link, (page.name, key)
            checked += 1
    assert checked or not keys, "the flagged works are cited somewhere"
