"""wiremock, running: start and stop WireMock (Java or Docker), its state files, its admin API, verify."""
