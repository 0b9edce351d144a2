"""``python -m datong.pipeline``: the repair command (see :mod:`datong.pipeline.command`)."""

from datong.pipeline.command import main

raise SystemExit(main())
