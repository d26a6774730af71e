import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  ActionError,
  DOCKER_HUB
} from "./chunk-S6CHNJPD.js";
import {
  __toESM,
  require_child_process,
  require_fs,
  require_os,
  require_path,
  setSecret
} from "./chunk-QQLDKIRZ.js";

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
  const value = (depth) => {
    if (depth > 512) fail();
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (; ; ) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (; ; ) {
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    }
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
    const child = (0, import_node_child_process.spawn)(binary, ["get"], { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
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
      killGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      child.stdin.destroy();
      child.unref();
      finish({ code: null, stopped: why });
    };
    const onAbort = () => stop("within the registry budget");
    const timer = setTimeout(() => stop(`within ${timeoutMs / 1e3} s`), timeoutMs);
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (d) => stdout += d.toString("utf8"));
    child.stderr.on("data", (d) => stderr += d.toString("utf8"));
    child.on("error", (error) => finish({ code: null, error }));
    child.on("close", (code) => finish({ code }));
    child.stdin.on("error", () => {
    });
    child.stdin.end(input);
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

// src/registry/errors.ts
var RegistryError = class extends ActionError {
  constructor(message, hint, status, code) {
    super(message, hint);
    this.status = status;
    this.code = code;
    this.name = "RegistryError";
  }
  status;
  code;
};
var INCONSISTENT_HINT = "retry the job; if it persists, report it to the registry operator (a proxy or cache in between may be serving stale or altered data)";
var MAX_TEXT = 300;
function errorDetail(res) {
  const raw = res.body.toString("utf8").trim();
  try {
    const parsed = JSON.parse(raw);
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const parts = parsed.errors.map(
        (e) => [e?.code, e?.message].filter((x) => typeof x === "string" && x !== "").join(": ")
      );
      const text2 = oneLine(parts.filter(Boolean).join("; "));
      const code = typeof parsed.errors[0]?.code === "string" ? parsed.errors[0].code : void 0;
      if (text2) return { text: text2, ...code && { code } };
    }
  } catch {
  }
  const text = oneLine(/^<(!doctype|html)/i.test(raw) ? raw.replace(/<[^>]*>/g, " ") : raw);
  return { text: text || `HTTP ${res.status}` };
}
function oneLine(text) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}\u2026` : flat;
}
function afterRetries(res) {
  const n = res.retries ?? 0;
  return n > 0 ? ` after ${n} ${n === 1 ? "retry" : "retries"}` : "";
}
function describeStatus(res) {
  const { text } = errorDetail(res);
  const head = `HTTP ${res.status}${afterRetries(res)}`;
  return text === `HTTP ${res.status}` ? head : `${head}: ${text}`;
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
function parseJsonBytes(bytes, what) {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ActionError(`${what} is not valid JSON`);
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
  return entry.platform?.os === "unknown" || entry.annotations?.["vnd.docker.reference.type"] === "attestation-manifest";
}
function platformEntries(index) {
  return (index.manifests ?? []).filter((m) => !!m.platform && !isAttestation(m));
}
function pickPlatformEntry(index, want) {
  const candidates = platformEntries(index).filter((m) => m.platform.os === want.os && m.platform.architecture === want.architecture);
  if (want.variant) return candidates.find((m) => m.platform.variant === want.variant);
  return candidates.find((m) => !m.platform.variant) ?? candidates[0];
}

export {
  DEFAULT_REGISTRY_TIMEOUT_SECONDS,
  REGISTRY_TIMEOUT_INPUT,
  BudgetExceededError,
  formatSeconds,
  budgetHint,
  RegistryBudget,
  budgetedTransport,
  dockerConfigPath,
  findKey,
  dockerKeychain,
  RegistryError,
  INCONSISTENT_HINT,
  errorDetail,
  describeStatus,
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST,
  MANIFEST_ACCEPT,
  isIndex,
  parseJsonBytes,
  parsePlatform,
  formatPlatform,
  isAttestation,
  platformEntries,
  pickPlatformEntry
};
