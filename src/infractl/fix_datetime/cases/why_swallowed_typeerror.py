# infractl-case: calls=1 refs=0 info=DT012@10
"""Why (1a): a TypeError swallowed by `except Exception` would silently drop the header field."""
from datetime import datetime


def cache_headers(response, last_modified_text):
    headers = {}
    try:
        modified = datetime.fromisoformat(last_modified_text)
        headers["Age"] = str(int((datetime.utcnow() - modified).total_seconds()))
    except Exception:
        pass
    return headers
