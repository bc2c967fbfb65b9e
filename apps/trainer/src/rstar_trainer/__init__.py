"""rStar-Math's between-rounds trainer for rstar-fleet (SFT policy, PPM, the train hook)."""

import os

__version__ = "0.1.0"

# transformers (5.x) with the `kernels` package on a CUDA machine swaps layers for kernels it
# downloads from the Hugging Face Hub at run time: on a GPU node without Internet access (or a
# publisher it cannot verify) training dies before its first step. The trainer uses the model's
# own layers unless the operator opts in with USE_HUB_KERNELS=YES. Set here, before any module
# of this package imports transformers.
os.environ.setdefault("USE_HUB_KERNELS", "NO")
