"""The engine: arrays in, arrays out. Activations, losses, initialisers, penalties,
layers (``forward`` beside ``backward``), optimisers (each published rule, and its fused
kernel), gradients (analytic and numerical) and traces of every cell. NumPy only.

May import: base.
"""
