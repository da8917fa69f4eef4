"""MLPClassifier's stopping rule as a glassnet callback: tol, n_iter_no_change, early stopping.

Training runs in one ``fit_model`` call; after every epoch this callback does what
MLPClassifier's loop does: record the loss, score the validation rows if there are
any, count epochs without improvement by more than ``tol``, divide an adaptive SGD
learning rate by 5 or stop, and keep the best weights for early stopping.
"""

from __future__ import annotations

import numpy as np

from ..training.callbacks import Callback


class Convergence(Callback):
    """Per-epoch bookkeeping of a scikit-learn estimator during ``model.fit``.

    Parameters
    ----------
    estimator : NetClassifier or NetRegressor
        Receives ``loss_curve_``, ``n_iter_``, ``t_``, ``validation_scores_``, ...
    n_rows : int
        Training rows per epoch (``t_`` counts samples seen, as MLPClassifier).
    validation : tuple (x, y) or None
        Rows to score after each epoch with ``estimator._score_during_fit``.
    early_stopping : bool
        Stop on the validation score (else on the training loss) and end with the
        weights of the best validation score.
    incremental : bool
        ``partial_fit``: one epoch, no stopping decision.
    """

    def __init__(self, estimator, n_rows, validation, early_stopping, incremental):
        self.estimator = estimator
        self.n_rows = n_rows
        self.validation = validation
        self.early_stopping = early_stopping
        self.incremental = incremental
        self.converged = False
        self._best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        est = self.estimator
        loss = est._loss_in_mlp_units(logs["loss"])
        est.n_iter_ += 1
        est.t_ += self.n_rows
        est.loss_ = loss
        est.loss_curve_.append(loss)
        if est.verbose:
            print(f"Iteration {est.n_iter_}, loss = {loss:.8f}")
        if "val_loss" in logs:  # the same units as loss_curve_ (see the estimators' docs)
            est.validation_loss_curve_.append(est._loss_in_mlp_units(logs["val_loss"]))
        if self.validation is not None:
            score = est._score_during_fit(*self.validation)
            est.validation_scores_.append(score)
            if est.verbose:
                print(f"Validation score: {score:f}")
            improved_by_tol = score >= est.best_validation_score_ + est.tol
            if score > est.best_validation_score_:
                est.best_validation_score_ = score
                if self.early_stopping:
                    self._best_weights = self.model.get_weights()
        if self.early_stopping:
            est._no_improvement_count = 0 if improved_by_tol else est._no_improvement_count + 1
        else:
            worse = loss > est.best_loss_ - est.tol
            est._no_improvement_count = est._no_improvement_count + 1 if worse else 0
            est.best_loss_ = min(est.best_loss_, loss)
        self._schedule_learning_rate()
        if self.incremental or est._no_improvement_count <= est.n_iter_no_change:
            return
        if (est.learning_rate == "adaptive" and est.solver == "sgd"
                and self.model.optimizer.learning_rate > 1e-6):
            self.model.optimizer.learning_rate = self.model.optimizer.learning_rate / 5.0
            est._no_improvement_count = 0
            if est.verbose:
                print(f"Setting learning rate to {self.model.optimizer.learning_rate:f}")
            return
        if est.verbose:
            what = "Validation score" if self.early_stopping else "Training loss"
            print(f"{what} did not improve more than tol={est.tol:f} for "
                  f"{est.n_iter_no_change} consecutive epochs. Stopping.")
        self.converged = True
        self.model.stop_training = True

    def _schedule_learning_rate(self):
        """MLPClassifier's 'invscaling' for SGD: lr = lr_init / (t + 1) ** power_t."""
        est = self.estimator
        if est.learning_rate == "invscaling" and est.solver == "sgd":
            self.model.optimizer.learning_rate = (
                float(est.learning_rate_init) / (est.t_ + 1) ** est.power_t)

    def on_train_end(self, logs=None):
        # Inside model.fit, so before a numeric target's scaling is folded back.
        if self.early_stopping and self._best_weights is not None:
            self.model.set_weights(self._best_weights)


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination averaged over outputs (scikit-learn's r2_score)."""
    from sklearn.metrics import r2_score

    if not np.isfinite(y_pred).all():  # a diverged network: no score (MLPRegressor's nan)
        return float("nan")
    with np.errstate(over="ignore", invalid="ignore"):
        score = float(r2_score(y_true, y_pred))
    return score if np.isfinite(score) else float("nan")
