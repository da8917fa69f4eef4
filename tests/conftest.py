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
