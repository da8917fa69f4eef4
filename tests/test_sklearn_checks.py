"""scikit-learn's own estimator checks over NetClassifier and NetRegressor.

Every check of ``parametrize_with_checks`` runs; the few that cannot hold for a
network trained by shuffled mini-batches are listed with the reason.
"""

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from glassnet.sklearn import NetClassifier, NetRegressor  # noqa: E402

# The settings scikit-learn's own test suite gives MLPClassifier and MLPRegressor
# (sklearn/utils/_test_common/instance_generator.py: max_iter=100).
ESTIMATORS = [NetClassifier(max_iter=100), NetRegressor(max_iter=100)]

_MINI_BATCH = (
    "shuffled mini-batches: a row given weight k and the same row repeated k times make "
    "different batches and a different number of steps, equal only in expectation; the "
    "feature scaling also sees repeated rows. As scikit-learn's own suite does for "
    "MLPClassifier, test_sample_weight_equivalence_full_batch runs this check with "
    "solver='lbfgs' (and no feature scaling), where it passes")
EXPECTED_FAILED = {
    name: {"check_sample_weight_equivalence_on_dense_data": _MINI_BATCH,
           "check_sample_weight_equivalence_on_sparse_data": _MINI_BATCH}
    for name in ("NetClassifier", "NetRegressor")
}


def expected_failed_checks(estimator):
    return EXPECTED_FAILED.get(type(estimator).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", [
    NetClassifier(solver="lbfgs", scale="none", max_iter=100),
    NetRegressor(solver="lbfgs", scale="none", scale_target=False, max_iter=100),
], ids=["NetClassifier", "NetRegressor"])
def test_sample_weight_equivalence_full_batch(estimator):
    """Weight k on a row = the row k times, for the deterministic full-batch solver
    (scikit-learn tests MLPClassifier's weights the same way, with solver='lbfgs')."""
    from sklearn.utils.estimator_checks import check_sample_weight_equivalence_on_dense_data

    check_sample_weight_equivalence_on_dense_data(type(estimator).__name__, estimator)
