"""报告期 (reporting period) text read as a year and the months it covers, in the forms county offices write.

A county's quarterly figures are year-to-date totals (2023年1-9月) or one quarter (2023年第三季度); a
comparison of two snapshots (same months of different years, or different lengths as monthly averages) needs
the year and the months, not the text. The text is kept as written; this module says what it means.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Period", "PeriodError", "parse_period"]

_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_NUMBER = r"(\d{1,2}|十[一二]?|[一二两三四五六七八九])"
_DASH = r"(?:-|—|–|－|~|～|至|到)"
_YEAR = r"((?:19|20)\d{2})\s*(?:年度?|[-./])?"


@dataclass(frozen=True)
class Period:
    """A reporting period: the year and the first and last month it covers (1-12, inclusive)."""

    year: int
    first_month: int
    last_month: int

    @property
    def months(self) -> int:
        """How many months the period covers (9 for 1-9月)."""
        return self.last_month - self.first_month + 1

    def text(self, lang: str = "zh") -> str:
        """The period written one standard way.

        >>> Period(2023, 1, 9).text(), Period(2023, 1, 9).text("en")
        ('2023年1-9月', '2023 Jan–Sep')
        """
        if lang == "zh":
            if self.first_month == self.last_month:
                return f"{self.year}年{self.first_month}月"
            return f"{self.year}年{self.first_month}-{self.last_month}月"
        names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
        first, last = names[self.first_month - 1], names[self.last_month - 1]
        return f"{self.year} {first}" if first == last else f"{self.year} {first}–{last}"


class PeriodError(ValueError):
    """A 报告期 that says no year and months this module can read; the message is in zh and en."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.message_zh = f"报告期“{text}”无法识别：请写成 2023年1-9月、2023年第三季度、2023年上半年、2023年全年 或 2023Q3 这样的形式"
        self.message_en = (
            f"reporting period '{text}' is not understood: write it like 2023年1-9月 (Jan–Sep 2023), "
            "2023年第三季度 (Q3), 2023年上半年 (first half), 2023年全年 (whole year) or 2023Q3"
        )
        super().__init__(f"{self.message_zh} / {self.message_en}")

    def message(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMERALS.get(token, 10 + _NUMERALS.get(token[-1:], 0))


def _months_of(rest: str) -> tuple[int, int] | None:
    """The (first, last) month written after the year, or None when ``rest`` is not a form we read."""
    if rest in ("", "全年", "年", "年度", "全年度", "1-12月", "全年累计"):
        return 1, 12
    if rest in ("上半年", "上半年度", "h1"):
        return 1, 6
    if rest in ("下半年", "下半年度", "h2"):
        return 7, 12
    match = re.fullmatch(rf"前{_NUMBER}(?:个)?季度?", rest)
    if match:
        return 1, 3 * _number(match.group(1))
    match = re.fullmatch(rf"(?:第?{_NUMBER}季度|q([1-4]))", rest)
    if match:
        quarter = _number(match.group(1) or match.group(2))
        return 3 * quarter - 2, 3 * quarter
    match = re.fullmatch(rf"{_NUMBER}月?{_DASH}{_NUMBER}月(?:份|末)?|{_NUMBER}月?{_DASH}{_NUMBER}", rest)
    if match:
        groups = [g for g in match.groups() if g is not None]
        return _number(groups[0]), _number(groups[1])
    match = re.fullmatch(rf"{_NUMBER}月(?:份)?|(\d{{1,2}})", rest)
    if match:
        # 2023年9月 is the month of September alone: a year-to-date total is written 1-9月.
        month = _number(match.group(1) or match.group(2))
        return month, month
    return None


def parse_period(text: str) -> Period:
    """What a 报告期 says: its year and the months it covers.

    Text is folded first (NFKC: full-width digits and dashes become ASCII; spaces are dropped).

    >>> parse_period("2023年1-9月")
    Period(year=2023, first_month=1, last_month=9)
    >>> [parse_period(t).months for t in ("2023年前三季度", "2023年第三季度", "2023年上半年", "2023年", "2023Q3")]
    [9, 3, 6, 12, 3]

    Raises:
        PeriodError: when the text is blank or not a form read here (never a guess).
    """
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()
    match = re.fullmatch(rf"{_YEAR}(.*)", folded)
    if match is None:
        raise PeriodError(str(text))
    year, rest = int(match.group(1)), match.group(2)
    rest = re.sub(r"^[-./]", "", rest)
    months = _months_of(rest)
    if months is None:
        raise PeriodError(str(text))
    first, last = months
    if not 1 <= first <= last <= 12:
        raise PeriodError(str(text))
    return Period(year, first, last)
