import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  ActionError,
  DOCKER_HUB,
  INCONSISTENT_HINT,
  RegistryError,
  isSha256Digest
} from "./chunk-T7K4ATKP.js";
import {
  setSecret
} from "./chunk-TFVKVXD5.js";
import {
  __toESM,
  require_child_process,
  require_fs,
  require_os,
  require_path
} from "./chunk-3FGA6ACG.js";

// src/registry/budget.ts
var DEFAULT_REGISTRY_TIMEOUT_SECONDS = 60;
var REGISTRY_TIMEOUT_INPUT = "registry-timeout";
var BudgetExceededError = class extends Error {
  constructor(budgetMs) {
    super(`no answer within the ${formatSeconds(budgetMs)} ${REGISTRY_TIMEOUT_INPUT}`);
    this.budgetMs = budgetMs;
    this.name = "BudgetExceededError";
  }
  budgetMs;
  code = "EBUDGET";
};
function formatSeconds(ms) {
  const s = ms / 1e3;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
function budgetHint(host) {
  return `check that ${host} is reachable from the runner and answering; for a registry that is slow but working, raise the '${REGISTRY_TIMEOUT_INPUT}' input (seconds, default ${DEFAULT_REGISTRY_TIMEOUT_SECONDS})`;
}
var RegistryBudget = class {
  constructor(ms = DEFAULT_REGISTRY_TIMEOUT_SECONDS * 1e3) {
    this.ms = ms;
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`registry budget must be a positive number of milliseconds (got ${ms})`);
  }
  ms;
  phase;
  /**
   * The part of the budget kept for what follows an abort — reporting the failure, cleaning up, exiting — so that the
   * step itself, not only its requests, ends within `ms`: a fifth of it, at most one second.
   */
  get reserveMs() {
    return Math.min(1e3, Math.floor(this.ms / 5));
  }
  /** Starts a new phase: what starts from now on must be done within `ms` (requests are stopped `reserveMs` sooner). */
  start() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new BudgetExceededError(this.ms)), this.ms - this.reserveMs).unref();
    this.phase = { controller, timer, startedAt: Date.now() };
  }
  /** The current phase's signal (a phase starts on first use): aborted, with a BudgetExceededError, when it ends. */
  signal() {
    if (!this.phase) this.start();
    return this.phase.controller.signal;
  }
  /** Milliseconds left for requests in the current phase (the whole usable budget before the first phase starts). */
  remainingMs() {
    const usable = this.ms - this.reserveMs;
    return this.phase ? Math.max(0, this.phase.startedAt + usable - Date.now()) : usable;
  }
  /** Stops the clock (nothing is aborted; the process can exit without waiting for the timer). */
  stop() {
    if (this.phase) clearTimeout(this.phase.timer);
  }
};
function raceSignal(promise, signal) {
  if (signal.aborted) {
    promise.catch(() => void 0);
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      }
    );
  });
}
function budgetedTransport(inner, budget) {
  return {
    send(url, req) {
      const signal = req.signal ?? budget.signal();
      return raceSignal(inner.send(url, { ...req, signal }), signal);
    }
  };
}

// src/docker/config.ts
var import_node_fs = __toESM(require_fs(), 1);
var import_node_os = __toESM(require_os(), 1);
var import_node_path = __toESM(require_path(), 1);

// src/action/json-position.ts
function jsonErrorOffset(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "	" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const fail = () => {
    throw i;
  };
  const literal = (word) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      if (c === 92) {
        i++;
        const e = text[i];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (e !== void 0 && '"\\/bfnrt'.includes(e)) i++;
        else fail();
      } else i++;
    }
    fail();
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "-" || m[0] === "") fail();
    i += m[0].length;
  };
  const members = (close, member) => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (; ; ) {
      member();
      ws();
      if (text[i] === ",") i++;
      else if (text[i] === close) {
        i++;
        return;
      } else fail();
    }
  };
  const value = (depth) => {
    if (depth > 512) fail();
    ws();
    const c = text[i];
    if (c === "{") {
      return members("}", () => {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value(depth + 1);
      });
    }
    if (c === "[") return members("]", () => value(depth + 1));
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    if (c === "-" || c !== void 0 && c >= "0" && c <= "9") return number();
    fail();
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : void 0;
  } catch (at) {
    if (typeof at === "number") return Math.min(at, text.length);
    throw at;
  }
}
function linePosition(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}
function parseJsonQuietly(text) {
  try {
    return JSON.parse(text);
  } catch {
    const offset = jsonErrorOffset(text) ?? 0;
    const { line, column } = linePosition(text, offset);
    throw new SyntaxError(offset >= text.length ? `it ends too early (line ${line}, column ${column})` : `syntax error at line ${line}, column ${column}`);
  }
}

