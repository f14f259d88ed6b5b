"""The unified social credit code (统一社会信用代码) and its GB 32100-2015 check character."""

from __future__ import annotations

import unicodedata

__all__ = ["CHARSET", "check_character", "is_valid_credit_code"]

#: The 31 characters a code may use, in the order that gives each its value (no I, O, S, V, Z).
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: value for value, char in enumerate(CHARSET)}
#: Weight of each of the first 17 positions: 3**i mod 31.
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_character(body: str) -> str | None:
    """The check character of a code's first 17 characters, or None when one is outside :data:`CHARSET`.

    The check value is ``31 - (Σ value x weight mod 31)``, with 31 written as ``0``.

    >>> check_character("91350100M000100Y4")
    '3'
    """
    if len(body) != 17:
        return None
    try:
        total = sum(_VALUE[char] * weight for char, weight in zip(body, _WEIGHTS, strict=True))
    except KeyError:
        return None
    return CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """A code is *valid* when, folded to half-width upper case, it has 18 characters and the right check.

    >>> is_valid_credit_code("91350100M000100Y43"), is_valid_credit_code("91350100M000100Y44")
    (True, False)
    >>> is_valid_credit_code("９１３５０１００m０００１００y４３")
    True
    """
    folded = unicodedata.normalize("NFKC", code).strip().upper()
    return len(folded) == 18 and check_character(folded[:17]) == folded[17]
