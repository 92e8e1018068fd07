"""Versioned rule and word data (see dictionaries/README.md)."""
