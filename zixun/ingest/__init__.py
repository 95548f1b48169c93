"""Ingest: inputs of every kind (text page dumps, HTML, JSONL) → Extracted articles. files.py dispatches."""