// src/docker/credential-helper.ts
var import_node_child_process = __toESM(require_child_process(), 1);
var DEFAULT_HELPER_TIMEOUT_MS = 3e4;
var NOT_FOUND = /credentials not found/i;
function killGroup(pid) {
  if (pid === void 0) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
  }
}
function run(binary, input, options) {
  return new Promise((resolve) => {
    const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
    const child2 = (0, import_node_child_process.spawn)(binary, ["get"], { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve({ ...result, stdout, stderr });
    };
    const stop = (why) => {
      killGroup(child2.pid);
      child2.stdout.destroy();
      child2.stderr.destroy();
      child2.stdin.destroy();
      child2.unref();
      finish({ code: null, stopped: why });
    };
    const onAbort = () => stop("within the registry budget");
    const timer = setTimeout(() => stop(`within ${timeoutMs / 1e3} s`), timeoutMs);
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child2.stdout.on("data", (d) => stdout += d.toString("utf8"));
    child2.stderr.on("data", (d) => stderr += d.toString("utf8"));
    child2.on("error", (error) => finish({ code: null, error }));
    child2.on("close", (code) => finish({ code }));
    child2.stdin.on("error", () => {
    });
    child2.stdin.end(input);
  });
}
async function helperCredentials(name, serverUrl, options = {}) {
  const binary = `docker-credential-${name}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new ActionError(`docker config names the credential helper '${name}', which is not a valid helper name`, "fix credsStore/credHelpers in docker config.json");
  }
  const out = await run(binary, serverUrl, options);
  if (out.stopped) {
    const reason = options.signal?.aborted ? budgetReason(options.signal) : out.stopped;
    throw new ActionError(
      `the docker credential helper ${binary} did not answer for ${serverUrl} ${reason}, and was stopped (with everything it started)`,
      `run 'echo ${serverUrl} | ${binary} get' on the runner to see where it waits (a login prompt, a network call)`
    );
  }
  if (out.error) {
    const missing = out.error.code === "ENOENT";
    throw new ActionError(
      missing ? `the docker credential helper ${binary} (configured for ${serverUrl}) is not on PATH` : `the docker credential helper ${binary} failed for ${serverUrl}: ${out.error.message}`,
      missing ? `install ${binary} on the runner, or remove it from docker config.json` : "check the credential helper"
    );
  }
  if (out.code !== 0) {
    if (NOT_FOUND.test(out.stdout) || NOT_FOUND.test(out.stderr)) return void 0;
    throw new ActionError(
      `the docker credential helper ${binary} failed for ${serverUrl} (exit code ${out.code})`,
      `run 'echo ${serverUrl} | ${binary} get' on the runner to see why`
    );
  }
  let parsed;
  try {
    parsed = JSON.parse(out.stdout);
  } catch {
    throw new ActionError(`the docker credential helper ${binary} did not print JSON for ${serverUrl}`, "check the credential helper");
  }
  const username = typeof parsed.Username === "string" ? parsed.Username : "";
  const secret = typeof parsed.Secret === "string" ? parsed.Secret : "";
  if (!secret) return void 0;
  if (username === "<token>") return { identityToken: secret };
  return { username, password: secret };
}
function budgetReason(signal) {
  const reason = signal.reason;
  return reason instanceof BudgetExceededError ? `within the ${formatSeconds(reason.budgetMs)} ${REGISTRY_TIMEOUT_INPUT}` : "before the step was stopped";
}

// src/docker/config.ts
var DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/";
function dockerConfigPath(env = process.env) {
  const dir = env.DOCKER_CONFIG || import_node_path.default.join(env.HOME || import_node_os.default.homedir(), ".docker");
  return import_node_path.default.join(dir, "config.json");
}
function readDockerConfig(file = dockerConfigPath()) {
  let text;
  try {
    text = (0, import_node_fs.readFileSync)(file, "utf8");
  } catch {
    return {};
  }
  try {
    return parseJsonQuietly(text);
  } catch (e) {
    throw new ActionError(`docker config ${file} is not valid JSON: ${e.message}`, "fix or remove the file (DOCKER_CONFIG names its directory)");
  }
}
function configKey(registry) {
  return registry === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry;
}
function keyHost(key) {
  return key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "").toLowerCase();
}
function decodeAuth(auth) {
  const text = Buffer.from(auth, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon <= 0) return void 0;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
var HUB_HOSTS = /* @__PURE__ */ new Set(["index.docker.io", "docker.io", "registry-1.docker.io"]);
function findKey(entries, registry) {
  if (!entries) return void 0;
  const want = configKey(registry);
  if (Object.hasOwn(entries, want)) return want;
  const wantHost = registry.toLowerCase();
  return Object.keys(entries).find((k) => {
    const host = keyHost(k);
    return registry === DOCKER_HUB ? HUB_HOSTS.has(host) : host === wantHost;
  });
}
function authsCredentials(config, registry) {
  const auths = config.auths ?? {};
  const key = findKey(auths, registry);
  if (key === void 0) return void 0;
  const entry = auths[key] ?? {};
  const creds = {};
  const decoded = entry.auth ? decodeAuth(entry.auth) : void 0;
  if (decoded) Object.assign(creds, decoded);
  else if (entry.username && entry.password) Object.assign(creds, { username: entry.username, password: entry.password });
  if (entry.identitytoken) creds.identityToken = entry.identitytoken;
  return creds.password || creds.identityToken ? creds : void 0;
}
function credentialSource(config, registry) {
  const serverUrl = configKey(registry);
  const helperKey = findKey(config.credHelpers, registry);
  const helper = helperKey === void 0 ? void 0 : config.credHelpers?.[helperKey];
  if (helper) return { kind: "helper", helper, serverUrl, from: "credHelpers" };
  if (config.credsStore) return { kind: "helper", helper: config.credsStore, serverUrl, from: "credsStore" };
  return { kind: "auths" };
}
function maskCredentials(credentials) {
  if (credentials?.password) setSecret(credentials.password);
  if (credentials?.identityToken) setSecret(credentials.identityToken);
}
async function lookupCredentials(registry, env = process.env, helper = {}) {
  const config = readDockerConfig(dockerConfigPath(env));
  const source = credentialSource(config, registry);
  if (config.auths) {
    for (const entry of Object.values(config.auths)) {
      if (entry?.auth) setSecret(entry.auth);
    }
  }
  const credentials = source.kind === "helper" ? await helperCredentials(source.helper, source.serverUrl, { env, ...helper }) : authsCredentials(config, registry);
  maskCredentials(credentials);
  return credentials;
}
function dockerKeychain(env = process.env) {
  return (registry, options) => lookupCredentials(registry, env, options?.signal ? { signal: options.signal } : {});
}

// src/registry/manifest.ts
var OCI_INDEX = "application/vnd.oci.image.index.v1+json";
var OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
var DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
var DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
var MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST].join(", ");
function isIndex(mediaType) {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}
var ATTESTATION_ARTIFACT_TYPE = "application/vnd.docker.attestation.manifest.v1+json";
var OCI_EMPTY = "application/vnd.oci.empty.v1+json";
function parseJsonBytes(bytes, what) {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new RegistryError(`${what} is not valid JSON`);
  }
}

// src/registry/platform.ts
var PART = /^[a-z0-9][a-z0-9._-]*$/;
function parsePlatform(text) {
  const parts = text.trim().toLowerCase().split("/");
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => PART.test(p))) return void 0;
  const [os2, architecture, variant] = parts;
  return { os: os2, architecture, ...variant && { variant } };
}
function formatPlatform(p) {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}
function isAttestation(entry) {
  return entry.platform?.os === "unknown" || entry.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" || typeof entry.artifactType === "string" && entry.artifactType !== "";
}
function platformEntries(index) {
  return (index.manifests ?? []).filter((m) => !!m.platform && !isAttestation(m));
}
function pickPlatformEntry(index, want) {
  const candidates = platformEntries(index).filter((m) => m.platform.os === want.os && m.platform.architecture === want.architecture);
  if (want.variant) return candidates.find((m) => m.platform.variant === want.variant);
  return candidates.find((m) => !m.platform.variant) ?? candidates[0];
}

// src/registry/image.ts
var NestedIndexError = class extends RegistryError {
  constructor(index, child2, where, platform) {
    super(`manifest ${child2}${platform ? ` (${platform})` : ""} of index ${index} in ${where} is itself an index: nested indexes are not supported`);
    this.index = index;
    this.child = child2;
    this.name = "NestedIndexError";
  }
  index;
  child;
};
var NotAnImageError = class extends RegistryError {
  constructor(digest, mediaType, where, platform) {
    super(`manifest ${digest}${platform ? ` (${platform})` : ""} in ${where} is not an image manifest (media type ${mediaType || "unknown"}): it has no config descriptor or no layers`);
    this.digest = digest;
    this.mediaType = mediaType;
    this.name = "NotAnImageError";
  }
  digest;
  mediaType;
};
var PROVENANCE = /^https:\/\/slsa\.dev\/provenance\//;
var SBOM = /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)/;
function kindsOf(predicateTypes) {
  return [...predicateTypes.some((t) => PROVENANCE.test(t)) ? ["provenance"] : [], ...predicateTypes.some((t) => SBOM.test(t)) ? ["sbom"] : []];
}
function attestationKinds(attestations) {
  const kinds = new Set(attestations.flatMap((a) => a.kinds));
  return { provenance: kinds.has("provenance"), sbom: kinds.has("sbom") };
}
function whereOf(client) {
  return `${client.registry}/${client.repository}`;
}
async function readImage(client, digest, options = {}) {
  const top = await client.manifest(digest);
  const parsed = parseJsonBytes(top.bytes, `manifest ${digest}`);
  if (!Array.isArray(parsed.manifests) && (parsed.config || !isIndex(top.mediaType))) {
    const image = await readPlatform(client, top, parsed, {});
    return { digest: top.digest, mediaType: top.mediaType, size: top.bytes.length, index: false, platforms: [image], attestations: [] };
  }
  if (!Array.isArray(parsed.manifests)) throw new RegistryError(`index ${digest} has no manifests list`);
  const mediaType = isIndex(top.mediaType) ? top.mediaType : parsed.mediaType === DOCKER_MANIFEST_LIST ? DOCKER_MANIFEST_LIST : OCI_INDEX;
  const where = whereOf(client);
  for (const e of parsed.manifests) {
    if (typeof e?.digest !== "string" || !isSha256Digest(e.digest)) {
      throw new RegistryError(`index ${digest} in ${where} has an entry without a sha256 digest (${JSON.stringify(e?.digest)})`);
    }
  }
  const listedBy = { name: `index ${digest}`, where };
  const entries = await Promise.all(parsed.manifests.map((e) => readEntry(client, digest, listedBy, e, options)));
  const platforms = entries.flatMap((e) => "image" in e ? [e.image] : []);
  const listed = entries.flatMap((e) => "attestation" in e ? [e.attestation] : []);
  const referred = options.referrers ? await readReferrers(client, platforms, listed) : [];
  const attestations = [...listed, ...referred].map((a) => {
    const platform = platforms.find((p) => p.digest === a.for)?.platform;
    return platform ? { ...a, platform } : a;
  });
  return { digest: top.digest, mediaType, size: top.bytes.length, index: true, platforms, attestations };
}
async function readEntry(client, index, listedBy, e, options) {
  if (isAttestation(e)) {
    if (options.attestations === "list") return { attestation: attestationOf(e, "index", { state: "listed" }) };
    return { attestation: await readAttestation(client, listedBy, e, "index") };
  }
  const name = e.platform ? formatPlatform(e.platform) : void 0;
  const m = await child(client, listedBy, e, `the ${name ?? "image"} manifest`);
  const parsed = parseJsonBytes(m.bytes, `manifest ${m.digest}`);
  if (Array.isArray(parsed.manifests)) throw new NestedIndexError(index, m.digest, listedBy.where, name);
  if (isArtifact(parsed)) return { attestation: attestationOf(e, "index", { state: "read", manifest: parsed }) };
  return { image: await readPlatform(client, m, parsed, { ...name && { name }, descriptor: e }) };
}
function isArtifact(m) {
  return !!m.artifactType || !!m.subject || m.config?.mediaType === OCI_EMPTY;
}
function str(value) {
  return typeof value === "string" && value !== "" ? value : void 0;
}
async function readPlatform(client, m, parsed, entry) {
  const mediaType = parsed.mediaType || entry.descriptor?.mediaType || m.mediaType;
  const config = parsed.config;
  if (!config?.digest || !Array.isArray(parsed.layers)) throw new NotAnImageError(m.digest, mediaType, whereOf(client), entry.name);
  const bytes = await client.blob(config.digest);
  if (typeof config.size === "number" && config.size !== bytes.length) {
    throw new RegistryError(
      `registry ${client.registry} returned inconsistent data: manifest ${m.digest} gives its config ${config.digest} a size of ${config.size} bytes, the blob has ${bytes.length}`,
      INCONSISTENT_HINT
    );
  }
  const json = parseJsonBytes(bytes, `image config ${config.digest}`);
  const os2 = str(json.os);
  const architecture = str(json.architecture);
  const variant = str(json.variant);
  const osVersion = str(json["os.version"]);
  const configPlatform = os2 && architecture ? { os: os2, architecture, ...variant && { variant }, ...osVersion && { "os.version": osVersion } } : void 0;
  const created = str(json.created);
  const annotations = entry.descriptor?.annotations;
  return {
    platform: entry.name ?? (configPlatform ? formatPlatform(configPlatform) : "unknown"),
    ...configPlatform && { configPlatform },
    digest: m.digest,
    mediaType,
    size: m.bytes.length,
    manifest: parsed,
    configDigest: config.digest,
    labels: json.config?.Labels ?? {},
    ...created && { created },
    ...annotations && Object.keys(annotations).length > 0 && { annotations }
  };
}
async function child(client, listedBy, entry, what) {
  let m;
  try {
    m = await client.manifest(entry.digest);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) {
      throw new RegistryError(
        `${listedBy.name} in ${listedBy.where} lists ${what} ${entry.digest}, which the registry does not hold (HTTP 404): the push is incomplete`,
        "push again; if it persists, the registry drops manifests an index refers to: report it to its operator",
        404,
        error.code
      );
    }
    throw error;
  }
  if (typeof entry.size === "number" && entry.size !== m.bytes.length) {
    throw new RegistryError(
      `registry ${client.registry} returned inconsistent data: ${listedBy.name} gives ${what} ${entry.digest} a size of ${entry.size} bytes, the manifest has ${m.bytes.length}`,
      INCONSISTENT_HINT
    );
  }
  return m;
}
function attestationOf(descriptor, foundIn, read) {
  const { manifest } = read;
  const describes = descriptor.annotations?.["vnd.docker.reference.digest"] ?? manifest?.subject?.digest;
  const artifactType = descriptor.artifactType ?? manifest?.artifactType;
  const predicateTypes = [...new Set((manifest?.layers ?? []).map((l) => l.annotations?.["in-toto.io/predicate-type"]).filter((t) => !!t))];
  const annotated = descriptor.annotations?.["vnd.docker.reference.type"] !== void 0 || descriptor.platform?.os === "unknown";
  return {
    digest: descriptor.digest,
    descriptor,
    form: annotated && !artifactType && !manifest?.subject ? "annotated" : "artifact",
    foundIn,
    ...artifactType && { artifactType },
    ...describes && { for: describes },
    predicateTypes,
    kinds: kindsOf(predicateTypes),
    state: read.state,
    ...read.problem && { problem: read.problem },
    ...manifest && { manifest }
  };
}
async function readAttestation(client, listedBy, e, foundIn) {
  let m;
  try {
    m = await child(client, listedBy, e, "attestation manifest");
  } catch (error) {
    if (!(error instanceof RegistryError && error.status === 404)) throw error;
    return attestationOf(e, foundIn, { state: "missing", problem: error.message });
  }
  const manifest = parseJsonBytes(m.bytes, `attestation manifest ${m.digest}`);
  return attestationOf(e, foundIn, { state: "read", manifest });
}
async function readReferrers(client, platforms, listed) {
  const where = whereOf(client);
  const answers = await Promise.all(platforms.map(async (p) => ({ p, referrers: await client.referrers(p.digest) })));
  const seen = new Set(listed.map((a) => a.digest));
  const wanted = [];
  for (const { p, referrers } of answers) {
    for (const d of referrers) {
      if (d.artifactType !== ATTESTATION_ARTIFACT_TYPE || typeof d.digest !== "string" || !isSha256Digest(d.digest) || seen.has(d.digest)) continue;
      seen.add(d.digest);
      wanted.push({ listedBy: { name: `the referrers of ${p.digest}`, where }, descriptor: d });
    }
  }
  return Promise.all(wanted.map((w) => readAttestation(client, w.listedBy, w.descriptor, "referrers")));
}

export {
  DEFAULT_REGISTRY_TIMEOUT_SECONDS,
  REGISTRY_TIMEOUT_INPUT,
  BudgetExceededError,
  formatSeconds,
  budgetHint,
  RegistryBudget,
  budgetedTransport,
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST,
  MANIFEST_ACCEPT,
  isIndex,
  parseJsonBytes,
  parsePlatform,
  formatPlatform,
  platformEntries,
  pickPlatformEntry,
  NestedIndexError,
  NotAnImageError,
  attestationKinds,
  readImage,
  dockerConfigPath,
  findKey,
  dockerKeychain
};
