"""Figures (matplotlib, imported only when a figure is drawn)."""

from .figures import (
    coefficient_trajectories,
    compare_runs,
    data_distribution,
    decision_regions,
    learning_curves,
    network_diagram,
    probability_maps,
    regression_curve,
)
from .grid import class_probabilities, limits, probability_grid, region_areas
from .style import PALETTE, save

__all__ = [
    "PALETTE", "class_probabilities", "coefficient_trajectories", "compare_runs",
    "data_distribution", "decision_regions", "learning_curves", "limits", "network_diagram",
    "probability_grid", "probability_maps", "region_areas", "regression_curve", "save",
]
