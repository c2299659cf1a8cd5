# infractl-case: mode=aware
from datetime import datetime


def with_parameter(datetime):
    return datetime.utcnow()


def with_local(factory):
    datetime = factory()
    return datetime.utcnow(), datetime.utcfromtimestamp(0)


class Fake:
    @staticmethod
    def utcnow():
        return 0


def with_fake():
    datetime = Fake
    return datetime.utcnow
