#!/usr/bin/env bash
# Builds the project's test tools from the Go module proxy into .cache/tools/<name>-<version>/bin, at the versions in
# scripts/tools.versions; a tool already built at its version is reused (its binary answers its version command).
# Nothing built here is committed (.cache/ is ignored), and no other project's source is kept outside the Go caches.
#   ensure-tools.sh            build every tool
#   ensure-tools.sh NAME...    build only these (names as in tools.versions)
#   ensure-tools.sh --bin NAME print the bin dir of NAME (after building it when missing)
# Go's module and build caches live in .cache/go so a second run is warm. Installs runc from Debian when missing
# (buildkitd's OCI worker runs containers with it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools=$root/.cache/tools
log() { printf '[ensure-tools] %s\n' "$*" >&2; }
export GOMODCACHE=$root/.cache/go/mod GOCACHE=$root/.cache/go/build GOFLAGS=-modcacherw GOTOOLCHAIN=local CGO_ENABLED=0

version_of() { # name -> version from tools.versions
  local v
  v=$(awk -F= -v n="$1" '$1 == n { print $2 }' "$root/scripts/tools.versions")
  [ -n "$v" ] || { log "no version for '$1' in scripts/tools.versions"; exit 2; }
  printf '%s' "$v"
}

# go install into a GOBIN of our own; $1 dir, $2 ldflags, rest: packages@version
go_install() {
  local dir=$1 ldflags=$2; shift 2
  GOBIN=$dir/bin go install -trimpath -ldflags "$ldflags" "$@"
}

# BuildKit >= 0.14 has `exclude` in go.mod, which `go install pkg@version` refuses: build inside the module's own dir.
build_in_module() { # dir module version ldflags packages...
  local dir=$1 module=$2 version=$3 ldflags=$4; shift 4
  local src scratch
  src=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { log "go mod download gave no dir for $module@$version"; exit 1; }
  scratch=$(mktemp -d "$root/.cache/go/src-XXXXXX")
  cp -a "$src/." "$scratch/"
  chmod -R u+w "$scratch"
  mkdir -p "$dir/bin"
  for pkg in "$@"; do
    (cd "$scratch" && go build -mod=mod -trimpath -ldflags "$ldflags" -o "$dir/bin/$(basename "$pkg")" "$pkg")
  done
  rm -rf "$scratch"
}

ensure_debs() { # Debian packages a build needs (root)
  local pkg missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}

buildkit_version_flag() { printf -- '-X github.com/moby/buildkit/version.Version=%s' "$1"; }

build_one() { # name
  local name=$1 version dir
  version=$(version_of "$name")
  dir=$tools/$name-$version
  if [ -f "$dir/.done" ]; then return 0; fi
  # one build per tool at a time (test files and the bench may ask for the same tool at once)
  local lock
  exec {lock}>"$tools/$name.lock"
  flock "$lock"
  if [ -f "$dir/.done" ]; then flock -u "$lock"; return 0; fi
  local started=$SECONDS
  log "building $name $version into ${dir#"$root"/}"
  rm -rf "$dir"; mkdir -p "$dir/bin"
  case $name in
    buildx|buildx-old)
      go_install "$dir" "-X github.com/docker/buildx/version.Version=$version" "github.com/docker/buildx/cmd/buildx@$version"
      mv "$dir/bin/buildx" "$dir/bin/docker-buildx" ;;
    buildkit|buildkit-old)
      if go_install "$dir" "$(buildkit_version_flag "$version")" "github.com/moby/buildkit/cmd/buildkitd@$version" "github.com/moby/buildkit/cmd/buildctl@$version" 2>"$dir/install.err"; then :
      else
        grep -q 'exclude\|replace' "$dir/install.err" || { cat "$dir/install.err" >&2; exit 1; }
        build_in_module "$dir" github.com/moby/buildkit "$version" "$(buildkit_version_flag "$version")" ./cmd/buildkitd ./cmd/buildctl
      fi
      rm -f "$dir/install.err" ;;
    crane)
      go_install "$dir" "" "github.com/google/go-containerregistry/cmd/crane@$version" ;;
    regctl)
      go_install "$dir" "-X github.com/regclient/regclient/internal/version.vcsTag=$version" "github.com/regclient/regclient/cmd/regctl@$version" ;;
    distribution)
      go_install "$dir" "-X github.com/distribution/distribution/v3/version.version=$version" "github.com/distribution/distribution/v3/cmd/registry@$version"
      mv "$dir/bin/registry" "$dir/bin/registry-v3" ;;
    act)
      go_install "$dir" "-X main.version=$version" "github.com/nektos/act@$version" ;;
    dockerd)
      # The moby v2 module's tags are not the product's: name the engine after the release line it ships
      # (releases/versions.yaml, docker.next), so `docker version` says 29.x. The userland proxy too: the engine
      # forwards published ports through it.
      local src product
      src=$(go mod download -json "github.com/moby/moby/v2@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
      product=$(awk '/^docker:/ { d = 1 } d && $1 == "next:" { gsub(/"/, "", $2); print $2; exit }' "$src/releases/versions.yaml")
      [ -n "$product" ] || { log "no docker.next in moby $version's releases/versions.yaml"; exit 1; }
      go_install "$dir" "-X github.com/moby/moby/v2/dockerversion.Version=$product-dev -X github.com/moby/moby/v2/dockerversion.GitCommit=$version" \
        "github.com/moby/moby/v2/cmd/dockerd@$version" "github.com/moby/moby/v2/cmd/docker-proxy@$version" ;;
    containerd)
      go_install "$dir" "-X github.com/containerd/containerd/v2/version.Version=$version" \
        "github.com/containerd/containerd/v2/cmd/containerd@$version" "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$version" ;;
    runc)
      # without seccomp every RUN fails under dockerd's default profile; seccomp needs cgo and libseccomp's headers
      ensure_debs libseccomp-dev pkg-config
      CGO_ENABLED=1 GOBIN=$dir/bin go install -trimpath -tags seccomp -ldflags "-X main.version=${version#v}" \
        "github.com/opencontainers/runc@$version" ;;
    kustomize)
      go_install "$dir" "" "sigs.k8s.io/kustomize/kustomize/v5@$version" ;;
    helm)
      go_install "$dir" "-X helm.sh/helm/v4/internal/version.version=$version" "helm.sh/helm/v4/cmd/helm@$version" ;;
    *) log "unknown tool '$name'"; exit 2 ;;
  esac
  touch "$dir/.done"
  flock -u "$lock"
  log "built $name $version in $((SECONDS - started)) s"
}

if ! command -v runc >/dev/null 2>&1; then
  log "installing runc (Debian) for buildkitd's OCI worker"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends runc >/dev/null ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends runc >/dev/null; }
fi

mkdir -p "$tools" "$root/.cache/go"
if [ "${1:-}" = "--bin" ]; then
  build_one "$2" >&2
  printf '%s\n' "$tools/$2-$(version_of "$2")/bin"
  exit 0
fi
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(awk -F= '/^[a-z]/ { print $1 }' "$root/scripts/tools.versions")
for n in "${names[@]}"; do build_one "$n"; done
log "ready: ${names[*]}"
