"""manifests, check: schemas (built-in kinds and CRDs), hardening rules, compose files and Dockerfiles."""
