#!/usr/bin/env bash
# Spark resource discovery script for GPUs (spark.executor.resource.gpu.discoveryScript, also
# spark.driver.resource.gpu.discoveryScript and spark.worker.resource.gpu.discoveryScript):
# prints {"name":"gpu","addresses":["0","1",...]} with the indices nvidia-smi reports on this node.
# On YARN and Kubernetes nvidia-smi only sees the GPUs given to the container, so those are what it prints.
# Fails (exit 1, a line on stderr) when nvidia-smi is missing or fails, so an executor that asked for a GPU
# does not start silently without one.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery: nvidia-smi not found on PATH of $(hostname); install the NVIDIA driver or drop the gpu resource settings" >&2
  exit 1
fi
if ! out="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "gpu-discovery: nvidia-smi failed on $(hostname): ${out//$'\n'/ }" >&2
  exit 1
fi

addresses=""
while IFS= read -r line; do
  index="${line//[[:space:]]/}"
  [[ -z "$index" ]] && continue
  if [[ ! "$index" =~ ^[0-9]+$ ]]; then
    echo "gpu-discovery: unexpected nvidia-smi output line '$line' on $(hostname)" >&2
    exit 1
  fi
  addresses+="${addresses:+,}\"$index\""
done <<< "$out"

echo "{\"name\":\"gpu\",\"addresses\":[$addresses]}"
