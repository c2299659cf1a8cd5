"""fix-datetime, stage 1: which files are worth parsing (byte scan, prefilters, the head start for check)."""
