"""报告期 text read as a year and months, in the forms county offices write; anything else is an error."""

from __future__ import annotations

import pytest

from chain.periods import Period, PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "year", "first", "last"),
    [
        ("2023年1-9月", 2023, 1, 9),
        ("2023年1—9月", 2023, 1, 9),
        ("2023年1–9月", 2023, 1, 9),
        ("2023年1~9月", 2023, 1, 9),
        ("2023年1至9月", 2023, 1, 9),
        ("2023年1月-9月", 2023, 1, 9),
        ("2023年1月至9月", 2023, 1, 9),
        ("2023年1-9月份", 2023, 1, 9),
        ("2023年一至九月", 2023, 1, 9),
        ("２０２３年１－９月", 2023, 1, 9),
        (" 2023 年 1-6 月 ", 2023, 1, 6),
        ("2023.1-9", 2023, 1, 9),
        ("2023年前三季度", 2023, 1, 9),
        ("2023年前两季度", 2023, 1, 6),
        ("2023年第三季度", 2023, 7, 9),
        ("2023年三季度", 2023, 7, 9),
        ("2023年第一季度", 2023, 1, 3),
        ("2023年第四季度", 2023, 10, 12),
        ("2023Q3", 2023, 7, 9),
        ("2023q3", 2023, 7, 9),
        ("2023-Q3", 2023, 7, 9),
        ("2023年Q1", 2023, 1, 3),
        ("2023年上半年", 2023, 1, 6),
        ("2023年下半年", 2023, 7, 12),
        ("2023年全年", 2023, 1, 12),
        ("2023年度", 2023, 1, 12),
        ("2023年", 2023, 1, 12),
        ("2023", 2023, 1, 12),
        ("2023年1-12月", 2023, 1, 12),
        ("2023年9月", 2023, 9, 9),
        ("2023年十二月", 2023, 12, 12),
    ],
)
def test_a_period_is_read_as_its_year_and_months(text: str, year: int, first: int, last: int) -> None:
    assert parse_period(text) == Period(year, first, last)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "第三季度", "23年1-9月", "2023年13月", "2023年9-1月", "2023Q5", "2023年前五季度", "去年"],
)
def test_a_period_that_cannot_be_read_is_an_error_in_both_languages(text: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert "报告期" in raised.value.message("zh")
    assert "reporting period" in raised.value.message("en")


def test_a_period_says_how_many_months_it_covers_and_writes_itself_one_way() -> None:
    period = parse_period("2023年前三季度")
    assert period.months == 9
    assert period.text() == "2023年1-9月"
    assert parse_period("2023Q3").text("en") == "2023 Jul–Sep"
