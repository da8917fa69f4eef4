"""Figures (matplotlib, imported only when a figure is drawn).

May import: base, io, engine, training, data, explain.
"""

from .figures import (
    coefficient_trajectories,
    compare_runs,
    data_distribution,
    decision_regions,
    learning_curves,
    probability_maps,
    regression_curve,
)
from .grid import class_probabilities, limits, probability_grid, region_areas
from .network import network_diagram
from .projection import Plane, plane_for
from .style import PALETTE, save
from .weights import first_layer_images

__all__ = [
    "PALETTE", "Plane", "class_probabilities", "coefficient_trajectories", "compare_runs",
    "data_distribution", "decision_regions", "first_layer_images", "learning_curves", "limits",
    "network_diagram", "plane_for", "probability_grid", "probability_maps", "region_areas",
    "regression_curve", "save",
]
