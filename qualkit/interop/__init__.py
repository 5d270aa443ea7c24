"""Bridges to other Python libraries (spaCy)."""
