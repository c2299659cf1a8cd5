"""fix-datetime: rewrite naive datetime.utcnow()/utcfromtimestamp() into timezone-aware calls."""
