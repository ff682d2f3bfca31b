from auditor_tui.cli import main

raise SystemExit(main())
