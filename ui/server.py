"""What the server's environment means for a user: where uploads are buffered, a session that was lost, and
a page icon served by the app itself.

Uploads: Streamlit's upload route (Starlette) spools every file over 1 MB to the temporary directory
(``tempfile.gettempdir()``: ``$TMPDIR``, else ``/tmp``) while the request is parsed. When that directory is
full, the upload fails with an HTTP 500 that the uploader shows as "AxiosError"; the data page checks the
free space first and says what is wrong instead.

Lost sessions: Streamlit keeps an upload in the browser tab's session, which a server restart (or a new
tab) does not have. Every page writes the upload's short hash into the address (``?data=…``); a session that
finds a hash there but no upload in its state tells the user, instead of silently showing the sample.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from dataclasses import dataclass

import streamlit as st
from PIL import Image, ImageDraw

from chain.settings import Limits

__all__ = [
    "DATA_PARAM",
    "TempSpace",
    "forget_lost_upload",
    "lost_upload",
    "mark_upload",
    "page_icon",
    "temp_space",
]

#: Query parameter that carries the short hash of the upload in use.
DATA_PARAM = "data"
#: Characters of the SHA-256 kept in the address: enough to tell uploads apart, nothing about the content.
_SHORT = 12
_HASH = re.compile(f"[0-9a-f]{{{_SHORT}}}")
#: Uploads the temporary directory must hold at once before the page warns (two users at the limit).
UPLOADS_BUFFERED = 2
MB = 1024 * 1024


@dataclass(frozen=True)
class TempSpace:
    """Free space where uploads are buffered, and whether it is too little for one more upload."""

    path: str
    free_mb: float
    needed_mb: float

    @property
    def short(self) -> bool:
        return self.free_mb < self.needed_mb


def temp_space(limits: Limits = Limits()) -> TempSpace | None:
    """The temporary directory's free space against ``UPLOADS_BUFFERED`` uploads at the size limit; None
    when it can't be measured (then nothing is said)."""
    path = tempfile.gettempdir()
    try:
        free = shutil.disk_usage(path).free / MB
    except OSError:
        return None
    return TempSpace(path, free, float(UPLOADS_BUFFERED * limits.max_file_mb))


def mark_upload(sha: str | None) -> None:
    """Write the short hash of the upload in use into the address; remove it when the sample is in use."""
    wanted = sha[:_SHORT] if sha else None
    current = st.query_params.get(DATA_PARAM)
    if wanted is None and current is not None:
        del st.query_params[DATA_PARAM]
    elif wanted is not None and current != wanted:
        st.query_params[DATA_PARAM] = wanted


def lost_upload(sha: str | None) -> str | None:
    """The short hash in the address when this session does not hold that upload (a restart, a new tab).

    Only a hexadecimal hash counts: the address is typed by anyone, so anything else in it is ignored
    rather than shown (a link in it must never become a link on the page).
    """
    marked = st.query_params.get(DATA_PARAM)
    if not marked or (sha is not None and sha[:_SHORT] == marked):
        return None
    return marked if _HASH.fullmatch(marked) else None


def forget_lost_upload() -> None:
    """The user has read the notice: the address no longer names the lost upload."""
    if DATA_PARAM in st.query_params:
        del st.query_params[DATA_PARAM]


#: The theme's primary colour (.streamlit/config.toml) and white.
_BLUE, _WHITE = (31, 95, 168, 255), (255, 255, 255, 255)


@functools.cache
def page_icon() -> Image.Image:
    """The browser-tab icon, drawn here: a hub of three linked nodes on the theme's blue.

    Streamlit turns an emoji or ``:material/…:`` icon into an image fetched from a font CDN on the
    internet; an image the app serves itself keeps every page inside the machine (and a strict CSP).
    """
    size = 64
    icon = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=14, fill=_BLUE)
    centre, nodes = (32, 34), ((16, 18), (48, 18), (32, 52))
    for node in nodes:
        draw.line((centre, node), fill=_WHITE, width=4)
    for x, y in (centre, *nodes):
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=_WHITE)
    return icon
