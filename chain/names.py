"""Names of enterprises compared the one way: a normaliser for identity, and a core for "did you mean".

Two spellings are **the same name** when :func:`name_key` maps them to the same text: Unicode NFKC (full-width
letters, digits and brackets become half-width), invisible characters (zero-width spaces and joiners, the
byte-order mark, soft hyphens) dropped, runs of white space (non-breaking too) collapsed to one space,
dropped next to a Chinese character, and trimmed. That
is an exact match a person would not see as a difference, so it needs no warning.

Two names are **alike** when their cores (:func:`name_core`: place prefixes, bracketed notes and legal-form
affixes such as 有限公司 removed) are similar by RapidFuzz's normalised Indel similarity at or above a
threshold from :class:`chain.settings.ReadSettings`. Alike is never the same: the loader reports it as an
error with a suggestion and never merges the two.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from chain.places import drop_notes, place_core, strip_province

__all__ = ["all_plain", "closest", "name_core", "name_key"]

#: Zero-width spaces and joiners, direction marks, the word joiner, the byte-order mark, soft hyphen and
#: the Mongolian vowel separator: characters that show nothing, so two names differing by them are one.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
_SPACE = re.compile(r"\s+")
#: A space next to a Chinese character (or any non-ASCII one) separates nothing a reader would notice.
#: Anything that :func:`name_key` would change besides NFKC: white space and invisible characters.
_ODD = re.compile(f"[\\s{_INVISIBLE_CHARS}]")
#: The same, but for plain spaces (which name_key keeps when single and between ASCII characters).
_ODD_BUT_SPACE = re.compile(f"[^\\S ]|[{_INVISIBLE_CHARS}]")
#: A space at the start or end of a name in a NUL-joined list of names.
_END_SPACE = re.compile("(?:^|\x00) | (?:\x00|$)")
_WIDE_SPACE = re.compile(r" (?=[^\x00-\x7f])|(?<=[^\x00-\x7f]) ")
#: Legal forms and generic words at the end of a name, longest first.
_AFFIXES = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|集团公司|分公司|总公司|公司|集团|总厂|分厂|厂|项目部|合作社|商行|经营部)+$"
)


def name_key(name: object) -> str:
    """The form in which names are compared for identity.

    >>> name_key("汉阴县金河煅烧有限公司\\u200b") == name_key(" 汉阴县金河煅烧有限公司")
    True
    >>> name_key("秦巴（集团）有限公司") == name_key("秦巴(集团)有限公司"), name_key("A\\u00a0 B")
    (True, 'A B')
    >>> name_key("汉阴县 金河\\u3000煅烧")
    '汉阴县金河煅烧'

    """
    text = str(name)
    if _ODD.search(text) is None and unicodedata.is_normalized("NFKC", text):
        return text  # the common case, at C speed
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _WIDE_SPACE.sub("", _SPACE.sub(" ", text).strip())


def all_plain(names: Iterable[str]) -> bool:
    """Whether :func:`name_key` leaves every one of ``names`` as it is: one normalisation check and a few
    regex searches over them all, instead of a call per name (the common case of a clean workbook).

    >>> all_plain(["汉阴县金河煅烧有限公司", "A B"]), all_plain(["金河\\u200b"]), all_plain(["ＡＢ"]), all_plain(["金 河"])
    (True, False, False, False)
    """
    joined = "\x00".join(names)
    if not unicodedata.is_normalized("NFKC", joined) or _ODD_BUT_SPACE.search(joined) is not None:
        return False
    if " " not in joined:
        return True
    return "  " not in joined and _WIDE_SPACE.search(joined) is None and _END_SPACE.search(joined) is None


def name_core(name: object, county: str = "") -> str:
    """What distinguishes a name: no bracketed notes, no place prefix (the county's, a province's), no
    legal-form suffix, no white space.

    >>> name_core("汉阴县金河煅烧有限公司", "汉阴县"), name_core("汉阴金河煅烧", "汉阴县(示例数据)")
    ('金河煅烧', '金河煅烧')
    >>> name_core("陕西汉阴恒泰碳材料(集团)有限公司", "汉阴县")
    '恒泰碳材料'
    """
    text = _SPACE.sub("", name_key(name))
    text = drop_notes(text)
    text = _AFFIXES.sub("", text)
    text = re.sub(r"^[^市]{2,4}市", "", strip_province(text))
    core = place_core(county)
    if core:
        text = re.sub(rf"^{re.escape(core)}(?:自治县|县|市|区)?", "", text)
    return text or _SPACE.sub("", name_key(name))


def closest(
    core: str, candidates: Sequence[str], cutoff: float, exclude: Iterable[int] = ()
) -> tuple[int, float] | None:
    """The position and similarity (0..1) of the candidate core most like ``core``, if at least ``cutoff``.

    >>> closest("金河煅烧", ["鑫源碳素", "金河煅烧"], 0.8)
    (1, 1.0)
    >>> closest("金河", ["鑫源碳素"], 0.8) is None
    True
    """
    skip = set(exclude)
    found = process.extractOne(
        core,
        {i: c for i, c in enumerate(candidates) if i not in skip},
        scorer=fuzz.ratio,
        score_cutoff=cutoff * 100,
    )
    if found is None:
        return None
    _, score, position = found
    return int(position), round(score / 100, 4)
