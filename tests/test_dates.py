"""The one DATE parser: fixed 'today', relative forms, and clear refusals."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srm.dates import next_occurrence, parse_date, parse_month_day
from srm.errors import UsageError

pytestmark = pytest.mark.engine_independent("the DATE parser")

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "past", "future"),
    [
        ("today", "2026-11-24", "2026-11-24"),
        ("yesterday", "2026-11-23", "2026-11-23"),
        ("tomorrow", "2026-11-25", "2026-11-25"),
        ("2026-02-28", "2026-02-28", "2026-02-28"),
        ("monday", "2026-11-23", "2026-11-30"),
        ("tuesday", "2026-11-24", "2026-11-24"),
        ("last friday", "2026-11-20", "2026-11-20"),
        ("last tue", "2026-11-17", "2026-11-17"),
        ("next tue", "2026-12-01", "2026-12-01"),
        ("3d ago", "2026-11-21", "2026-11-21"),
        ("2w ago", "2026-11-10", "2026-11-10"),
        ("in 10d", "2026-12-04", "2026-12-04"),
        ("in 2w", "2026-12-08", "2026-12-08"),
        ("in 1m", "2026-12-24", "2026-12-24"),
        ("3 Mar 2026", "2026-03-03", "2026-03-03"),
        ("  Last   Friday ", "2026-11-20", "2026-11-20"),
    ],
)
def test_accepted_forms(text, past, future):
    assert parse_date(text, TODAY, "past").isoformat() == past
    assert parse_date(text, TODAY, "future").isoformat() == future


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-13-01", "03/04/2026", "soon", "in 3d ago", ""]
)
def test_impossible_or_ambiguous_dates_show_the_accepted_forms(text):
    with pytest.raises(UsageError, match="YYYY-MM-DD, today"):
        parse_date(text, TODAY)


def test_month_day_dates_keep_no_made_up_year():
    assert parse_month_day("12-25") == (None, 12, 25)
    assert parse_month_day("--12-25") == (None, 12, 25)
    assert parse_month_day("1990-12-25") == (1990, 12, 25)
    assert parse_month_day("02-29") == (None, 2, 29)
    with pytest.raises(UsageError, match="impossible"):
        parse_month_day("02-30")


def test_feb_29_recurs_on_feb_28_in_other_years():
    assert next_occurrence(2, 29, date(2027, 1, 1)) == date(2027, 2, 28)
    assert next_occurrence(2, 29, date(2028, 1, 1)) == date(2028, 2, 29)
    assert next_occurrence(12, 25, date(2026, 12, 26)) == date(2027, 12, 25)


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_clear_usage_error(text):
    try:
        result = parse_date(text, TODAY)
    except UsageError as e:
        assert "YYYY-MM-DD" in str(e) or "impossible" in str(e)
    else:
        assert isinstance(result, date)


@given(st.text(max_size=12))
def test_any_text_is_a_month_day_or_a_clear_usage_error(text):
    try:
        year, month, day = parse_month_day(text)
    except UsageError:
        return
    assert 1 <= month <= 12 and 1 <= day <= 31
