"""scikit-learn estimators: glassnet networks in Pipelines, grid searches and cross-validation.

``NetClassifier`` and ``NetRegressor`` take MLPClassifier's and MLPRegressor's
parameters (same names, defaults and meaning) and add what those lack: per-layer
activations, dropout, batch normalisation, L1, feature scaling, every glassnet
optimiser and loss, and per-epoch validation curves from ``fit(X, y,
eval_set=(X_val, y_val))``. The fitted network is ``model_``, a ``glassnet.Sequential``
built from a ``ModelSpec`` like every other glassnet front end's.

Needs scikit-learn (``pip install 'glassnet[sklearn]'``).

May import: base, io, engine, training, data.
"""

from ._estimators import NetClassifier, NetRegressor

__all__ = ["NetClassifier", "NetRegressor"]
