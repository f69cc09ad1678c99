"""The public site: assembling pages from public content and rendering them.

Nothing in this package imports `brandgen.private` (tests/test_architecture.py enforces it).
"""
