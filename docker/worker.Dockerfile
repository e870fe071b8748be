# syntax=docker/dockerfile:1
# The ntk-sweep worker images (docker-compose.yml builds them from the repository root):
#   --target cpu   the CPU worker: TensorFlow.js on wasm
#   --target gpu   the GPU worker: TensorFlow.js on WebGPU (Dawn on Vulkan), with the Vulkan loader
#                  and the GLVND libraries the NVIDIA Vulkan driver needs; run it with the NVIDIA
#                  container toolkit and the graphics capability (see docs/deploy.md)
# The build context's exclusions are in worker.Dockerfile.dockerignore, next to this file.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
# The dependency layer first, so that a source change does not reinstall node_modules.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The run folders live on the shared volume mounted here (docker-compose.yml: volume `runs`).
RUN mkdir -p /runs
WORKDIR /runs
ENTRYPOINT ["node", "/app/bin/ntk-sweep.js"]
CMD ["--help"]

FROM base AS cpu
# This worker never loads Dawn: drop the optional package's native binaries (~130 MB).
RUN rm -rf /app/node_modules/webgpu
CMD ["worker", "--queues", "cpu", "--backend", "wasm"]

FROM base AS gpu
# libvulkan1: the Vulkan loader Dawn opens. libglvnd0 … libgles2: the vendor-neutral GL libraries
# that the NVIDIA driver's Vulkan ICD (libGLX_nvidia.so.0, mounted by the container toolkit when
# the graphics capability is requested) links against. The same set as ../shared/gpu/prepare.sh.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libvulkan1 libglvnd0 libgl1 libglx0 libegl1 libopengl0 libgles2 \
 && rm -rf /var/lib/apt/lists/*
# Where the toolkit does not mount the driver's ICD manifests, these point the loaders at its libraries.
COPY docker/gpu/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json
COPY docker/gpu/10_nvidia.json /usr/share/glvnd/egl_vendor.d/10_nvidia.json
ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
# Fail the build, not the first trial, if the optional Dawn bindings did not install.
RUN test -f /app/node_modules/webgpu/dist/linux-x64/dawn.node
CMD ["worker", "--queues", "gpu", "--backend", "webgpu"]
