"""Tables read as text records report the file line where each row starts, even after a cell that spans lines."""

from helpers import read_rows, write_rows
from reviewkit.model import records


def test_rows_report_the_line_where_each_row_starts(book):
    path = book / "data" / "clinical_studies.csv"
    table = read_rows(path)
    table[1][table[0].index("note")] += "\nsecond line of a quoted cell"
    write_rows(path, table)
    lines = path.read_text(encoding="utf-8").splitlines()
    for line, row in records.rows("clinical_studies"):
        assert lines[line - 1].startswith(row["study_id"] + ","), (line, row["study_id"])


def test_column_cells_reads_every_table_with_the_column(book):
    references = set(records.column_cells("reference"))
    for name in ("clinical_studies", "preclinical_studies"):
        assert {row["reference"] for _, row in records.rows(name) if row["reference"]} <= references


def test_rows_by_key_find_what_the_foreign_key_check_lets_pass(book):
    from reviewkit.model import keys

    studies = records.rows_by_key("clinical_studies")
    for _, row in records.rows("clinical_studies"):
        assert studies[keys.normalise(row["study_id"])]["study_id"] == row["study_id"]
    assert records.rows_by_key("no_such_table") == {}
