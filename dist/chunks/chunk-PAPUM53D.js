import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  DEFAULT_REGISTRY_TIMEOUT_SECONDS,
  REGISTRY_TIMEOUT_INPUT
} from "./chunk-426R2XC5.js";
import {
  InputError,
  InvalidReferenceError,
  cut,
  describeError,
  parseReference
} from "./chunk-T7K4ATKP.js";
import {
  getInput,
  notice,
  setFailed,
  setOutput,
  summary,
  warning
} from "./chunk-TFVKVXD5.js";

// src/action/inputs.ts
function envInputReader(env = process.env) {
  if (env === process.env) return (name, options) => getInput(name, { trimWhitespace: options?.trim ?? true });
  return (name, options) => {
    const raw = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "";
    return options?.trim === false ? raw : raw.trim();
  };
}
var TRUE = /* @__PURE__ */ new Set(["true", "True", "TRUE"]);
var FALSE = /* @__PURE__ */ new Set(["false", "False", "FALSE"]);
function parseBoolean(name, raw, fallback) {
  if (raw === "") return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new InputError(name, `'${cut(raw)}' is not a boolean`, `set '${name}' to true or false`);
}
function parseLines(raw) {
  return raw.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}
function parseLiteralLines(raw) {
  return raw.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
}
function parseList(raw) {
  const items = raw.split(/[\r\n,]+/).map((s) => s.trim()).filter(Boolean);
  return [...new Set(items)];
}
function parseChoice(name, raw, choices, fallback) {
  if (raw === "") return fallback;
  const value = raw.toLowerCase();
  if (choices.includes(value)) return value;
  throw new InputError(name, `'${cut(raw)}' is not one of ${choices.join(", ")}`, `set '${name}' to ${choices.join(", ").replace(/, ([^,]*)$/, " or $1")}`);
}
function parseReferenceInput(name, raw, hint) {
  try {
    return parseReference(raw);
  } catch (e) {
    if (e instanceof InvalidReferenceError) throw new InputError(name, e.message, hint);
    throw e;
  }
}
var SECONDS = /^\d{1,6}(\.\d{1,3})?$/;
function parseSeconds(name, raw, fallback, { min = 1, max = 3600 } = {}) {
  if (raw === "") return fallback * 1e3;
  const seconds = SECONDS.test(raw) ? Number(raw) : NaN;
  if (!(seconds >= min && seconds <= max)) {
    throw new InputError(name, `'${cut(raw)}' is not a number of seconds from ${min} to ${max}`, `leave it empty for ${fallback}, or set a number of seconds such as ${fallback * 2}`);
  }
  return Math.round(seconds * 1e3);
}
function parseRegistryTimeout(raw) {
  return parseSeconds(REGISTRY_TIMEOUT_INPUT, raw, DEFAULT_REGISTRY_TIMEOUT_SECONDS);
}
function parseLogin(username, password) {
  if (!username && !password) return void 0;
  if (!password) {
    throw new InputError("password", "is required when 'username' is set", "set 'password' from a secret, e.g. password: ${{ secrets.GITHUB_TOKEN }}");
  }
  if (!username) {
    throw new InputError("username", "is required when 'password' is set", "set 'username' (for GHCR: ${{ github.actor }})");
  }
  if (/[\s:]/.test(username)) {
    throw new InputError("username", "contains whitespace or a colon", "set it to the registry user name only");
  }
  return { username, password };
}

// src/action/run.ts
async function runAction(main) {
  let result;
  try {
    result = await main();
  } catch (error) {
    setFailed(describeError(error));
    return;
  }
  try {
    for (const [name, value] of Object.entries(result.outputs)) setOutput(name, value);
    if (result.notice) notice(result.notice.text, { title: result.notice.title });
  } catch (error) {
    setFailed(`The step's outputs could not be written: ${describeError(error)}`);
    return;
  }
  if (result.summary) {
    try {
      await summary.addRaw(fitSummary(result.summary)).write();
    } catch (error) {
      summary.emptyBuffer();
      warning(`The job summary could not be written (${describeError(error)}); the outputs are set`, { title: "Job summary not written" });
    }
  }
  if (result.fail !== void 0) setFailed(describeError(result.fail));
}
var SUMMARY_LIMIT_BYTES = 1024 * 1024 - 4096;
function fitSummary(markdown, limit = SUMMARY_LIMIT_BYTES) {
  const size = Buffer.byteLength(markdown);
  if (size <= limit) return markdown;
  let cut2 = Buffer.from(markdown).subarray(0, limit).toString("utf8");
  cut2 = cut2.slice(0, Math.max(0, cut2.lastIndexOf("\n")));
  const fences = cut2.split("\n").filter((l) => /^`{3,}/.test(l));
  const open = fences.length % 2 === 1 ? fences[fences.length - 1]?.match(/^`+/)?.[0] ?? "```" : void 0;
  const details = (cut2.match(/<details/g) ?? []).length - (cut2.match(/<\/details>/g) ?? []).length;
  return [
    cut2,
    ...open ? [open] : [],
    ...Array.from({ length: Math.max(0, details) }, () => "</details>"),
    "",
    `**The summary was cut here**: it is ${(size / 1048576).toFixed(1)} MiB, over GitHub's 1 MiB limit for a step summary. The full report is in this step's log (every file and reference) and its outputs (\`changed-files\`, \`metadata\`).`,
    ""
  ].join("\n");
}

export {
  envInputReader,
  parseBoolean,
  parseLines,
  parseLiteralLines,
  parseList,
  parseChoice,
  parseReferenceInput,
  parseRegistryTimeout,
  parseLogin,
  runAction
};
