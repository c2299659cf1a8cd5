"""Run a command without root's power to ignore file permissions, wherever the checkout lives.

Root reads and writes everything (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a test of "an unreadable
directory" or "a read-only directory" needs those capabilities gone. Switching to another user
(uid 65534) would also do it, but that user cannot reach a checkout or a Python under /root (mode
700 on Debian), where a fresh machine's user may well have cloned the project. Dropping the two
capabilities keeps uid 0, and so access to everything root owns, while permission bits apply again.
"""

from __future__ import annotations

import os
import shutil

import pytest


def without_dac_override(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.fail("setpriv (util-linux) is needed to run a command as root without DAC override")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
