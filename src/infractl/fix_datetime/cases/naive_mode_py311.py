# infractl-case: mode=naive target=py311 calls=1 refs=1
import datetime


def stamp(rows):
    return sorted(rows, key=datetime.datetime.utcnow), datetime.datetime.utcnow()
