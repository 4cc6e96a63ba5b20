"""Ledgers as a whole: their evolution between versions, drafts, the catalog, proposals from a spreadsheet."""
