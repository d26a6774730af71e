import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  loadGitHub,
  readGitHubInputs,
  readPinInputs
} from "../chunks/chunk-JSNUFGLC.js";
import {
  mapLimit
} from "../chunks/chunk-MLYJXEML.js";
import {
  envInputReader,
  parseBoolean,
  parseLines,
  parseReferenceInput,
  parseRegistryTimeout,
  runAction
} from "../chunks/chunk-PAPUM53D.js";
import {
  PlatformNotFoundError,
  dockerRegistries
} from "../chunks/chunk-RFJBKPLH.js";
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
  formatPlatform,
  isIndex,
  parsePlatform,
  platformEntries
} from "../chunks/chunk-426R2XC5.js";
import {
  commitUrl,
  readRunContext,
  runUrl
} from "../chunks/chunk-F74GLXIE.js";
import {
  resolvedRule,
  tagKey
} from "../chunks/chunk-PWGKXJUV.js";
import {
  ActionError,
  InputError,
  RegistryError,
  code,
  codeBlock,
  cut,
  describeError,
  formatReference,
  sections,
  text
} from "../chunks/chunk-T7K4ATKP.js";
import {
  info,
  warning
} from "../chunks/chunk-TFVKVXD5.js";
import "../chunks/chunk-3FGA6ACG.js";

// src/resolve/inputs.ts
var DEFAULT_CONCURRENCY = 32;
function parseImages(raw) {
  const lines = [...new Set(parseLines(raw))];
  if (lines.length === 0) {
    throw new InputError("images", "is required", "list the image references to resolve, one per line, e.g. 'nginx:1.27' or 'ghcr.io/acme/worker:main'");
  }
  const hint = "write one reference per line: name[:tag][@sha256:<64 hex>], e.g. nginx:1.27 or ghcr.io/acme/worker:main";
  const targets = lines.map((input) => ({ input, ref: parseReferenceInput("images", input, hint) }));
  const byTag = /* @__PURE__ */ new Map();
  for (const t of targets) {
    if (!t.ref.digest || !t.ref.tag) continue;
    const key = `${t.ref.registry}/${t.ref.repository}:${t.ref.tag}`;
    const other = byTag.get(key);
    if (other && other.ref.digest !== t.ref.digest) {
      throw new InputError("images", `${key} is asked with two digests: '${other.input}' and '${t.input}'`, "keep one of them: a tag names one image");
    }
    byTag.set(key, t);
  }
  return targets;
}
function readResolveInputs(read) {
  const targets = parseImages(read("images"));
  const platformRaw = read("platform");
  const platform = platformRaw ? parsePlatform(platformRaw) : void 0;
  if (platformRaw && !platform) {
    throw new InputError("platform", `'${cut(platformRaw)}' is not a platform`, "write os/architecture[/variant], e.g. linux/arm64 or linux/arm/v7");
  }
  const concurrencyRaw = read("concurrency");
  const concurrency = concurrencyRaw === "" ? DEFAULT_CONCURRENCY : Number(concurrencyRaw);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new InputError("concurrency", `'${cut(concurrencyRaw)}' is not a whole number from 1 to 32`, `leave it empty for ${DEFAULT_CONCURRENCY}`);
  }
  return {
    targets,
    ...platform && { platform },
    failOnMissing: parseBoolean("fail-on-missing", read("fail-on-missing"), true),
    concurrency,
    listPlatforms: parseBoolean("list-platforms", read("list-platforms"), false),
    summary: parseBoolean("summary", read("summary"), true),
    registryTimeoutMs: parseRegistryTimeout(read("registry-timeout")),
    ...readPinInputs(read)
  };
}

