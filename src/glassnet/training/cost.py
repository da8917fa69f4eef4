"""What a network costs, counted from its spec before any array is made.

``build_model`` refuses a spec over ``MAX_WEIGHTS`` (``--hidden 1000000000`` is one line
naming the count and the limit, not a MemoryError); the playground uses a lower limit
of its own for networks it trains and draws live.
"""

from __future__ import annotations

from ..base.errors import ConfigError

#: The most weights a spec may build (float64 weights, gradients and two optimiser moments
#: of 50 million take 1.6 GB); the cost is checked before any array is made.
MAX_WEIGHTS = 50_000_000


def weight_count(spec, n_inputs: int, n_outputs: int) -> int:
    """Trainable weights and biases (and batch-norm scales and shifts) of ``spec`` on
    ``n_inputs`` features and ``n_outputs`` output cells, counted without building it."""
    count, width = 0, n_inputs
    for layer in spec.layers():
        units = int(layer["units"])
        count += (width + 1) * units + (2 * units if layer["batch_norm"] else 0)
        width = units
    return count + (width + 1) * n_outputs


def check_cost(spec, n_inputs: int, n_outputs: int, limit: int = MAX_WEIGHTS,
               where: str = "") -> int:
    """The weight count, or ConfigError naming it and the limit when over ``limit``."""
    count = weight_count(spec, n_inputs, n_outputs)
    if count > limit:
        sizes = [int(layer["units"]) for layer in spec.layers()]
        raise ConfigError(
            f"hidden={sizes} on {n_inputs} inputs and {n_outputs} outputs makes {count:,} "
            f"weights, more than the limit of {limit:,}{where}; use fewer or smaller layers")
    return count
