# infractl-case: mode=aware
"""Assignments to the attribute (test monkeypatching) are not references to rewrite."""
import datetime


def freeze(value):
    datetime.datetime.utcnow = lambda: value
    del datetime.datetime.utcfromtimestamp
