"""A 2-D plane through the input space, for figures of data with more than two inputs.

Seed 000's figures live in the (x1, x2) plane. With more inputs a figure needs a plane
to draw in; a ``Plane`` is a point (``origin``) and two directions (``basis``):

- ``Plane.pca``: the first two principal components through the data's mean, the
  plane that shows the most of the data's spread (images, many columns);
- ``Plane.features``: two chosen inputs, every other input held at its mean, so the
  axes keep the user's units (体長 in cm against 体重 in kg).

``project`` maps rows onto the plane's coordinates; ``lift`` maps plane coordinates
back to full input rows, so the model's probabilities can be drawn over the plane.

>>> import numpy as np
>>> x = np.array([[0.0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]])
>>> plane = Plane.pca(x)
>>> np.round(np.abs(plane.basis), 6).tolist()
[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
>>> Plane.features(x, 0, 2, ["a", "b", "c"]).lift(np.array([[5.0, 7.0]])).tolist()
[[5.0, 0.5, 7.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.i18n import _, ngettext

#: Rows used to fit a projection and drawn as points; more adds time, not information.
MAX_POINTS = 3000


@dataclass
class Plane:
    origin: np.ndarray          # (d,)
    basis: np.ndarray           # (2, d), orthonormal rows for PCA, unit vectors for features
    labels: tuple[str, str]     # axis labels
    note: str                   # one sentence for captions

    @classmethod
    def pca(cls, features, seed=0) -> Plane:
        """The first two principal components (through the mean of the rows)."""
        x = np.asarray(sample_rows(features, seed), dtype=np.float64)
        mean = x.mean(axis=0)
        _u, singular, vt = np.linalg.svd(x - mean, full_matrices=False)
        variance = singular ** 2
        share = variance / variance.sum() if variance.sum() > 0 else np.zeros_like(variance)
        basis = np.zeros((2, x.shape[1]))
        basis[:min(2, len(vt))] = vt[:2]
        for row in basis:  # a deterministic sign: the largest entry positive
            if row[np.argmax(np.abs(row))] < 0:
                row *= -1
        shares = [float(share[i]) if i < len(share) else 0.0 for i in range(2)]
        component = _("principal component {k} ({share} of the variance)")
        return cls(mean, basis, (component.format(k=1, share=f"{shares[0]:.0%}"),
                                 component.format(k=2, share=f"{shares[1]:.0%}")),
                   _("projected on the first two principal components, which hold {share} "
                     "of the variance").format(share=f"{shares[0] + shares[1]:.0%}"))

    @classmethod
    def features(cls, features, i, j, names) -> Plane:
        """Inputs ``i`` and ``j`` as the axes, every other input at its mean."""
        x = np.asarray(features, dtype=np.float64)
        basis = np.zeros((2, x.shape[1]))
        basis[0, i] = basis[1, j] = 1.0
        origin = x.mean(axis=0)
        origin[[i, j]] = 0.0
        others = x.shape[1] - 2
        return cls(origin, basis, (str(names[i]), str(names[j])),
                   ngettext("over {x} and {y}, the other {n} input held at its mean",
                            "over {x} and {y}, the other {n} inputs held at their mean",
                            others).format(x=names[i], y=names[j], n=others))

    def project(self, features) -> np.ndarray:
        """(n, 2) plane coordinates of full rows."""
        return (np.asarray(features, dtype=np.float64) - self.origin) @ self.basis.T

    def lift(self, points) -> np.ndarray:
        """(m, d) input rows for (m, 2) plane coordinates."""
        return self.origin + np.asarray(points, dtype=np.float64) @ self.basis


def sample_rows(features, seed=0, limit=MAX_POINTS):
    """At most ``limit`` rows, drawn without replacement in their original order."""
    if len(features) <= limit:
        return features
    pick = np.sort(np.random.default_rng(seed).choice(len(features), limit, replace=False))
    return features[pick]


def plane_for(model, dataset) -> Plane | None:
    """The plane a figure of this model and data should use, or None for 2 inputs.

    Tabular data with at least two numeric input columns: the two the first layer
    weighs most (on standardised inputs), so the axes are in the user's units. Images
    and everything else: the first two principal components.
    """
    d = dataset.features.shape[1]
    if d <= 2:
        return None
    numeric = _numeric_inputs(dataset)
    if not dataset.info.get("image_shape") and len(numeric) >= 2 and d <= 50:
        weight = _input_weights(model, d)
        if weight is not None:
            i, j = sorted(sorted(numeric, key=lambda k: -weight[k])[:2])
            return Plane.features(dataset.features, i, j, dataset.feature_names)
    return Plane.pca(dataset.features)


def _numeric_inputs(dataset):
    plan = dataset.info.get("columns")
    if not plan:
        return list(range(dataset.features.shape[1]))
    positions, k = [], 0
    for column in plan["inputs"]:
        if column["kind"] == "category":
            k += len(column["levels"])
        else:
            positions.append(k)
            k += 1
    return positions


def _input_weights(model, d):
    """|first-layer kernel| summed per input (how much each input is used), or None."""
    from ..engine.layers import Dense

    first = next((layer for layer in model.layers if isinstance(layer, Dense)), None)
    if first is None or first.kernel.shape[0] != d:
        return None
    return np.abs(np.asarray(first.kernel, dtype=np.float64)).sum(axis=1)
