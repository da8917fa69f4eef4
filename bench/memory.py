"""Peak memory of training seed 002's widest network, 784-40000-10, against its floor."""

from __future__ import annotations

import time
import tracemalloc

BATCH = 32


def memory_40000(data, steps=60):
    """Peak traced memory of ``steps`` Adam steps (batch 32, float32) against
    weights + gradients + Adam's m and v + one batch's activations."""
    from glassnet.layers import Dense

    import glassnet

    rows = steps * BATCH
    x, y = data.x[:rows], data.y[:rows]
    tracemalloc.start()  # before the model exists: its weights and gradients count too
    base = tracemalloc.get_traced_memory()[0]
    model = glassnet.Sequential([Dense(40000, "relu"), Dense(10, "softmax")], input_dim=784,
                                seed=0)
    model.compile(glassnet.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    params = model.count_params()
    # weights + gradients + Adam's m and v, float32, and one batch's activations (input,
    # 40000 pre-activations and outputs, 10 logits and probabilities)
    floor = params * 4 * (1 + 1 + 2) + BATCH * (784 + 2 * 40000 + 2 * 10) * 4
    started = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=BATCH, shuffle=False, verbose=0)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return {"workload": "training 784-40000-10 (Adam, batch 32), peak memory",
            "glassnet_mb": peak / 2**20, "floor_mb": floor / 2**20, "ratio_floor": peak / floor,
            "result": f"{peak / 2**20:.0f} MB = {peak / floor:.2f} × the floor "
                      f"({floor / 2**20:.0f} MB: weights + gradients + Adam state + one batch); "
                      f"{seconds / steps * 1000:.0f} ms a step"}
