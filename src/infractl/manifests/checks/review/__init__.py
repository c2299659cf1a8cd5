"""What a reviewer flags at once: the Docker socket mounted, Traefik's API or dashboard open
(``exposure.py``), floating major/minor tags (``tags.py``), their rules (``rules.py``); and committed env
files with secret-looking keys, ``check``'s own envfiles area (``envfiles.py``, ``envfile_rules.py``)."""
