"""``infractl manifests lint``: render a kustomize directory with the real kustomize, validate every object
against the Kubernetes OpenAPI schemas (offline) and check the hardening rules; lint compose files too.

The API that ``infractl deploy`` calls from its check step:
``render.render_kustomize``, ``lint.lint_objects``, ``lint.lint_compose``, ``lint.lint_directory``.
"""
