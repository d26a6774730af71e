import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  require_crypto
} from "./chunk-TFVKVXD5.js";
import {
  __toESM
} from "./chunk-3FGA6ACG.js";

// src/registry/errors.ts
var RegistryError = class extends Error {
  constructor(message, hint, status, code2) {
    super(message);
    this.hint = hint;
    this.status = status;
    this.code = code2;
    this.name = "RegistryError";
  }
  hint;
  status;
  code;
  /** The message as shown to the user: cause first, then the fix. */
  describe() {
    return this.hint ? `${this.message}
Fix: ${this.hint}` : this.message;
  }
};
var QUOTE_LIMIT = 128;
function cut(value, limit = QUOTE_LIMIT) {
  return value.length > limit ? `${value.slice(0, 20)}\u2026` : value;
}
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
      const text3 = oneLine(parts.filter(Boolean).join("; "));
      const code2 = typeof parsed.errors[0]?.code === "string" ? parsed.errors[0].code : void 0;
      if (text3) return { text: text3, ...code2 && { code: code2 } };
    }
  } catch {
  }
  const text2 = oneLine(/^<(!doctype|html)/i.test(raw) ? raw.replace(/<[^>]*>/g, " ") : raw);
  return { text: text2 || `HTTP ${res.status}` };
}
function oneLine(text2) {
  const flat = text2.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}\u2026` : flat;
}
function afterRetries(res) {
  const n = res.retries ?? 0;
  return n > 0 ? ` after ${n} ${n === 1 ? "retry" : "retries"}` : "";
}
function describeStatus(res) {
  const { text: text2 } = errorDetail(res);
  const head = `HTTP ${res.status}${afterRetries(res)}`;
  return text2 === `HTTP ${res.status}` ? head : `${head}: ${text2}`;
}

// src/action/errors.ts
var ActionError = class extends Error {
  constructor(message, hint, options) {
    super(message, options);
    this.hint = hint;
    this.name = "ActionError";
  }
  hint;
  /** The message as shown to the user: cause first, then the fix. */
  describe() {
    return this.hint ? `${this.message}
Fix: ${this.hint}` : this.message;
  }
};
var InputError = class extends ActionError {
  constructor(input, problem, hint) {
    super(`Input '${input}': ${problem}`, hint);
    this.input = input;
    this.name = "InputError";
  }
  input;
};
function describeError(error) {
  if (error instanceof ActionError || error instanceof RegistryError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

// src/action/markdown.ts
function text(value) {
  return value.replace(/\r?\n/g, " ").replace(/[!-/:-@[-`{-~]/g, "\\$&");
}
function ticks(text2, min) {
  const longest = (text2.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  return "`".repeat(Math.max(min, longest + 1));
}
function code(text2) {
  const t = ticks(text2, 1);
  const pad = /^[` ]|[` ]$/.test(text2) ? " " : "";
  return `${t}${pad}${text2.replace(/\r?\n/g, " ")}${pad}${t}`;
}
function link(text2, url) {
  return url ? `[${text2}](${url})` : text2;
}
function fence(text2) {
  return ticks(text2, 3);
}
function codeBlock(text2, lang = "text") {
  const f = fence(text2);
  return `${f}${lang}
${text2}
${f}`;
}
function html(text2) {
  return text2.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/\r/g, "&#13;").replace(/\n/g, "&#10;");
}
var WRAP_RUN = 48;
function wrappable(text2) {
  return text2.split(/(\s+)/).map((part) => {
    if (part.length < WRAP_RUN || /^\s+$/.test(part)) return html(part);
    const pieces = part.match(/[^/@:.\-_?&=]*[/@:.\-_?&=]*/g)?.filter((p) => p !== "") ?? [part];
    return pieces.map((p) => (p.length > 24 ? p.match(/.{1,16}/gs) ?? [p] : [p]).map(html).join("<wbr>")).join("<wbr>");
  }).join("");
}
function htmlCode(text2, { wrap = true } = {}) {
  return `<code>${wrap ? wrappable(text2) : html(text2)}</code>`;
}
function htmlLink(inner, url) {
  return url ? `<a href="${html(url)}">${inner}</a>` : inner;
}
function htmlTable(headers, rows) {
  const head = `<thead><tr>${headers.map((h) => `<th>${html(h)}</th>`).join("")}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`);
  return ["<table>", head, "<tbody>", ...body, "</tbody>", "</table>"].join("\n");
}
function sections(...parts) {
  const kept = parts.filter((p) => typeof p === "string" && p.trim() !== "").map((p) => p.replace(/^\n+|\s+$/g, ""));
  return kept.length > 0 ? `${kept.join("\n\n")}
` : "";
}

