"""A source check is shown to every reader: the build rejects one placed inside a hidden or conditional
container (an `{only}` block, a dropdown, toggle or tab, a class that hides, or next to raw HTML that could
wrap it). `make check` rejects the same in the source (reviewkit.checks.html_policy); this is the build's own guard,
on the document tree every extension has already expanded.

The directive's own rendering (e.g. a compact mark that opens to its detail) is not a container here: it
carries the class `reviewkit-source-check`, and the browser suite checks that what it renders is visible.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from reviewkit.checks.html_policy import CONCEALING_CLASSES

logger = logging.getLogger(__name__)
OWN_CLASS = "reviewkit-source-check"
CONCEALING_NODE_TYPES = {"dropdown_main", "details", "sd_tab_input", "only", "ifconfig"}
CONCEALING_COMPONENTS = {"dropdown", "tab-set", "tab-item", "tab-content"}
CONCEALING_BUILD_CLASSES = CONCEALING_CLASSES | {"sd-dropdown", "sd-tab-item", "sd-tab-content", "sd-d-none"}


def concealment(node: nodes.Element) -> str | None:
    """Why ``node`` would not be visible to every reader, or None."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.document):
        classes = set(parent.get("classes", [])) if isinstance(parent, nodes.Element) else set()
        if OWN_CLASS not in classes:
            if isinstance(parent, addnodes.only) or type(parent).__name__ in CONCEALING_NODE_TYPES:
                return f"inside a {type(parent).__name__.replace('_main', '')} container"
            if parent.get("design_component") in CONCEALING_COMPONENTS:  # sphinx-design, before its transforms
                return f"inside a {parent['design_component']} container"
            hiding = sorted(classes & CONCEALING_BUILD_CLASSES)
            if hiding:
                return f"inside a container with class '{hiding[0]}'"
        parent = parent.parent
    siblings = node.parent.children if node.parent is not None else []
    for sibling in siblings[:siblings.index(node)] if node in siblings else []:
        if isinstance(sibling, nodes.raw) and "html" in sibling.get("format", "").split():
            return "after raw HTML that could hide it"
    return None


def check_doctree(app, doctree: nodes.document) -> None:
    for node in list(doctree.findall(nodes.Element)):
        check_id = node.get("source_check")
        if not check_id:
            continue
        reason = concealment(node)
        if reason:
            logger.warning(f"[reviewkit] source check {check_id} is {reason}: readers would not see the finding. "
                           "Fix: move the {source-check} directive out of the container, right after its claim.",
                           location=node, type="reviewkit", subtype="hidden_source_check")
