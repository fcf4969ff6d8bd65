from kubelint_py.cli import main

raise SystemExit(main())
