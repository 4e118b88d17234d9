"""``python -m scoring``: the engine's command line (imports nothing from Django)."""

from scoring.engine.cli import main

raise SystemExit(main())
