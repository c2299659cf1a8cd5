# infractl-case: fixed=1 kept=0
import unittest


class StoreTest(unittest.TestCase):
    @unittest.skip("needs redis")
    def test_cache(self):
        pass