// src/resolve/report.ts
function pinnedReference(input, r) {
  return r.verifiedPin ? input : `${input}@${r.digest}`;
}
function toResolveOutputs(outcomes) {
  const resolved = outcomes.filter((o) => o.status === "resolved");
  const digests = Object.fromEntries(resolved.map((o) => [o.target.input, o.resolution.digest]));
  const missing = outcomes.filter((o) => o.status === "missing").map((o) => o.target.input);
  const only = outcomes.length === 1 ? resolved[0] : void 0;
  return {
    digests: JSON.stringify(digests),
    pinned: resolved.map((o) => pinnedReference(o.target.input, o.resolution)).join("\n"),
    ...only && { digest: only.resolution.digest },
    missing: missing.join("\n")
  };
}
var KINDS = {
  [OCI_INDEX]: "OCI image index",
  [DOCKER_MANIFEST_LIST]: "Docker manifest list",
  [OCI_MANIFEST]: "OCI image manifest",
  [DOCKER_MANIFEST]: "Docker image manifest"
};
function kind(mediaType) {
  if (mediaType === "") return "media type not reported";
  return KINDS[mediaType] ?? `${isIndex(mediaType) ? "index" : "manifest"} ${code(mediaType)}`;
}
function detail(o, platform) {
  const r = o.resolution;
  const parts = [kind(r.mediaType)];
  if (r.verifiedPin) parts.unshift("pinned input, verified to exist");
  if (r.indexDigest) parts.push(`the ${code(formatPlatform(platform))} manifest of index ${code(r.indexDigest)}`);
  else if (r.platforms) parts.push(`platforms ${r.platforms.map((p) => code(p)).join(" ")}`);
  else if (isIndex(r.mediaType) && !r.verifiedPin) parts.push("platforms not listed (`list-platforms: true` lists them)");
  return `- ${code(o.target.input)}: ${parts.join("; ")}`;
}
function renderResolveSummary(outcomes, platform) {
  const resolved = outcomes.filter((o) => o.status === "resolved");
  const unresolved = outcomes.filter((o) => o.status !== "resolved");
  const pinned = toResolveOutputs(outcomes).pinned ?? "";
  const s = outcomes.length === 1 ? "" : "s";
  return sections(
    `### Resolved ${resolved.length} of ${outcomes.length} image reference${s}`,
    platform && `Platform ${code(formatPlatform(platform))}: indexes are pinned to that platform's manifest.`,
    resolved.length > 0 && codeBlock(pinned),
    unresolved.length > 0 && [
      "> [!WARNING]",
      `> Not resolved, so not in \`pinned\` or \`digests\`:`,
      ...unresolved.map((o) => `> - ${code(o.target.input)}: **${o.status === "missing" ? "not found" : "failed"}**: ${text(o.message)}`)
    ].join("\n"),
    resolved.length > 0 && "#### Details",
    resolved.length > 0 && resolved.map((o) => detail(o, platform)).join("\n")
  );
}

// src/resolve/resolver.ts
async function resolveOne(client, ref, opts) {
  const platform = ref.digest ? void 0 : opts.platform;
  let found;
  try {
    found = await client.descriptor(ref.digest ?? ref.tag ?? "latest", { ...platform && { platform } });
  } catch (error) {
    if (!(error instanceof PlatformNotFoundError)) throw error;
    const has = error.platforms.join(", ");
    throw new ActionError(
      `${formatReference(ref, true)} is an index without ${formatPlatform(error.platform)} (it has ${has || "no platform entries"})`,
      `set 'platform' to one of ${has || "its platforms"}, or leave it empty to pin the index`
    );
  }
  const verifiedPin = !!ref.digest;
  if (found.index) {
    return { digest: found.digest, mediaType: found.mediaType, indexDigest: found.index.digest, platforms: found.index.platforms, verifiedPin };
  }
  if (!opts.listPlatforms || !isIndex(found.mediaType)) return { digest: found.digest, mediaType: found.mediaType, verifiedPin };
  const platforms = platformEntries(await client.index(found.digest)).map((m) => formatPlatform(m.platform));
  return { digest: found.digest, mediaType: found.mediaType, platforms, verifiedPin };
}
async function resolveAll(targets, opts) {
  const byKey = /* @__PURE__ */ new Map();
  for (const [i, t] of targets.entries()) {
    const key = formatReference({ ...t.ref, tag: t.ref.digest ? t.ref.tag : t.ref.tag ?? "latest" });
    const entry = byKey.get(key) ?? { ref: t.ref, targets: [] };
    entry.targets.push(i);
    byKey.set(key, entry);
  }
  const results = await mapLimit([...byKey.values()], opts.concurrency, async (job) => {
    try {
      return { job, ok: true, resolution: await resolveOne(opts.client(job.ref), job.ref, opts) };
    } catch (error) {
      return { job, ok: false, error };
    }
  });
  const outcomes = new Array(targets.length);
  for (const r of results) {
    for (const i of r.job.targets) {
      const target = targets[i];
      if (r.ok) outcomes[i] = { target, status: "resolved", resolution: r.resolution };
      else if (r.error instanceof RegistryError && r.error.status === 404) {
        outcomes[i] = { target, status: "missing", message: r.error.message };
      } else outcomes[i] = { target, status: "failed", message: describeError(r.error) };
    }
  }
  return outcomes;
}
function checkOutcomes(outcomes, failOnMissing) {
  const failed = outcomes.filter((o) => o.status === "failed");
  const missing = outcomes.filter((o) => o.status === "missing");
  const problems = [...failed, ...failOnMissing ? missing : []];
  if (problems.length === 0) return;
  const lines = problems.map((o) => `  ${o.target.input}: ${o.status === "missing" ? `not found (${o.message})` : o.message}`);
  const onlyMissing = failed.length === 0;
  throw new ActionError(
    `${problems.length} of ${outcomes.length} image reference${outcomes.length === 1 ? "" : "s"} could not be resolved:
${lines.join("\n")}`,
    onlyMissing ? "check the names and tags in 'images', or set 'fail-on-missing: false' to report and skip missing references" : void 0
  );
}

