import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  ActionError,
  InputError,
  __commonJS,
  __require,
  __toESM,
  require_fs
} from "./chunk-SFDUYGYF.js";

// builtin-require:fs/promises
var require_promises = __commonJS({
  "builtin-require:fs/promises"(exports, module) {
    module.exports = __require("node:fs/promises");
  }
});

// src/context.ts
var import_node_fs = __toESM(require_fs(), 1);
function nonEmpty(value) {
  const v = value?.trim();
  return v ? v : void 0;
}
function readPayload(path) {
  if (!path) return {};
  try {
    return JSON.parse((0, import_node_fs.readFileSync)(path, "utf8"));
  } catch {
    return {};
  }
}
function pullRequestHead(payload) {
  const pr = payload.pull_request;
  const sha = pr?.head?.sha;
  return typeof sha === "string" && /^[0-9a-f]{40,64}$/.test(sha) ? sha : void 0;
}
function isPullRequestEvent(eventName) {
  return eventName === "pull_request" || eventName === "pull_request_target";
}
function readRunContext(env = process.env) {
  const eventName = nonEmpty(env.GITHUB_EVENT_NAME);
  const pullRequestHeadSha = isPullRequestEvent(eventName) ? pullRequestHead(readPayload(env.GITHUB_EVENT_PATH)) : void 0;
  return {
    actions: env.GITHUB_ACTIONS === "true",
    eventName,
    sha: nonEmpty(env.GITHUB_SHA),
    pullRequestHeadSha,
    ref: nonEmpty(env.GITHUB_REF),
    headRef: nonEmpty(env.GITHUB_HEAD_REF),
    runNumber: nonEmpty(env.GITHUB_RUN_NUMBER),
    runAttempt: nonEmpty(env.GITHUB_RUN_ATTEMPT),
    runId: nonEmpty(env.GITHUB_RUN_ID),
    repository: nonEmpty(env.GITHUB_REPOSITORY),
    serverUrl: (nonEmpty(env.GITHUB_SERVER_URL) ?? "https://github.com").replace(/\/+$/, ""),
    workspace: nonEmpty(env.GITHUB_WORKSPACE),
    tempDir: nonEmpty(env.RUNNER_TEMP)
  };
}
function commitUrl(ctx, sha) {
  return ctx.repository ? `${ctx.serverUrl}/${ctx.repository}/commit/${sha}` : void 0;
}
function refTag(ctx) {
  return ctx.ref?.startsWith("refs/tags/") ? ctx.ref.slice("refs/tags/".length) || void 0 : void 0;
}
function refBranch(ctx) {
  if (isPullRequestEvent(ctx.eventName) && ctx.headRef) return ctx.headRef;
  return ctx.ref?.startsWith("refs/heads/") ? ctx.ref.slice("refs/heads/".length) || void 0 : void 0;
}
function runUrl(ctx) {
  return ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : void 0;
}
function repositoryUrl(ctx) {
  return ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : void 0;
}

