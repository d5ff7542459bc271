import sys

from reviewkit.cli import main

sys.exit(main())
