"""Prefect flows over the jdclassify library: batch.py (one-off runs) and nightly.py (incremental feeds)."""
