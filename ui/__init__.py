"""Streamlit-side helpers shared by the pages: the frame, the cached facade over chain/, the UI catalogue."""
