"""manifests, discover and render: find kustomizations, run the real kustomize, map objects to source lines."""
