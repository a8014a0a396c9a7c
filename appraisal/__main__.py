"""`python -m appraisal`, the same as the `appraisal` command."""

import sys

from appraisal.cli import main

sys.exit(main())
