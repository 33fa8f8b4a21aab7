"""The `cuba62` Typer app, its help page, and `main`, which turns every failure into one line on
stderr and an exit code (0 success, 2 bad input, 1 internal error, 130 interrupted)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from sim.cli import analysis, guide, parameters, play, presets, runs, scenarios
from sim.cli.errors import BadInput, error, internal_error

QUICK_START = """\
Play the Cuban missile crisis of October 1962 thousands of times, with Britain as a real actor,
and see how one changed decision shifts the odds of a deal, a climb-down or a war.

\b
Quick start:
  cuba62 scenarios                        # the what-ifs you can run
  cuba62 run thor_immobilisation          # play one what-if 5,000 times
  cuba62 compare thor_immobilisation      # ...and set it beside the real history
"""

EPILOG = """\
\b
More:
  cuba62 show thor_immobilisation         # what a scenario asks, its sources, what to try
  cuba62 params                           # every setting you can change with --set
  cuba62 history baseline --index 3       # read one simulated history, day by day
  cuba62 play                             # take London's chair, step by step
  cuba62 guide baseline --out guide.html  # a printable teacher guide and worksheet
  cuba62 COMMAND --help                   # examples for each command

\b
Exit codes:
  0  success
  2  bad input: a usage mistake or an invalid value or file (one line on stderr: "error: ...")
  1  internal error (set CUBA62_DEBUG=1 to see the traceback)
  130  interrupted (Ctrl-C)
"""

app = typer.Typer(
    name="cuba62",
    help=QUICK_START,
    epilog=EPILOG,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

# In the order `cuba62 --help` lists them.
scenarios.register(app)  # scenarios, show
parameters.register(app)  # params
runs.register(app)  # run, compare, history
presets.register(app)  # presets
play.register(app)  # play
guide.register(app)  # guide
scenarios.register_validate(app)  # validate
analysis.register(app)  # sweep, sensitivity, discover


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: run the command and turn every failure into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = typer.main.get_command(app)
    if not args:
        args = ["--help"]
    try:
        result = command.main(args=args, prog_name="cuba62", standalone_mode=False)
    except BadInput as e:
        error(str(e))
        return 2
    except typer.TyperException as e:
        # Typer's usage errors (unknown option, missing argument, not a number, ...): exit 2.
        ctx = getattr(e, "ctx", None)
        path = getattr(ctx, "command_path", "")
        hint = f" (see `{path} --help`)" if path else ""
        error(e.format_message() + hint)
        code = getattr(e, "exit_code", 2)
        return code if isinstance(code, int) and code != 1 else 2
    except typer.Exit as e:
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as e:  # noqa: BLE001 - the top level promises one line, never a traceback
        internal_error(e)
        return 1
    return result if isinstance(result, int) else 0
