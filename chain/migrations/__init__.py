"""Alembic migrations of the workspace store (run in code by :mod:`chain.store`, no alembic.ini needed)."""
