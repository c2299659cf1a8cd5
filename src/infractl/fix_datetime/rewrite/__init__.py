"""fix-datetime, stage 3: the rewrite itself (CST transformer, spelling of UTC, imports, line wrapping)."""
