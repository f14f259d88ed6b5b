"""Choice widgets whose options are worded in the UI language keep the chosen value across a language switch.

A keyed ``st.selectbox`` or ``st.multiselect`` keeps its identity when only its labels change, and the browser
keeps showing the label it had ("全部", "（不选）", "（当前）") after the switch to English. Each such widget's
key is registered with :func:`worded`; on a language switch the frame calls :func:`relabel`, which sets each
registered widget's value again: Streamlit then sends that value with the new language's label. The value
itself (a segment, a snapshot id, "" for "all") is language-free, so the choice carries across unchanged.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["relabel", "worded"]

#: session_state key of the set of registered widget keys.
_REGISTRY = "worded_choice_keys"


def worded(key: str) -> str:
    """Register ``key`` as a choice widget with worded options; returns ``key`` (``key=worded("x")``)."""
    registered = st.session_state.setdefault(_REGISTRY, set())
    registered.add(key)
    return key


def relabel() -> None:
    """Set every registered choice widget that is on the page to its own value again (in a callback, before
    the widgets are drawn), so that it is shown with the labels of the language now chosen."""
    for key in sorted(st.session_state.get(_REGISTRY, ())):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
