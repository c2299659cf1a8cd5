# infractl-case: mode=aware calls=3 refs=1 hazards=DT109@14,DT109@20,DT109@26,DT109@26
"""Function-local imports: the name is merged into the local import it belongs to."""


def first():
    from datetime import datetime

    return datetime.utcnow()


def second():
    import datetime

    return datetime.datetime.utcnow()


def third(ts):
    from datetime import datetime as Clock

    return Clock.utcfromtimestamp(ts), Clock.utcnow
