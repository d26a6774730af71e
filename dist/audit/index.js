import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  mapLimit
} from "../chunks/chunk-MLYJXEML.js";
import {
  BUILD_ATTEMPT_LABEL,
  BUILD_NUMBER_LABEL,
  COMMIT_LABEL,
  OCI_CREATED,
  OCI_REVISION,
  OCI_SOURCE,
  maskSecretInputs
} from "../chunks/chunk-A2WO2TPN.js";
import {
  envInputReader,
  parseBoolean,
  parseLines,
  parseList,
  parseLogin,
  parseRegistryTimeout,
  runAction
} from "../chunks/chunk-PAPUM53D.js";
import {
  dockerRegistries
} from "../chunks/chunk-RFJBKPLH.js";
import {
  isIndex,
  platformEntries,
  readImage
} from "../chunks/chunk-426R2XC5.js";
import "../chunks/chunk-F74GLXIE.js";
import {
  deployReferences,
  loadDeployFiles
} from "../chunks/chunk-ZGM424NW.js";
import "../chunks/chunk-RAKG4OYG.js";
import "../chunks/chunk-PWGKXJUV.js";
import {
  ActionError,
  InputError,
  RegistryError,
  code,
  cut,
  describeError,
  formatReference,
  html,
  htmlCode,
  htmlLink,
  htmlTable,
  parseReference,
  sections,
  wrappable
} from "../chunks/chunk-T7K4ATKP.js";
import {
  info,
  warning
} from "../chunks/chunk-TFVKVXD5.js";
import "../chunks/chunk-3FGA6ACG.js";

// src/audit/read.ts
var repoKey = (ref) => `${ref.registry}/${ref.repository}`;
var digestKey = (ref) => `${repoKey(ref)}@${ref.digest}`;
var tagKeyOf = (ref) => `${repoKey(ref)}:${ref.tag ?? "latest"}`;
function failure(error) {
  if (error instanceof RegistryError && error.status === 404) return { state: "missing", reason: error.message };
  return { state: "error", reason: describeError(error) };
}
async function readRegistry(refs, client, concurrency) {
  const digests = /* @__PURE__ */ new Map();
  const tags = /* @__PURE__ */ new Map();
  const pinnedUnderTag = /* @__PURE__ */ new Map();
  const jobs = /* @__PURE__ */ new Map();
  for (const ref of refs) {
    if (ref.digest) {
      const digest = ref.digest;
      const key = digestKey({ ...ref, digest });
      if (!jobs.has(key)) {
        jobs.set(key, {
          ref,
          run: async () => {
            try {
              digests.set(key, { state: "found", view: await readImage(client(ref), digest, { attestations: "list" }) });
            } catch (error) {
              digests.set(key, failure(error));
            }
          }
        });
      }
    }
    if (ref.tag || !ref.digest) {
      const key = tagKeyOf(ref);
      if (ref.digest) pinnedUnderTag.set(key, (pinnedUnderTag.get(key) ?? /* @__PURE__ */ new Set()).add(ref.digest));
      if (!jobs.has(key)) {
        jobs.set(key, {
          ref,
          run: async () => {
            try {
              const found = await client(ref).descriptor(ref.tag ?? "latest");
              const others = [...pinnedUnderTag.get(key) ?? []].some((d) => d !== found.digest);
              const listed = others && isIndex(found.mediaType) ? new Set(platformEntries(await client(ref).index(found.digest)).map((m) => m.digest)) : void 0;
              tags.set(key, { state: "found", digest: found.digest, mediaType: found.mediaType, ...listed && { listed } });
            } catch (error) {
              tags.set(key, failure(error));
            }
          }
        });
      }
    }
  }
  await mapLimit([...jobs.values()], concurrency, (job) => job.run());
  return { digests, tags };
}

