"""Ledgers as a whole: saving their versions, their evolution between versions, drafts, the catalog,
proposals from a spreadsheet."""
