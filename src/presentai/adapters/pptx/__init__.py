"""Rendering decks as native, editable PowerPoint files."""
