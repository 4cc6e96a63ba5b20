"""Spreadsheets in and out: export, import and the coercion of cells."""
