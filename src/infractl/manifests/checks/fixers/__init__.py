"""The fixers of the manifests rules (``Rule.fixer``): Kubernetes securityContext settings, compose ports
bound to loopback, Dockerfile exec form and USER; ``examples.py`` the objects their cases share."""
