# infractl-case: mode=aware calls=1 refs=2 hazards=DT109@11,DT109@11,DT109@14
import datetime as dt


def convert(stamps):
    return list(map(dt.datetime.utcfromtimestamp, stamps)), dt.datetime.utcnow()


to_datetime = dt.datetime.utcfromtimestamp