// src/labels.ts
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
  if (space) return `label key '${key}' contains whitespace`;
  const bad = [...key].find((c) => !/[A-Za-z0-9._/-]/.test(c));
  if (bad) return `label key '${key}' contains '${bad}'; keys may only contain letters, digits, '.', '_', '-' and '/'`;
  if (!/^[A-Za-z0-9]/.test(key) || !/[A-Za-z0-9]$/.test(key)) {
    return `label key '${key}' must start and end with a letter or digit`;
  }
  if (/[./]{2}/.test(key)) return `label key '${key}' has an empty component ('${key.match(/[./]{2}/)?.[0]}')`;
  return void 0;
}
function parseLabelLines(lines) {
  return lines.map((line) => {
    const eq = line.indexOf("=");
    if (eq === -1) {
      const hint = /^[^\s:]+:\s/.test(line) ? `write '${line.replace(/:\s*/, "=")}' (labels use key=value, not key: value)` : "write one label per line as key=value";
      throw new InputError("labels", `'${line}' is not key=value`, hint);
    }
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const problem = labelKeyProblem(key);
    if (problem) {
      throw new InputError(
        "labels",
        key === "" ? `'${line}' has an empty key` : problem,
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

// src/summary.ts
function cell(text) {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/\r?\n/g, "<br>");
}
function code(text) {
  const ticks = "`".repeat((text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length + 1), 1));
  return `${ticks}${ticks.length > 1 ? " " : ""}${cell(text)}${ticks.length > 1 ? " " : ""}${ticks}`;
}
function link(text, url) {
  return url ? `[${text}](${url})` : text;
}
function labelLink(report, key, value) {
  if ((key === COMMIT_LABEL || key === OCI_REVISION) && value === report.commit.sha) return report.commitUrl;
  if (key === BUILD_NUMBER_LABEL && value === report.runNumber) return report.runUrl;
  if (key === BUILD_ATTEMPT_LABEL && value === report.runAttempt && report.runUrl) return `${report.runUrl}/attempts/${value}`;
  if ((key === OCI_SOURCE || key === OCI_URL) && /^https:\/\/[^\s()<>]+$/.test(value)) return value;
  return void 0;
}
function renderSummary(report) {
  const lines = [];
  lines.push(`### ${report.pushed ? "Pushed" : "Built"} ${cell(report.image)}`, "");
  lines.push("| | |", "|---|---|");
  if (report.pinned && report.digest) {
    lines.push(`| **Pinned** | ${code(report.pinned)} |`);
    lines.push(`| Digest | ${code(report.digest)} (read back from the registry, sha256 verified) |`);
    if (report.mediaType) lines.push(`| Media type | ${code(report.mediaType)} |`);
  } else {
    lines.push(`| Digest | not pushed (\`push: false\`) |`);
  }
  lines.push(`| Image ID | ${code(report.imageId)} |`);
  lines.push(`| Tags | ${report.tags.map((t) => code(t)).join("<br>")} |`);
  lines.push(`| Commit | ${link(code(report.commit.sha), report.commitUrl)} (${report.commit.source}) |`);
  if (report.runNumber) {
    const attempt = report.runAttempt && report.runAttempt !== "1" ? ` attempt ${report.runAttempt}` : "";
    lines.push(`| Run | ${link(`#${report.runNumber}${attempt}`, report.runUrl)} |`);
  }
  lines.push("");
  if (report.movedTags.length > 0) {
    lines.push("> [!WARNING]");
    for (const m of report.movedTags) {
      lines.push(`> Tag ${code(m.tag)} now points to ${code(m.now)}: another push happened after this one. Deploy with the pinned reference.`);
    }
    lines.push("");
  }
  lines.push(report.pushed ? "#### Labels (as held by the registry)" : "#### Labels (as built)", "");
  lines.push("| Label | Value | Source |", "|---|---|---|");
  for (const key of Object.keys(report.labels).sort()) {
    const value = report.labels[key];
    lines.push(`| ${code(key)} | ${link(code(value), labelLink(report, key, value))} | ${report.labelSources[key] ?? "image (base or Dockerfile)"} |`);
  }
  lines.push("");
  lines.push(
    "<sub>Source: <em>action</em> = set by this action from the commit and run; <em>user</em> = from the <code>labels</code> input; <em>image</em> = inherited from the base image or a <code>LABEL</code> in the Dockerfile.</sub>",
    ""
  );
  if (report.pinned) {
    lines.push("<details><summary>Deploy by digest</summary>", "", "```yaml");
    lines.push(`image: ${report.pinned}`, "```", "", "</details>", "");
  }
  return lines.join("\n");
}

export {
  isPullRequestEvent,
  readRunContext,
  commitUrl,
  refTag,
  refBranch,
  runUrl,
  require_promises,
  OCI_CREATED,
  actionLabels,
  parseLabelLines,
  mergeLabels,
  cell,
  code,
  renderSummary
};
