"""Segments: none yet."""
