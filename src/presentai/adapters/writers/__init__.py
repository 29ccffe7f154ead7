"""Outline planners and slide writers."""
