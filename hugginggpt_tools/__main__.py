"""``python -m hugginggpt_tools`` is the ``hugginggpt`` command."""

import sys

from .cli import main

sys.exit(main())
