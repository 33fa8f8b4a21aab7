"""What matters? Parameter sweeps, sensitivity analysis and scenario discovery.

- `sim.analysis.sweep`: full-factorial grids with a resumable results table (`cuba62 sweep`).
- `sim.analysis.sensitivity`: Morris and Sobol indices via SALib (`cuba62 sensitivity`).
- `sim.analysis.discover`: "when does X happen?" as readable rules, by PRIM (`cuba62 discover`).
- `sim.analysis.backends`: where the work runs (in-process, local processes, Dask), one interface.

Every analysis reduces to outcome counts at parameter points, each point playing histories
0..runs-1 with the same seed, so results are identical on any backend and any number of workers.

The names below are the package's public face: front ends (the app) import `sim.analysis` only,
never its submodules (checked by import-linter, see .importlinter). The command line may use the
submodules directly.
"""

from sim.analysis.backends import BackendError, open_backend
from sim.analysis.discover import Discovery, latin_design
from sim.analysis.discover import summarise as summarise_discovery
from sim.analysis.evaluate import MAX_HISTORIES, AnalysisError, evaluate, shares
from sim.analysis.sensitivity import RANK_KEY, Sensitivity
from sim.analysis.sensitivity import design as sensitivity_design
from sim.analysis.sensitivity import evaluations as sensitivity_evaluations
from sim.analysis.sensitivity import summarise as summarise_sensitivity
from sim.analysis.space import float_specs, points, problem

__all__ = [
    "MAX_HISTORIES",
    "RANK_KEY",
    "AnalysisError",
    "BackendError",
    "Discovery",
    "Sensitivity",
    "evaluate",
    "float_specs",
    "latin_design",
    "open_backend",
    "points",
    "problem",
    "sensitivity_design",
    "sensitivity_evaluations",
    "shares",
    "summarise_discovery",
    "summarise_sensitivity",
]
