"""How a value reads: what counts as no value (the build reads figures without importing pandas, the kernels pass
pandas' own missing markers)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from reviewkit.model import figures


@pytest.mark.parametrize("value", [None, float("nan"), np.float32("nan"), pd.NA, pd.NaT, np.datetime64("NaT")])
def test_no_value_is_missing_and_cannot_be_printed(value):
    assert figures.is_missing(value)
    with pytest.raises(ValueError, match="missing value"):
        figures.format_value(value)


@pytest.mark.parametrize("value", [0, 0.0, "", "not reached", False])
def test_a_value_that_reads_as_nothing_much_is_still_a_value(value):
    assert not figures.is_missing(value)


def test_a_range_without_its_ends_reads_not_reached():
    row = {"value": 3, "value_max": None, "unit": "months", "relation": "=", "ci_low": pd.NA, "ci_high": 7.5}
    assert figures.result_text(row) == "3 months (95% CI not reached–7.5)"


def test_a_timestamp_reads_as_its_date():
    assert figures.format_value(pd.Timestamp("2025-05-01")) == "2025-05-01"


def test_the_build_starts_without_the_kernels_libraries():
    """The Sphinx extension reads the markup kernels write (tables, charts) and the words of values without
    importing pandas or altair: every build, a no-op included, would pay for their import."""
    probe = ("import sys, reviewkit.sphinx; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'altair', 'numpy'}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", f"importing reviewkit.sphinx imports {result.stdout.strip()}"
