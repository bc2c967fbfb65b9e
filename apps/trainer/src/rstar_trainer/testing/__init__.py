"""Helpers for tests and local demos: tiny models and tokenizers built locally (no downloads)."""
