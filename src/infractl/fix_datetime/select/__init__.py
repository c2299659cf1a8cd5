"""fix-datetime, stage 1: which files are worth parsing (worth_a_look and its batch scan, prefilters)."""
