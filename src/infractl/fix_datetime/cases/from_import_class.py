# infractl-case: mode=aware calls=2 refs=0 hazards=DT101@13
"""`from datetime import datetime`: timezone is merged into that import; comments stay."""
from datetime import datetime  # the class, not the module


def stamp() -> str:
    # started   at   (odd spacing in comments is kept)
    started = datetime.utcnow()
    return   started.strftime("%H:%M")  # weird spacing outside the rewrite is kept


def age(born):
    return datetime.utcnow( ) - born