// src/audit/classify.ts
var AUDIT_LABELS = [COMMIT_LABEL, BUILD_NUMBER_LABEL, OCI_SOURCE, OCI_REVISION, OCI_CREATED];
function tryParse(written) {
  try {
    return parseReference(written);
  } catch {
    return void 0;
  }
}
function classify(r, reads, expectCommit) {
  const base = { file: r.file, line: r.line, reference: r.written, labels: {} };
  const ref = tryParse(r.written);
  if (!ref) return { ...base, state: "skipped", image: null, digest: null, tagDigest: null, reason: "not an image reference (a variable or template is only known when rendered)" };
  const image = formatReference({ registry: ref.registry, repository: ref.repository });
  const tag = ref.tag || !ref.digest ? reads.tags.get(tagKeyOf(ref)) : void 0;
  const tagDigest = tag?.state === "found" ? tag.digest : null;
  if (!ref.digest) {
    return { ...base, state: "unpinned", image, digest: null, tagDigest, ...tag && tag.state !== "found" && { reason: `tag: ${tag.reason}` } };
  }
  const read = reads.digests.get(digestKey({ ...ref, digest: ref.digest }));
  const entry = { ...base, image, digest: ref.digest, tagDigest };
  if (!read || read.state === "error") return { ...entry, state: "unknown", reason: read?.reason ?? "not read" };
  if (read.state === "missing") return { ...entry, state: "missing", reason: read.reason };
  const labels = {};
  const created = {};
  for (const p of read.view.platforms) {
    labels[p.platform] = Object.fromEntries(AUDIT_LABELS.flatMap((k) => p.labels[k] ? [[k, p.labels[k]]] : []));
    if (p.created) created[p.platform] = p.created;
  }
  const found = { ...entry, labels, created };
  const platforms = read.view.platforms;
  if (platforms.length === 0 || platforms.some((p) => !p.labels[COMMIT_LABEL] || !p.labels[BUILD_NUMBER_LABEL])) {
    const lacking = platforms.filter((p) => !p.labels[COMMIT_LABEL] || !p.labels[BUILD_NUMBER_LABEL]).map((p) => p.platform);
    return { ...found, state: "unlabeled", reason: platforms.length === 0 ? "an index of no images" : `no ${COMMIT_LABEL} or ${BUILD_NUMBER_LABEL} label on ${lacking.join(", ")}` };
  }
  if (expectCommit) {
    const others = [...new Set(platforms.map((p) => p.labels[COMMIT_LABEL]))].filter((c) => !c.toLowerCase().startsWith(expectCommit));
    if (others.length > 0) return { ...found, state: "other-commit", reason: `built from ${others.join(", ")}, not ${expectCommit}` };
  }
  if (tag?.state === "found" && tag.digest !== ref.digest && !tag.listed?.has(ref.digest)) {
    return { ...found, state: "moved", reason: `tag ${ref.tag ?? "latest"} now points to ${tag.digest}` };
  }
  return { ...found, state: "pinned" };
}
function skippedFileEntry(file, line, reason) {
  return { file, line: line ?? 1, reference: null, state: "skipped", image: null, digest: null, tagDigest: null, labels: {}, reason };
}

// src/audit/inputs.ts
var STATES = ["missing", "unknown", "unpinned", "unlabeled", "other-commit", "moved", "skipped", "pinned"];
var DEFAULT_FAIL_ON = ["missing", "unpinned"];
var DEFAULT_CONCURRENCY = 8;
function parseFailOn(raw) {
  if (raw.trim() === "") return [...DEFAULT_FAIL_ON];
  const items = parseList(raw).map((s) => s.toLowerCase());
  if (items.length === 1 && items[0] === "none") return [];
  const unknown = items.filter((s) => !STATES.includes(s));
  if (unknown.length > 0) {
    throw new InputError("fail-on", `${unknown.map((s) => `'${cut(s)}'`).join(", ")} ${unknown.length === 1 ? "is not a state" : "are not states"}`, `list states from ${STATES.join(", ")} (comma-separated), or write none`);
  }
  return items;
}
function parseExpectCommit(raw) {
  if (raw === "") return void 0;
  if (!/^[0-9a-fA-F]{7,64}$/.test(raw)) {
    throw new InputError("expect-commit", `'${cut(raw)}' is not a commit SHA`, "set it to a commit SHA (7 to 64 hex digits), e.g. ${{ github.sha }}, or leave it empty");
  }
  return raw.toLowerCase();
}
function parseRegistry(raw) {
  try {
    return parseReference(`${raw}/x`).registry;
  } catch {
    throw new InputError("registry", `'${cut(raw)}' is not a registry host`, "set it to a host such as ghcr.io or registry.example.com:5000");
  }
}
function readAuditInputs(read) {
  const files = parseLines(read("files"));
  if (files.length === 0) {
    throw new InputError("files", "is required", "list the deploy files to audit, glob patterns one per line, e.g. k8s/**/*.yaml");
  }
  const concurrencyRaw = read("concurrency");
  const concurrency = concurrencyRaw === "" ? DEFAULT_CONCURRENCY : Number(concurrencyRaw);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new InputError("concurrency", `'${cut(concurrencyRaw)}' is not a whole number from 1 to 32`, `leave it empty for ${DEFAULT_CONCURRENCY}`);
  }
  const credentials = parseLogin(read("username"), read("password"));
  const registryRaw = read("registry");
  if (credentials && registryRaw === "") {
    throw new InputError("registry", "is required when 'username' is set", "set it to the registry the credentials are for, e.g. ghcr.io");
  }
  const expectCommit = parseExpectCommit(read("expect-commit"));
  return {
    files,
    failOn: parseFailOn(read("fail-on")),
    ...expectCommit && { expectCommit },
    concurrency,
    ...credentials && { login: { registry: parseRegistry(registryRaw), ...credentials } },
    registryTimeoutMs: parseRegistryTimeout(read("registry-timeout")),
    summary: parseBoolean("summary", read("summary"), true)
  };
}

