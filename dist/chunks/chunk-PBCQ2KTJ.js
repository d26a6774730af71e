import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  ActionError,
  DOCKER_HUB,
  __toESM,
  require_child_process,
  require_fs,
  require_os,
  require_path,
  setSecret
} from "./chunk-SFDUYGYF.js";

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

// src/registry/docker-config.ts
var import_node_fs = __toESM(require_fs(), 1);
var import_node_os = __toESM(require_os(), 1);
var import_node_path = __toESM(require_path(), 1);

// src/registry/credential-helper.ts
var import_node_child_process = __toESM(require_child_process(), 1);
var NOT_FOUND = /credentials not found/i;
function run(binary, input, options) {
  return new Promise((resolve) => {
    const child = (0, import_node_child_process.spawn)(binary, ["get"], { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, stdout, stderr });
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish({ code: null, error: new Error(`timed out after ${options.timeoutMs ?? 3e4} ms`) });
    }, options.timeoutMs ?? 3e4);
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

// src/registry/docker-config.ts
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
    return JSON.parse(text);
  } catch (e) {
    throw new ActionError(`docker config ${file} is not valid JSON: ${e.message}`, "fix or remove the file (DOCKER_CONFIG names its directory)", { cause: e });
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

// src/registry/media-types.ts
var OCI_INDEX = "application/vnd.oci.image.index.v1+json";
var OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
var DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
var DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
var MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST].join(", ");
function isIndex(mediaType) {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export {
  RegistryError,
  INCONSISTENT_HINT,
  errorDetail,
  describeStatus,
  MANIFEST_ACCEPT,
  isIndex,
  dockerConfigPath,
  findKey,
  lookupCredentials
};
