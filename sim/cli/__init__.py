"""The `cuba62` command: list, explain, run and compare scenarios, and study what matters, from a
terminal.

Every command reads the engine's public API only (params, scenario, ensemble, summary, history,
analysis); `sim.analysis` never imports this package. Bad input never produces a traceback: it
exits with code 2 and one line on stderr starting "error: ". Output files are written atomically,
and only after everything has succeeded.

Modules:

- `entry`: the Typer `app`, its help page and `main` (the console script, exit codes).
- `options`: arguments and options several commands share (Typer annotated types).
- `inputs`: checks of what the user typed (scenario ids and files, --runs, --seed, --set, --out).
- `errors`: `BadInput` and the one-line error messages.
- `render`: plain-text tables, wrapping, JSON, CSV and atomic --out files.
- `progress`: the progress bar on stderr.
- `scenarios`: `scenarios`, `show`, `validate`.  `parameters`: `params`.
- `runs`: `run`, `compare`, `history`; what they print is in `reports`.
- `analysis`: `sweep`, `sensitivity`, `discover`.
"""

from sim.cli.entry import app, main

__all__ = ["app", "main"]
