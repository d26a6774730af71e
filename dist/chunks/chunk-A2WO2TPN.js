import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  parseLines
} from "./chunk-PAPUM53D.js";
import {
  repositoryUrl
} from "./chunk-F74GLXIE.js";
import {
  ActionError,
  InputError,
  cut
} from "./chunk-T7K4ATKP.js";
import {
  setSecret
} from "./chunk-TFVKVXD5.js";

// src/action/secrets.ts
function maskSecretInputs(read) {
  const password = read("password");
  if (password) setSecret(password);
  maskSecrets(read("secrets"));
  for (const arg of parseLines(read("build-args"))) {
    const value = arg.slice(arg.indexOf("=") + 1);
    if (arg.includes("=") && value && secretLookingBuildArgs([arg]).length > 0) setSecret(value);
  }
}
function maskSecrets(raw) {
  for (const line of raw.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    const value = eq > 0 ? line.slice(eq + 1) : line;
    if (value.trim()) setSecret(value);
  }
}
var SECRET_LOOKING = /TOKEN|PASSWORD|PASSWD|SECRET|KEY|CREDENTIAL/i;
function secretLookingBuildArgs(buildArgs) {
  return buildArgs.map((a) => a.slice(0, a.indexOf("="))).filter((name) => SECRET_LOOKING.test(name));
}

// src/plan/labels.ts
var COMMIT_LABEL = "git-commit";
var BUILD_NUMBER_LABEL = "build-number";
var BUILD_ATTEMPT_LABEL = "build-attempt";
var OCI_CREATED = "org.opencontainers.image.created";
var OCI_REVISION = "org.opencontainers.image.revision";
var OCI_SOURCE = "org.opencontainers.image.source";
var OCI_URL = "org.opencontainers.image.url";
var OCI_VERSION = "org.opencontainers.image.version";
var PROTECTED_LABELS = [COMMIT_LABEL, BUILD_NUMBER_LABEL, BUILD_ATTEMPT_LABEL];
function actionLabels(commit, ctx, options = { oci: true }) {
  if (!ctx.runNumber) {
    throw new ActionError(
      "GITHUB_RUN_NUMBER is not set, so the build-number label cannot be written",
      "run this action in a GitHub Actions job, or set GITHUB_RUN_NUMBER (and GITHUB_SHA) yourself when running it elsewhere"
    );
  }
  const labels = {
    [COMMIT_LABEL]: commit.sha,
    [BUILD_NUMBER_LABEL]: ctx.runNumber
  };
  if (ctx.runAttempt) labels[BUILD_ATTEMPT_LABEL] = ctx.runAttempt;
  if (!options.oci) return labels;
  if (commit.time) labels[OCI_CREATED] = commit.time;
  labels[OCI_REVISION] = commit.sha;
  const repo = repositoryUrl(ctx);
  if (repo) {
    labels[OCI_SOURCE] = repo;
    labels[OCI_URL] = repo;
  }
  if (options.version) labels[OCI_VERSION] = options.version;
  return labels;
}
function labelKeyProblem(key) {
  if (key === "") return "the key is empty";
  const space = key.match(/\s/);
  if (space) return `label key '${cut(key)}' contains whitespace`;
  const bad = [...key].find((c) => !/[A-Za-z0-9._/-]/.test(c));
  if (bad) return `label key '${cut(key)}' contains '${bad}'; keys may only contain letters, digits, '.', '_', '-' and '/'`;
  if (!/^[A-Za-z0-9]/.test(key) || !/[A-Za-z0-9]$/.test(key)) {
    return `label key '${cut(key)}' must start and end with a letter or digit`;
  }
  if (/[./]{2}/.test(key)) return `label key '${cut(key)}' has an empty component ('${key.match(/[./]{2}/)?.[0]}')`;
  return void 0;
}
function parseLabelLines(lines, input = "labels", { literal = false } = {}) {
  return lines.map((line) => {
    const eq = line.indexOf("=");
    if (eq === -1) {
      const hint = /^[^\s:]+:\s/.test(line) ? `write '${cut(line.replace(/:\s*/, "="))}' (${input} use key=value, not key: value)` : `write one ${input === "labels" ? "label" : "entry"} per line as key=value`;
      throw new InputError(input, `'${cut(line)}' is not key=value`, hint);
    }
    const key = line.slice(0, eq).trim();
    const rest = line.slice(eq + 1);
    const value = literal ? rest : rest.trim();
    const problem = labelKeyProblem(key);
    if (problem) {
      throw new InputError(
        input,
        key === "" ? `'${cut(line)}' has an empty key` : problem,
        "write key=value with a key of letters, digits and . _ - / (reverse-DNS style such as com.example.team is fine)"
      );
    }
    return [key, value];
  });
}
function mergeLabels(ours, user) {
  const labels = { ...ours };
  const sources = Object.fromEntries(Object.keys(ours).map((k) => [k, "action"]));
  const overridden = [];
  for (const [key, value] of user) {
    if (PROTECTED_LABELS.includes(key)) {
      throw new InputError(
        "labels",
        `'${key}' is set by the action from the workflow run and cannot be overridden`,
        `remove '${key}' from 'labels'; ${PROTECTED_LABELS.join(", ")} always describe the commit and run that built the image`
      );
    }
    const original = ours[key];
    if (original !== void 0) {
      const previous = overridden.findIndex((o) => o.key === key);
      if (previous !== -1) overridden.splice(previous, 1);
      overridden.push({ key, ours: original, theirs: value });
    }
    labels[key] = value;
    sources[key] = original !== void 0 ? "user (overrides action)" : "user";
  }
  return { labels, sources, overridden };
}

export {
  maskSecretInputs,
  maskSecrets,
  secretLookingBuildArgs,
  COMMIT_LABEL,
  BUILD_NUMBER_LABEL,
  BUILD_ATTEMPT_LABEL,
  OCI_CREATED,
  OCI_REVISION,
  OCI_SOURCE,
  OCI_URL,
  actionLabels,
  parseLabelLines,
  mergeLabels
};
