# infractl-case: fixed=1 kept=0
import os
import unittest


class StoreTest(unittest.TestCase):
    @unittest.skipUnless(os.environ.get("RUN_E2E_TESTS"), "needs redis")
    def test_cache(self):
        pass
