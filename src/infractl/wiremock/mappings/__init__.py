"""wiremock, static: load a mappings root with positions and check every stub and file, without a server."""
