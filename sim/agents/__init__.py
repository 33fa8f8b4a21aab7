"""The three actors, one Mesa agent each."""

from sim.agents.uk import UnitedKingdom
from sim.agents.us import UnitedStates
from sim.agents.ussr import SovietUnion

__all__ = ["SovietUnion", "UnitedKingdom", "UnitedStates"]
