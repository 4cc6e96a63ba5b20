"""The database: tables, per-ledger indexes, the counts kept in step, bootstrapping."""
