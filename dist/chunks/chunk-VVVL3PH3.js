import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);

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

export {
  RegistryError,
  cut,
  INCONSISTENT_HINT,
  errorDetail,
  describeStatus,
  ActionError,
  InputError,
  describeError,
  text,
  code,
  link,
  fence,
  codeBlock,
  html,
  htmlCode,
  htmlLink,
  htmlTable,
  sections
};