// src/resolve/main.ts
function defaultResolveDeps() {
  const env = process.env;
  return {
    openRegistries: async (access) => dockerRegistries(access),
    readInput: envInputReader(),
    cwd: process.cwd(),
    env
  };
}
async function resolveImages(deps) {
  const inputs = readResolveInputs(deps.readInput);
  const github = readGitHubInputs(deps.readInput);
  if (github.pullRequest && inputs.files.length === 0) {
    throw new InputError("pull-request", "is true but 'files' is empty: there is nothing to put in the pull request", "list the deploy files to pin in 'files', e.g. k8s/*.yaml");
  }
  const pinning = inputs.files.length > 0 ? await import("../chunks/pinning-DY6XMG2V.js") : void 0;
  const files = pinning ? await pinning.loadDeployFiles(inputs.files, deps.cwd) : [];
  const pool = await deps.openRegistries({ env: deps.env ?? process.env, budgetMs: inputs.registryTimeoutMs });
  let outcomes;
  try {
    const started = Date.now();
    outcomes = await resolveAll(inputs.targets, {
      client: (name) => pool.client(name),
      concurrency: inputs.concurrency,
      listPlatforms: inputs.listPlatforms,
      ...inputs.platform && { platform: inputs.platform }
    });
    info(`Resolved ${outcomes.length} reference(s) in ${Date.now() - started} ms`);
  } finally {
    await pool.close();
  }
  for (const o of outcomes) {
    if (o.status === "resolved") info(`${o.target.input} \u2192 ${pinnedReference(o.target.input, o.resolution)}`);
  }
  checkOutcomes(outcomes, inputs.failOnMissing);
  for (const o of outcomes) if (o.status === "missing") warning(`${o.target.input} was not found and is skipped: ${o.message}`);
  const outputs = { ...toResolveOutputs(outcomes) };
  const pins = pinning && files.length > 0 ? await pinning.pinFiles(files, resolvedRule(resolvedTags(outcomes)), inputs.write) : void 0;
  if (pins) outputs["changed-files"] = pins.changedFiles;
  const published = github.pullRequest || github.comment ? await publish(deps, github, outcomes, pins) : void 0;
  if (published) Object.assign(outputs, published.outputs);
  return {
    outcomes,
    outputs,
    pinned: pins?.pinned ?? [],
    ...inputs.summary && { summary: sections(renderResolveSummary(outcomes, inputs.platform), pins?.summary, published?.summary) }
  };
}
async function publish(deps, github, outcomes, pins) {
  const ctx = readRunContext(deps.env ?? process.env);
  const references = outcomes.flatMap((o) => o.status === "resolved" ? [{ reference: pinnedReference(o.target.input, o.resolution), digest: o.resolution.digest }] : []);
  const only = references.length === 1 ? outcomes.find((o) => o.status === "resolved") : void 0;
  const url = runUrl(ctx);
  const report = {
    subject: only ? only.target.input : `${references.length} images`,
    key: "resolve",
    branch: "pin/images",
    references,
    ...ctx.sha && { commit: { sha: ctx.sha, ...commitUrl(ctx, ctx.sha) && { url: commitUrl(ctx, ctx.sha) } } },
    run: { ...ctx.runNumber && { number: ctx.runNumber }, ...ctx.runAttempt && { attempt: ctx.runAttempt }, ...url && { url } },
    ...pins && { pins: { files: pins.files, rule: pins.rule } }
  };
  return (await loadGitHub()).publishToGitHub(github, report, ctx, deps.githubApi);
}
function resolvedTags(outcomes) {
  const digests = /* @__PURE__ */ new Map();
  for (const o of outcomes) {
    const hasTag = o.target.ref.tag !== void 0 || o.target.ref.digest === void 0;
    if (o.status === "resolved" && hasTag) digests.set(tagKey(o.target.ref), o.resolution.digest);
  }
  return digests;
}
function runResolve(deps = defaultResolveDeps()) {
  return runAction(async () => {
    const result = await resolveImages(deps);
    return { outputs: result.outputs, ...result.summary && { summary: result.summary } };
  });
}

// src/resolve/index.ts
await runResolve();
