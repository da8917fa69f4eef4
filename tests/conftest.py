import os

import numpy as np
import pytest


def require_torch():
    """Import torch, or skip with a reason (fail instead under `make parity`)."""
    try:
        import torch
    except ImportError:
        if os.environ.get("GLASSNET_REQUIRE_TORCH"):
            pytest.fail("GLASSNET_REQUIRE_TORCH is set but torch is not installed")
        pytest.skip("PyTorch is not installed (run `make parity` to install torch==2.13.0)")
    torch.set_default_dtype(torch.float64)
    return torch


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def japanese_sheet(path, n=60, seed=0, title=True, ports=("焼津港", "銚子港", "石巻港"),
                   dates=True, labels=True, blank_every=17):
    """Write a sheet as Japanese Excel saves it: cp932, CRLF, a title row padded with
    commas, blank rows, ``No.,漁獲日,漁港,体長(cm),体重(kg),魚種``. Species follow length
    and weight (マダイ short and heavy, サケ long, サバ short and light) with noise, so
    a small network learns them. Returns the rows written (as strings)."""
    rng = np.random.default_rng(seed)
    centres = {"マダイ": (35.0, 1.6), "サケ": (65.0, 3.2), "サバ": (30.0, 0.45)}
    species = list(centres)
    header = ["No.", "漁獲日", "漁港", "体長(cm)", "体重(kg)", "魚種"]
    lines = []
    if title:
        lines.append("2024年度 定置網 漁獲調査" + "," * (len(header) - 1))
        lines.append("," * (len(header) - 1))
    lines.append(",".join(header if labels else header[:-1]))
    rows = []
    for i in range(n):
        fish = species[i % 3]
        length, weight = centres[fish]
        row = [str(i + 1), f"2024/{1 + i % 12}/{1 + i % 28}", ports[int(rng.integers(len(ports)))],
               f"{length * (1 + 0.08 * rng.standard_normal()):.1f}",
               f"{weight * (1 + 0.1 * rng.standard_normal()):.2f}", fish]
        if not dates:
            row[1] = ""
        rows.append(row if labels else row[:-1])
        lines.append(",".join(rows[-1]))
        if blank_every and i % blank_every == blank_every - 1:
            lines.append("," * (len(header) - 1))
    with open(path, "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return header, rows


@pytest.fixture
def sheet(tmp_path):
    """A factory: sheet(name, **options) -> path of a Japanese Excel sheet in tmp_path."""
    def make(name="漁獲.csv", **options):
        path = str(tmp_path / name)
        japanese_sheet(path, **options)
        return path
    return make


def digit_images(per_class=20, test_per_class=5, seed=0):
    """MNIST-layout arrays (uint8 28×28 images, labels 0-9): class k is a bright 7×7
    square at its own place in a 4×3 grid, plus noise, so a small network learns it."""
    rng = np.random.default_rng(seed)

    def draw(n):
        labels = np.repeat(np.arange(10), n)
        images = rng.integers(0, 60, (labels.size, 28, 28)).astype(np.uint8)
        for i, k in enumerate(labels):
            r, c = divmod(int(k), 4)
            images[i, 2 + 9 * r: 9 + 9 * r, 1 + 7 * c: 8 + 7 * c] = 255
        order = rng.permutation(labels.size)
        return images[order], labels[order].astype(np.uint8)

    (x, y), (xt, yt) = draw(per_class), draw(test_per_class)
    return {"x_train": x, "y_train": y, "x_test": xt, "y_test": yt}


@pytest.fixture
def digits_npz(tmp_path):
    """Path of a small mnist.npz (Keras layout) of learnable 'digits'."""
    path = tmp_path / "digits" / "mnist.npz"
    path.parent.mkdir()
    np.savez(path, **digit_images())
    return path


def apartment_sheet(path, n=200, seed=0):
    """Apartment prices in 万円 (about 3000, SD about 900) from area, walk and age, with
    noise: ``物件ID,駅徒歩(分),専有面積(㎡),築年数,価格(万円)`` in UTF-8. Returns the
    true prices."""
    rng = np.random.default_rng(seed)
    walk = rng.integers(1, 25, n)
    area = rng.uniform(20, 90, n).round(1)
    age = rng.integers(0, 40, n)
    price = (1500 + 45 * area - 40 * walk - 30 * age + rng.normal(0, 150, n)).round(0)
    lines = ["物件ID,駅徒歩(分),専有面積(㎡),築年数,価格(万円)"]
    lines += [f"A{i + 1:04d},{w},{a},{g},{p:.0f}" for i, (w, a, g, p)
              in enumerate(zip(walk, area, age, price))]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return price


def lab_sheet(path, n=300, seed=0, share=0.07):
    """Lab results with about ``share`` 陽性 (positives have a higher CRP and white cell
    count, overlapping the negatives): ``患者ID,年齢,白血球数,CRP,体温,結果``. A network
    trained on it plainly answers 陰性 for nearly everyone. Returns the labels."""
    rng = np.random.default_rng(seed)
    positive = rng.random(n) < share
    age = rng.integers(20, 90, n)
    wbc = rng.normal(6500, 1500, n) + positive * 1500
    crp = np.abs(rng.normal(0.8, 0.8, n) + positive * 1.0)
    temperature = rng.normal(36.6, 0.4, n) + positive * 0.3
    labels = np.where(positive, "陽性", "陰性")
    lines = ["患者ID,年齢,白血球数,CRP,体温,結果"]
    lines += [f"P{i + 1:04d},{a},{w:.0f},{c:.2f},{t:.1f},{y}" for i, (a, w, c, t, y)
              in enumerate(zip(age, wbc, crp, temperature, labels))]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return labels