// src/registry/digest.ts
var import_node_crypto = __toESM(require_crypto(), 1);
var SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
function isSha256Digest(value) {
  return SHA256_DIGEST.test(value);
}
function sha256Digest(bytes) {
  return `sha256:${(0, import_node_crypto.createHash)("sha256").update(bytes).digest("hex")}`;
}
function matchesDigest(digest, bytes) {
  return digest.startsWith("sha256:") && sha256Digest(bytes) === digest;
}

// src/registry/reference.ts
var DOCKER_HUB = "docker.io";
var DOCKER_HUB_ALIASES = /* @__PURE__ */ new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
var DOCKER_HUB_API_HOST = "registry-1.docker.io";
var PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
var DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
var DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
var TAG = /^[\w][\w.-]{0,127}$/;
var DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
var MAX_NAME_LENGTH = 255;
var InvalidReferenceError = class extends Error {
  constructor(reference, reason) {
    super(`invalid image reference '${cut(reference)}': ${reason}`);
    this.reference = reference;
    this.reason = reason;
    this.name = "InvalidReferenceError";
  }
  reference;
  reason;
};
function splitDomain(name) {
  const slash = name.indexOf("/");
  if (slash === -1) return { path: name };
  const first = name.slice(0, slash);
  if (first === "localhost" || first.includes(".") || first.includes(":") || first !== first.toLowerCase()) {
    return { domain: first, path: name.slice(slash + 1) };
  }
  return { path: name };
}
function parseName(input, name) {
  if (name === "") throw new InvalidReferenceError(input, "the repository name is empty");
  const { domain, path } = splitDomain(name);
  if (domain !== void 0 && !DOMAIN.test(domain)) {
    throw new InvalidReferenceError(input, `'${cut(domain)}' is not a valid registry host`);
  }
  if (path === "") throw new InvalidReferenceError(input, "the repository path is empty");
  for (const component of path.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      const why = component === "" ? "it has an empty path component (double or trailing slash)" : component !== component.toLowerCase() ? `'${cut(component)}' has uppercase letters; repository names must be lowercase` : `'${cut(component)}' is not a valid path component (lowercase letters, digits and single separators . _ __ - only)`;
      throw new InvalidReferenceError(input, why);
    }
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(input, `the name is longer than ${MAX_NAME_LENGTH} characters`);
  }
  const registry = domain === void 0 || DOCKER_HUB_ALIASES.has(domain) ? DOCKER_HUB : domain;
  const repository = registry === DOCKER_HUB && !path.includes("/") ? `library/${path}` : path;
  return { registry, repository };
}
function parseReference(input) {
  const text2 = input.trim();
  if (text2 === "") throw new InvalidReferenceError(input, "it is empty");
  if (/\s/.test(text2)) throw new InvalidReferenceError(input, "it contains whitespace");
  let rest = text2;
  let digest;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidReferenceError(input, `'${cut(digest)}' is not a valid digest`);
    if (digest.startsWith("sha256:") && !isSha256Digest(digest)) {
      throw new InvalidReferenceError(input, `'${cut(digest)}' is not a valid sha256 digest (64 lowercase hex characters)`);
    }
  }
  let tag;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidReferenceError(input, tagProblem(tag));
  }
  const name = parseName(input, rest);
  return { ...name, ...tag !== void 0 && { tag }, ...digest !== void 0 && { digest } };
}
function validateTag(tag) {
  return TAG.test(tag) ? void 0 : tagProblem(tag);
}
function tagProblem(tag) {
  if (tag === "") return "the tag is empty";
  if (tag.length > 128) return `tag '${cut(tag)}' is ${tag.length} characters long (at most 128)`;
  if (!/^\w/.test(tag)) return `tag '${cut(tag)}' must start with a letter, digit or underscore`;
  const bad = [...tag].find((c) => !/[\w.-]/.test(c));
  return `tag '${cut(tag)}' contains '${bad}'; tags may only contain letters, digits, '_', '.' and '-'`;
}
function formatName(name) {
  return `${name.registry}/${name.repository}`;
}
function familiarName(name) {
  if (name.registry !== DOCKER_HUB) return formatName(name);
  return name.repository.startsWith("library/") ? name.repository.slice("library/".length) : name.repository;
}
function formatReference(ref, familiar = false) {
  let s = familiar ? familiarName(ref) : formatName(ref);
  if (ref.tag) s += `:${ref.tag}`;
  if (ref.digest) s += `@${ref.digest}`;
  return s;
}
function apiHost(registry) {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

export {
  RegistryError,
  cut,
  INCONSISTENT_HINT,
  errorDetail,
  describeStatus,
  isSha256Digest,
  sha256Digest,
  matchesDigest,
  DOCKER_HUB,
  TAG,
  InvalidReferenceError,
  parseReference,
  validateTag,
  formatName,
  formatReference,
  apiHost,
  ActionError,
  InputError,
  describeError,
  text,
  code,
  link,
  fence,
  codeBlock,
  html,
  wrappable,
  htmlCode,
  htmlLink,
  htmlTable,
  sections
};
