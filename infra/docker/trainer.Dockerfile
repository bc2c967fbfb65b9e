# syntax=docker/dockerfile:1
# rstar-fleet trainer: `rstar-train` (apps/trainer) on CUDA PyTorch, the train hook's image
# (infra/k8s/train-job.yaml, the Helm chart's trainJob). Build from the repository root:
#   docker build -f infra/docker/trainer.Dockerfile -t rstar-fleet/trainer:0.1.0 .
#
# PyTorch is the one dependency not taken from apps/trainer/requirements.txt: that file pins the
# CPU wheel the tests use (torch==2.13.0); here the same version comes from PyTorch's CUDA wheel
# index (its nvidia-* runtime wheels included, so the base image needs no CUDA toolkit; the
# node's driver comes in through the NVIDIA container runtime). Keep TORCH_VERSION equal to the
# requirements' pin.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- build: a virtual environment with CUDA torch, the pinned requirements and the trainer ------
FROM ${PYTHON_IMAGE} AS build
ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu130
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN pip install --index-url "${TORCH_INDEX_URL}" "torch==${TORCH_VERSION}"
COPY apps/trainer/requirements.txt /src/requirements.txt
# Everything else exactly as pinned; torch is already satisfied by the CUDA build above.
RUN grep -v -i '^torch==' /src/requirements.txt > /src/requirements-no-torch.txt \
 && pip install -r /src/requirements-no-torch.txt \
 && python -c "import torch; assert torch.__version__.split('+')[0] == '${TORCH_VERSION}', torch.__version__; assert torch.version.cuda, 'not a CUDA build'"
COPY apps/trainer /src/trainer
RUN pip install --no-deps /src/trainer && rstar-train --help > /dev/null

# --- runtime: the environment, the accelerate configs, tini; non-root -------------------------
FROM ${PYTHON_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/venv /opt/venv
# accelerate launch --config_file /opt/rstar-trainer/accelerate/fsdp-8gpu.yaml (the Job's command).
COPY apps/trainer/accelerate /opt/rstar-trainer/accelerate
# HOME: caches (Triton, torch.compile, HF) for a uid without a passwd entry; the Job's /models
# volume holds the checkpoints, not these.
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 HOME=/tmp \
    TOKENIZERS_PARALLELISM=false
WORKDIR /tmp
USER 1000:1000
# The trainer's Prometheus /metrics (--metrics-port 9410 in the Job; 0 = off).
EXPOSE 9410
ENTRYPOINT ["/usr/bin/tini", "--", "rstar-train", "round"]
