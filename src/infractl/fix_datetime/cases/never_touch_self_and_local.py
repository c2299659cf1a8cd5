# infractl-case: mode=aware
import datetime


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class Clock:
    def utcnow(self):
        return utcnow()

    def stamp(self, job):
        return self.utcnow(), job.time.utcnow, job.datetime.utcnow(), self.datetime.utcfromtimestamp(0)
