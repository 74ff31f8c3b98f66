"""python -m paperpress."""

import sys

from .cli import main

sys.exit(main())
