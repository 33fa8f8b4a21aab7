"""What matters? Parameter sweeps, sensitivity analysis and scenario discovery.

- `sim.analysis.sweep`: full-factorial grids with a resumable results table (`cuba62 sweep`).
- `sim.analysis.sensitivity`: Morris and Sobol indices via SALib (`cuba62 sensitivity`).
- `sim.analysis.discover`: "when does X happen?" as readable rules, by PRIM (`cuba62 discover`).
- `sim.analysis.backends`: where the work runs (in-process, local processes, Dask), one interface.

Every analysis reduces to outcome counts at parameter points, each point playing histories
0..runs-1 with the same seed, so results are identical on any backend and any number of workers.
"""

from sim.analysis.backends import BackendError, open_backend
from sim.analysis.evaluate import MAX_HISTORIES, AnalysisError, evaluate

__all__ = ["MAX_HISTORIES", "AnalysisError", "BackendError", "evaluate", "open_backend"]
