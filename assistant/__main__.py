"""`python -m assistant` is the `library-assistant` command."""

from assistant.cli import main

raise SystemExit(main())
