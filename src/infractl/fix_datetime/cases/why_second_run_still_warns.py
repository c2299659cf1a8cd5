# infractl-case: mode=aware calls=0 refs=0 hazards=DT101@8
"""Why: a second run found nothing, because the calls were gone. Values that are aware in the code as it
stands are followed too: this comparison raises TypeError today (DT101), in every mode."""
from datetime import datetime, timezone


def expired(text):
    return datetime.now(timezone.utc) > datetime.strptime(text, "%Y-%m-%d")
