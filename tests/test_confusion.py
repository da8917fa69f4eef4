"""The one confusion matrix (training/metrics/confusion.py) and every place that shows it:
rows are the true classes, columns the predicted ones, as scikit-learn. Each test uses a
matrix that is not symmetric, so a transposed matrix fails."""

import numpy as np

import glassnet
from glassnet.data.dataset import Dataset
from glassnet.training.metrics import confusion_matrix

# A network that predicts class 0 for every row: zero kernel, bias (5, 0, 0).
LABELS = np.array([0, 1, 1, 2, 2, 2])
ALWAYS_0 = [[1, 0, 0], [2, 0, 0], [3, 0, 0]]  # every true class lands in column 0


def always_class_0():
    model = glassnet.Sequential([glassnet.layers.Dense(3, "softmax")], input_dim=2)
    model.set_weights([np.zeros((2, 3)), np.array([5.0, 0.0, 0.0])])
    model.compile("sgd", "sparse_categorical_crossentropy")
    return model


def dataset():
    return Dataset(np.arange(12.0).reshape(6, 2), LABELS, ["x1", "x2"], ["a", "b", "c"])


def test_rows_are_true_classes_columns_predicted_as_scikit_learn():
    # scikit-learn's confusion_matrix docstring example: y_true, y_pred and its result.
    matrix = confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3)
    assert matrix.tolist() == [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
    assert confusion_matrix([1], [0], 2).tolist() == [[0, 0], [1, 0]]  # true 1, predicted 0
    assert confusion_matrix([], [], 2).tolist() == [[0, 0], [0, 0]]


def test_the_playground_shows_the_same_orientation():
    from glassnet.playground.setup import confusion

    out = confusion(always_class_0(), dataset())
    assert out == {"matrix": ALWAYS_0, "rows": 6}


def test_predict_csv_compares_in_the_same_orientation():
    from glassnet.data.exports import compare_with_target

    model = always_class_0()
    model.info = {"target_name": "y", "class_names": ["a", "b", "c"]}
    rows = [(i + 2, [str(i), name]) for i, name in enumerate(["a", "b", "b", "c", "c", "c"])]
    p = np.tile([0.9, 0.05, 0.05], (6, 1))
    out = compare_with_target(model, ["x", "y"], rows, p, "new.csv")
    assert out["confusion_matrix"] == ALWAYS_0 and out["accuracy"] == 1 / 6


def test_the_report_tables_put_true_classes_in_rows():
    from glassnet.report.run import _confusion_tables

    class Recorder:
        def heading(self, text):
            self.headings = [*getattr(self, "headings", []), text]

        def side_by_side(self, tables):
            self.tables = tables

    report = Recorder()
    data = dataset()
    _confusion_tables(report, always_class_0(), data, data)
    assert report.headings == ["Confusion matrices"]
    (header, rows, caption), (_, _, test_caption) = report.tables
    assert header == ["true \\ predicted", "a", "b", "c"]
    assert rows == [["a", 1, 0, 0], ["b", 2, 0, 0], ["c", 3, 0, 0]]
    assert caption == "Confusion matrix, training data (accuracy 0.167)"  # 1 of 6 right
    assert test_caption == "Confusion matrix, test data (accuracy 0.167)"


def test_report_history_rows_number_epochs_from_one():
    from glassnet.report.run import history_rows

    class History:
        history = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}
        epoch = [0, 1]

    assert history_rows(History) == (["epoch", "loss", "val_loss"],
                                     [[1, 0.9, 1.0], [2, 0.5, 0.7]])
