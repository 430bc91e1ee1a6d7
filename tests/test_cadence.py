"""Cadence grammar and calendar arithmetic."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srm import cadence as cad
from srm.errors import UsageError

pytestmark = pytest.mark.engine_independent("cadence arithmetic in Python")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weekly", "weekly"),
        ("biweekly", "biweekly"),
        ("Monthly", "monthly"),
        ("bimonthly", "bimonthly"),
        ("bi-monthly", "bimonthly"),
        ("quarterly", "quarterly"),
        ("semiannual", "semiannual"),
        ("yearly", "yearly"),
        ("45d", "45d"),
        ("6w", "6w"),
        ("2m", "bimonthly"),
        ("3m", "quarterly"),
        ("1y", "yearly"),
        ("none", "none"),
    ],
)
def test_grammar(text, expected):
    assert cad.normalise(text) == expected


@pytest.mark.parametrize("text", ["often", "0d", "-3d", "3x", "", "twice a month"])
def test_unknown_cadence_names_the_accepted_forms(text):
    with pytest.raises(UsageError, match="bimonthly \\(every TWO MONTHS"):
        cad.parse(text)


def test_bimonthly_is_every_two_months_not_twice_a_month():
    assert cad.parse("bimonthly").after(date(2026, 1, 15)) == date(2026, 3, 15)


@pytest.mark.parametrize(
    ("cadence", "start", "due"),
    [
        ("monthly", date(2026, 1, 31), date(2026, 2, 28)),
        ("monthly", date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        ("bimonthly", date(2025, 12, 31), date(2026, 2, 28)),
        ("bimonthly", date(2027, 12, 31), date(2028, 2, 29)),
        ("quarterly", date(2026, 11, 30), date(2027, 2, 28)),
        ("quarterly", date(2026, 8, 31), date(2026, 11, 30)),
        ("yearly", date(2028, 2, 29), date(2029, 2, 28)),
        ("weekly", date(2026, 12, 29), date(2027, 1, 5)),
        ("45d", date(2026, 1, 1), date(2026, 2, 15)),
    ],
)
def test_month_ends_and_leap_years(cadence, start, due):
    assert cad.parse(cadence).after(start) == due


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2500, 1, 1)), st.integers(1, 36))
def test_month_addition_lands_in_the_right_month_never_overshooting(d, months):
    result = cad.add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day <= d.day
    # Clamped only when the target month is too short.
    if result.day < d.day:
        assert (result + timedelta(days=1)).day == 1


def test_effective_cadence_prefers_own_then_shortest_segment_then_default():
    assert str(cad.effective("weekly", ["quarterly"], "yearly")) == "weekly"
    assert str(cad.effective(None, ["quarterly", "monthly", None], "yearly")) == "monthly"
    assert str(cad.effective(None, [], "yearly")) == "yearly"
    assert cad.effective("none", ["monthly"], "yearly") is None
