"""``wiremock up --force`` on stubs WireMock rejects: the error keeps WireMock's whole message, not the
line that names the exception (the cause is on the lines after it, and in each ``Caused by:``)."""

from __future__ import annotations

import pytest
from support.wiremock_cli import WiremockCli, free_port
from support.wiremock_real import remove_tree, world_readable_tmpdir, write_tree

from infractl.wiremock.mappings.rules import EXAMPLES
from infractl.wiremock.server.lifecycle import failure_cause

LOG = """Exception in thread "main" com.github.tomakehurst.wiremock.common.FatalStartupException: startup failed
\tat com.github.tomakehurst.wiremock.WireMockServer.start(WireMockServer.java:190)
\tat wiremock.Run.main(Run.java:12)
Caused by: java.io.UncheckedIOException: cannot read /wm/mappings/a.json
\tat wiremock.Files.read(Files.java:40)
\t... 2 more
Caused by: java.nio.file.AccessDeniedException: /wm/mappings/a.json
\t... 4 more
"""


def test_the_cause_lines_are_kept_and_the_frames_dropped():
    assert failure_cause(LOG) == (
        'Exception in thread "main" com.github.tomakehurst.wiremock.common.FatalStartupException: startup failed '
        "Caused by: java.io.UncheckedIOException: cannot read /wm/mappings/a.json "
        "Caused by: java.nio.file.AccessDeniedException: /wm/mappings/a.json")


@pytest.mark.slow
def test_force_on_a_rejected_stub_reports_wiremocks_whole_message(tmp_path, jar):
    """The real JAR: its MappingFileException names the file on one line and says why on the next."""
    cli = WiremockCli(tmp_path / "state", {"WIREMOCK_JAR": str(jar)})
    root = world_readable_tmpdir()
    try:
        write_tree(root / "wm", EXAMPLES["WM007"].bad)
        forced = cli("up", str(root / "wm"), "--port", str(free_port()), "--force", "--runtime", "java",
                     "--name", "wm-java-cause")
        assert forced.returncode == 2
        [line] = [line for line in forced.stderr.splitlines() if "WireMock exited at start-up" in line]
        assert "Error loading file" in line
        assert "Cannot deserialize value of type `java.util.UUID`" in line  # the cause, cut before
    finally:
        cli("down", "--name", "wm-java-cause")
        remove_tree(root)