// src/audit/report.ts
function toAuditOutputs(entries) {
  const report = entries.map(({ created: _created, ...e }) => e);
  const counts = Object.fromEntries(STATES.map((s) => [s, String(entries.filter((e) => e.state === s).length)]));
  return { report: JSON.stringify(report), ...counts };
}
function failing(entries, failOn) {
  return entries.filter((e) => failOn.includes(e.state));
}
function short(digest) {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, "$1\u2026");
}
function breakable(text) {
  return `<code>${text.split(/(?<=[/@:])/).map((p) => html(p)).join("<wbr>")}</code>`;
}
function shortReference(written) {
  return written.replace(/@(sha256:[0-9a-f]{64})$/, (_, d) => `@${short(d)}`);
}
function sourceUrl(source) {
  if (!source || !/^https?:\/\/[^\s"<>]+$/.test(source)) return void 0;
  return source.replace(/\.git$/, "").replace(/\/+$/, "");
}
function distinct(values) {
  return [...new Set(values.filter((v) => !!v))];
}
function commitCell(platformLabels) {
  const pairs = distinct(platformLabels.map((l) => l[COMMIT_LABEL] ? `${l[COMMIT_LABEL]}
${l[OCI_SOURCE] ?? ""}` : void 0));
  return pairs.map((p) => {
    const [sha = "", source] = p.split("\n");
    const repo = sourceUrl(source);
    return htmlLink(htmlCode(sha.slice(0, 12), { wrap: false }), repo && `${repo}/commit/${sha}`);
  }).join("<br>");
}
function buildCell(labels) {
  return distinct(
    labels.map((l) => {
      const n = l[BUILD_NUMBER_LABEL];
      if (!n) return void 0;
      const attempt = l[BUILD_ATTEMPT_LABEL] && l[BUILD_ATTEMPT_LABEL] !== "1" ? ` (attempt ${l[BUILD_ATTEMPT_LABEL]})` : "";
      const repo = sourceUrl(l[OCI_SOURCE]);
      return htmlLink(html(`#${n}${attempt}`), repo && l[COMMIT_LABEL] ? `${repo}/commit/${l[COMMIT_LABEL]}/checks` : void 0);
    })
  ).join("<br>");
}
function age(created, now) {
  const t = created ? Date.parse(created) : NaN;
  if (Number.isNaN(t)) return "";
  const s = Math.max(0, Math.round((now - t) / 1e3));
  if (s >= 86400) return `${Math.floor(s / 86400)}\xA0d`;
  if (s >= 3600) return `${Math.floor(s / 3600)}\xA0h`;
  if (s >= 60) return `${Math.floor(s / 60)}\xA0min`;
  return `${s}\xA0s`;
}
var WORDS = {
  missing: "missing",
  unknown: "unknown",
  unpinned: "unpinned",
  unlabeled: "unlabeled",
  "other-commit": "other commit",
  moved: "moved",
  skipped: "skipped",
  pinned: "pinned"
};
function stateCell(e, fails) {
  const word = fails ? `<b>${html(WORDS[e.state])}</b>` : html(WORDS[e.state]);
  const moved = e.state === "moved" && e.tagDigest ? `<br>tag now ${htmlCode(short(e.tagDigest), { wrap: false })}` : "";
  const reason = e.state === "missing" ? "the registry does not hold this digest: a deploy would fail to pull" : e.reason;
  const why = reason && e.state !== "moved" && e.state !== "pinned" ? `<br><small>${wrappable(reason)}</small>` : "";
  return `${word}${moved}${why}`;
}
function renderAuditSummary(entries, failOn, now, files) {
  const order = (e) => (failOn.includes(e.state) ? 0 : 100) + STATES.indexOf(e.state);
  const sorted = [...entries].sort((a, b) => order(a) - order(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line);
  const failed = failing(entries, failOn);
  const counts = STATES.filter((s2) => entries.some((e) => e.state === s2)).map((s2) => `${entries.filter((e) => e.state === s2).length} ${WORDS[s2]}`);
  const rows = sorted.map((e) => {
    const labels = Object.values(e.labels);
    const created = distinct(Object.entries(e.labels).map(([p, l]) => l[OCI_CREATED] ?? e.created?.[p]));
    return [
      breakable(`${e.file}:${e.line}`),
      e.reference === null ? "" : breakable(shortReference(e.reference)),
      stateCell(e, failOn.includes(e.state)),
      commitCell(labels),
      buildCell(labels),
      html(distinct(created.map((c) => age(c, now))).join(", "))
    ];
  });
  const s = entries.length === 1 ? "" : "s";
  return sections(
    `### Audit: ${entries.length} reference${s} in ${files} file${files === 1 ? "" : "s"}`,
    counts.join(" \xB7 "),
    failed.length > 0 ? `> [!CAUTION]
> ${failed.length} fail the step (\`fail-on: ${failOn.join(",")}\`).` : failOn.length > 0 ? `No reference is ${failOn.map((s2) => code(s2)).join(" or ")}.` : void 0,
    entries.length > 0 && htmlTable(["file:line", "image", "state", "commit", "build", "age"], rows)
  );
}

// src/audit/main.ts
function defaultAuditDeps() {
  return { openRegistries: async (access) => dockerRegistries(access), readInput: envInputReader(), cwd: process.cwd(), env: process.env };
}
function registryAccess(inputs, env) {
  const login = inputs.login;
  return { env, budgetMs: inputs.registryTimeoutMs, ...login && { login: { registry: login.registry, credentials: { username: login.username, password: login.password } } } };
}
async function auditDeployFiles(deps) {
  maskSecretInputs(deps.readInput);
  const inputs = readAuditInputs(deps.readInput);
  const env = deps.env ?? process.env;
  const files = await loadDeployFiles(inputs.files, deps.cwd);
  const references = files.flatMap((f) => deployReferences(f));
  const parsed = references.flatMap((r) => tryParse(r.written) ?? []);
  const started = Date.now();
  const registries = await deps.openRegistries(registryAccess(inputs, env));
  let reads;
  let requests;
  try {
    reads = await readRegistry(parsed, (name) => registries.client(name), inputs.concurrency);
    requests = registries.requests.length;
  } finally {
    await registries.close();
  }
  info(`Read ${reads.digests.size} digest(s) and ${reads.tags.size} tag(s) of ${references.length} reference(s) in ${files.length} file(s): ${requests} request(s), ${Date.now() - started} ms`);
  const entries = [
    ...files.flatMap((f) => f.skipped ? [skippedFileEntry(f.rel, f.skipped.line, f.skipped.reason)] : []),
    // image fields the scanner found but left alone (a variable, a template, not a one-line string): `file:line: why`
    ...files.flatMap(
      (f) => f.skipped || f.kind !== "yaml" ? [] : f.scanned.notes.flatMap((n) => {
        const m = /^(.*?):(\d+): (.*)$/s.exec(n);
        return m ? [skippedFileEntry(m[1], Number(m[2]), m[3])] : [];
      })
    ),
    ...references.map((r) => classify(r, reads, inputs.expectCommit))
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line);
  for (const e of entries) {
    const where = `${e.file}:${e.line}`;
    if (e.state === "skipped" || e.state === "unknown") warning(`${where}: ${e.state}: ${e.reason ?? ""}`);
    else info(`${where}: ${e.reference ?? ""} ${e.state}${e.reason ? ` (${e.reason})` : ""}`);
  }
  const now = (deps.now ?? Date.now)();
  return {
    entries,
    outputs: toAuditOutputs(entries),
    failing: failing(entries, inputs.failOn),
    requests,
    ...inputs.summary && { summary: renderAuditSummary(entries, inputs.failOn, now, files.length) }
  };
}
function runAudit(deps = defaultAuditDeps()) {
  return runAction(async () => {
    const result = await auditDeployFiles(deps);
    const fail = result.failing.length > 0 ? new ActionError(
      `${result.failing.length} of ${result.entries.length} reference(s) are ${STATES.filter((st) => result.failing.some((e) => e.state === st)).join(" or ")}:
${result.failing.slice(0, 20).map((e) => `  ${e.file}:${e.line} ${e.reference ?? ""} ${e.state}${e.reason ? `: ${e.reason}` : ""}`).join("\n")}${result.failing.length > 20 ? `
  \u2026 and ${result.failing.length - 20} more (the report output has them all)` : ""}`,
      "the job summary and the 'report' output list every reference; pin, push or re-deploy, or narrow 'fail-on'"
    ) : void 0;
    return { outputs: result.outputs, ...result.summary && { summary: result.summary }, ...fail && { fail } };
  });
}

// src/audit/index.ts
await runAudit();
process.exit();
