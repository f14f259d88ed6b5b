"""Reproducible benchmarks: a synthetic workbook generator (gen) and figures timed against floors (run)."""
