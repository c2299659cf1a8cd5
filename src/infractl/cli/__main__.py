"""``python -m infractl.cli``: the whole CLI."""

import sys

from infractl.cli import main

sys.exit(main())
