#!/usr/bin/env bash
# Unpacks buildx (docker-buildx) and a standalone BuildKit daemon (buildkitd, buildctl) into .cache/buildkit/bin,
# from ../shared/tools/buildkit beside this repository (see its README.md), and installs runc when it is missing.
# Used by .ci/run (a fresh machine) and, on demand, by the e2e support (__tests__/e2e/support/buildkit.ts).
# Installs nothing into any docker config: tests put buildx into their own private DOCKER_CONFIG.
# Idempotent (the unpacked binaries are checked against SHA256SUMS). Exit 3 when the tools folder is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools=$(cd "$root/.." && pwd)/shared/tools/buildkit
cache=$root/.cache/buildkit
log() { printf '[ensure-buildkit] %s\n' "$*" >&2; }

if [ ! -x "$tools/setup.sh" ]; then
  log "no buildx/BuildKit tools at $tools (expected ../shared/tools/buildkit beside the repository)"
  exit 3
fi
bash "$tools/setup.sh" install "$cache"
log "ready in $cache/bin: $("$cache/bin/docker-buildx" version | awk '{print $1, $2}'), buildkitd and buildctl (built without a version stamp: see $tools/README.md); $(runc --version | head -n 1)"
