"""A table as the kernel writes it: MyST Markdown holding a ``{data-table}`` directive and a few roles. Written by
reviewkit.book.tables in the kernels, read by the build (reviewkit.sphinx.data_table, and the output policy of
reviewkit.sphinx.security.outputs); kept apart from the tables so the build reads this markup without importing
pandas."""

from __future__ import annotations

# The markup the kernel writes and reviewkit.sphinx.data_table reads: the directive, and the roles of words that
# sit in an element of their own (a translated edition translates a label whole, never a sentence with a date
# in it), each with the classes its element carries.
DIRECTIVE = "data-table"
ROLES = {"table-label": [], "table-badge": ["reviewkit-badge"], "table-registry-none": ["reviewkit-registry-none"],
         "table-registry-match": ["reviewkit-registry-match"],
         "table-registry-status": ["reviewkit-registry-status"]}
NONE = "-"  # a row without an anchor or without newer provenance, in the directive's per-row options
