"""fix-datetime, stage 2: read a parsed file (sites, flow of values, origins) and decide each site's form."""
