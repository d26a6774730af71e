import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  DEFAULT_REGISTRY_TIMEOUT_SECONDS,
  InvalidReferenceError,
  REGISTRY_TIMEOUT_INPUT,
  parseReference
} from "./chunk-26HVHYPS.js";
import {
  InputError,
  cut,
  describeError
} from "./chunk-VVVL3PH3.js";
import {
  getInput,
  notice,
  setFailed,
  setOutput,
  summary,
  warning
} from "./chunk-QQLDKIRZ.js";

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
function parseImage(raw) {
  const imageInput = raw.trim();
  if (imageInput === "") {
    throw new InputError("image", "is required", "set 'image' to the repository to push to, e.g. ghcr.io/acme/api");
  }
  const ref = parseReferenceInput("image", imageInput, "set 'image' to a repository such as ghcr.io/acme/api or 127.0.0.1:5000/demo");
  if (ref.tag !== void 0 || ref.digest !== void 0) {
    const bare = imageInput.replace(/@.*$/, "").replace(/:[^:/]*$/, "");
    throw new InputError(
      "image",
      `'${cut(imageInput)}' contains a ${ref.digest ? "digest" : "tag"}; 'image' is the repository only`,
      `set 'image: ${cut(bare)}' and put tag names in 'tags'${ref.tag ? ` (e.g. 'tags: ${ref.tag}')` : ""}`
    );
  }
  return { imageInput, image: { registry: ref.registry, repository: ref.repository } };
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
  if (!result.summary) return;
  try {
    await summary.addRaw(result.summary).write();
  } catch (error) {
    summary.emptyBuffer();
    warning(`The job summary could not be written (${describeError(error)}); the outputs are set`, { title: "Job summary not written" });
  }
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
  parseImage,
  parseLogin,
  runAction
};
