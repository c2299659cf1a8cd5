"""``infractl wiremock``: validate WireMock mappings, run WireMock (Docker or Java), prove every stub loads."""
