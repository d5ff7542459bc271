"""Tables as readers see them: escaped cells, a caption, the source, and links to the CSV and schema."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from . import data, schema
from .glue import format_value

# Pages live one folder below the site root (chapters/), and the build copies data/ to the site root.
DATA_URL = "../data/"
MISSING = "—"


def _cell(value) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    return html.escape(format_value(value))


def table_html(frame: pd.DataFrame, *, table: str, caption: str, columns: list[str] | None = None,
               source: str = "") -> str:
    """HTML for a table of ``table`` (a data package resource): every cell escaped, nothing trusted."""
    columns = columns or list(frame.columns)
    titles = data.field_titles(table)
    csv_name = schema.resource(table)["path"]
    head = "".join(f'<th scope="col">{html.escape(titles.get(c, c))}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row[c])}</td>" for c in columns) + "</tr>"
        for _, row in frame.iterrows()
    )
    source_text = f"Source: {html.escape(source)}. " if source else ""
    return (
        f'<figure class="reviewkit-table" data-table="{html.escape(table)}">'
        f"<figcaption>{html.escape(caption)}</figcaption>"
        f'<div class="reviewkit-table-scroll" tabindex="0" role="region" aria-label="{html.escape(caption)}">'
        f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        f'<p class="reviewkit-table-source">{source_text}Data: '
        f'<a href="{DATA_URL}{html.escape(csv_name)}" download>{html.escape(csv_name)}</a> '
        f'(<a href="{DATA_URL}datapackage.json">schema</a>, <a href="data.html#{html.escape(table.replace("_", "-"))}">column definitions</a>)</p>'
        "</figure>"
    )


def show(frame: pd.DataFrame, *, table: str, caption: str, columns: list[str] | None = None,
         source: str = "") -> HTML:
    """Display a table in a chapter (see table_html)."""
    return HTML(table_html(frame, table=table, caption=caption, columns=columns, source=source))
