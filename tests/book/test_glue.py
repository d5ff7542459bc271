from decimal import Decimal

import pandas as pd
import pytest

from reviewkit.book.glue import PlainText, format_value


@pytest.mark.parametrize("value, expected", [
    (44, "44"),
    (92.9, "92.9"),
    (57.4, "57.4"),
    (0.036, "0.036"),
    (20.0, "20"),
    (8e10, "8 × 10¹⁰"),
    (1.6e8, "1.6 × 10⁸"),
    (1e6, "10⁶"),
    ("HER2", "HER2"),
])
def test_format_value_keeps_every_digit(value, expected):
    assert format_value(value) == expected


def test_format_value_of_pandas_scalars():
    frame = pd.DataFrame({"n": pd.array([23, None], dtype="Int64"), "x": pd.array([36.2, None], dtype="Float64")})
    assert format_value(frame["n"].iloc[0]) == "23"
    assert format_value(frame["x"].iloc[0]) == "36.2"
    with pytest.raises(ValueError, match="missing"):
        format_value(frame["n"].iloc[1])


def test_large_values_round_trip_exactly():
    for value in (8e10, 1.6e8, 123456.7, 2.5e9):
        text = format_value(value)
        mantissa, _, power = text.partition(" × 10")
        digits = power.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        assert Decimal(mantissa) * Decimal(10) ** int(digits) == Decimal(repr(value))


def test_plain_text_repr_has_no_quotes():
    assert repr(PlainText("92.9")) == "92.9"


def test_text_fragment_returns_the_captured_part():
    from reviewkit.book.glue import text_fragment

    assert text_fragment(r"(US\$[\d,]+ to [\d,]+)", "costs US$40,000 to 60,000 per batch", "cell") == "US$40,000 to 60,000"
    assert text_fragment(r"P\s*<\s*[0-9.]+", "survival (P < 0.05)", "cell") == "P < 0.05"


def test_text_fragment_names_the_cell_when_the_wording_changed():
    from reviewkit.book.glue import text_fragment

    with pytest.raises(ValueError, match="bottlenecks.csv row 1: the pattern .* is not in"):
        text_fragment(r"US\$\d+", "no cost given", "bottlenecks.csv row 1")
