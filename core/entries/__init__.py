"""Entries of a ledger: writing, reading, listing, validating, scoping, deadlines."""
