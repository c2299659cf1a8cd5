"""fix-datetime, the tests' side: clock stubs and fakes found in the project, followed or held with the rewrite."""
