import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  parseList,
  parseReferenceInput
} from "./chunk-PAPUM53D.js";
import {
  COMMIT_SHA,
  isPullRequestEvent,
  refBranch,
  refTag
} from "./chunk-F74GLXIE.js";
import {
  ActionError,
  InputError,
  RegistryError,
  cut,
  formatName,
  validateTag
} from "./chunk-T7K4ATKP.js";
import {
  info,
  notice,
  warning
} from "./chunk-TFVKVXD5.js";
import {
  __commonJS,
  __toESM
} from "./chunk-3FGA6ACG.js";

// node_modules/semver/internal/debug.js
var require_debug = __commonJS({
  "node_modules/semver/internal/debug.js"(exports, module) {
    "use strict";
    var debug = typeof process === "object" && process.env && process.env.NODE_DEBUG && /\bsemver\b/i.test(process.env.NODE_DEBUG) ? (...args) => console.error("SEMVER", ...args) : () => {
    };
    module.exports = debug;
  }
});

// node_modules/semver/internal/constants.js
var require_constants = __commonJS({
  "node_modules/semver/internal/constants.js"(exports, module) {
    "use strict";
    var SEMVER_SPEC_VERSION = "2.0.0";
    var MAX_LENGTH = 256;
    var MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER || /* istanbul ignore next */
    9007199254740991;
    var MAX_SAFE_COMPONENT_LENGTH = 16;
    var MAX_SAFE_BUILD_LENGTH = MAX_LENGTH - 6;
    var WHITESPACE_CHARACTERS = [
      "	",
      "\n",
      "\v",
      "\f",
      "\r",
      " ",
      "\xA0",
      "\u1680",
      "\u2000",
      "\u2001",
      "\u2002",
      "\u2003",
      "\u2004",
      "\u2005",
      "\u2006",
      "\u2007",
      "\u2008",
      "\u2009",
      "\u200A",
      "\u2028",
      "\u2029",
      "\u202F",
      "\u205F",
      "\u3000",
      "\uFEFF"
    ];
    var RELEASE_TYPES = [
      "major",
      "premajor",
      "minor",
      "preminor",
      "patch",
      "prepatch",
      "prerelease"
    ];
    module.exports = {
      MAX_LENGTH,
      MAX_SAFE_COMPONENT_LENGTH,
      MAX_SAFE_BUILD_LENGTH,
      MAX_SAFE_INTEGER,
      WHITESPACE_CHARACTERS,
      RELEASE_TYPES,
      SEMVER_SPEC_VERSION,
      FLAG_INCLUDE_PRERELEASE: 1,
      FLAG_LOOSE: 2
    };
  }
});

// node_modules/semver/internal/re.js
var require_re = __commonJS({
  "node_modules/semver/internal/re.js"(exports, module) {
    "use strict";
    var {
      MAX_SAFE_COMPONENT_LENGTH,
      MAX_SAFE_BUILD_LENGTH,
      MAX_LENGTH
    } = require_constants();
    var debug = require_debug();
    exports = module.exports = {};
    var re = exports.re = [];
    var safeRe = exports.safeRe = [];
    var src = exports.src = [];
    var safeSrc = exports.safeSrc = [];
    var t = exports.t = {};
    var R = 0;
    var LETTERDASHNUMBER = "[a-zA-Z0-9-]";
    var safeRegexReplacements = [
      ["\\s", 1],
      ["\\d", MAX_LENGTH],
      [LETTERDASHNUMBER, MAX_SAFE_BUILD_LENGTH]
    ];
    var makeSafeRegex = (value) => {
      for (const [token, max] of safeRegexReplacements) {
        value = value.split(`${token}*`).join(`${token}{0,${max}}`).split(`${token}+`).join(`${token}{1,${max}}`);
      }
      return value;
    };
    var createToken = (name, value, isGlobal) => {
      const safe = makeSafeRegex(value);
      const index = R++;
      debug(name, index, value);
      t[name] = index;
      src[index] = value;
      safeSrc[index] = safe;
      re[index] = new RegExp(value, isGlobal ? "g" : void 0);
      safeRe[index] = new RegExp(safe, isGlobal ? "g" : void 0);
    };
    createToken("NUMERICIDENTIFIER", "0|[1-9]\\d*");
    createToken("NUMERICIDENTIFIERLOOSE", "\\d+");
    createToken("NONNUMERICIDENTIFIER", `\\d*[a-zA-Z-]${LETTERDASHNUMBER}*`);
    createToken("MAINVERSION", `(${src[t.NUMERICIDENTIFIER]})\\.(${src[t.NUMERICIDENTIFIER]})\\.(${src[t.NUMERICIDENTIFIER]})`);
    createToken("MAINVERSIONLOOSE", `(${src[t.NUMERICIDENTIFIERLOOSE]})\\.(${src[t.NUMERICIDENTIFIERLOOSE]})\\.(${src[t.NUMERICIDENTIFIERLOOSE]})`);
    createToken("PRERELEASEIDENTIFIER", `(?:${src[t.NONNUMERICIDENTIFIER]}|${src[t.NUMERICIDENTIFIER]})`);
    createToken("PRERELEASEIDENTIFIERLOOSE", `(?:${src[t.NONNUMERICIDENTIFIER]}|${src[t.NUMERICIDENTIFIERLOOSE]})`);
    createToken("PRERELEASE", `(?:-(${src[t.PRERELEASEIDENTIFIER]}(?:\\.${src[t.PRERELEASEIDENTIFIER]})*))`);
    createToken("PRERELEASELOOSE", `(?:-?(${src[t.PRERELEASEIDENTIFIERLOOSE]}(?:\\.${src[t.PRERELEASEIDENTIFIERLOOSE]})*))`);
    createToken("BUILDIDENTIFIER", `${LETTERDASHNUMBER}+`);
    createToken("BUILD", `(?:\\+(${src[t.BUILDIDENTIFIER]}(?:\\.${src[t.BUILDIDENTIFIER]})*))`);
    createToken("FULLPLAIN", `v?${src[t.MAINVERSION]}${src[t.PRERELEASE]}?${src[t.BUILD]}?`);
    createToken("FULL", `^${src[t.FULLPLAIN]}$`);
    createToken("LOOSEPLAIN", `[v=\\s]*${src[t.MAINVERSIONLOOSE]}${src[t.PRERELEASELOOSE]}?${src[t.BUILD]}?`);
    createToken("LOOSE", `^${src[t.LOOSEPLAIN]}$`);
    createToken("GTLT", "((?:<|>)?=?)");
    createToken("XRANGEIDENTIFIERLOOSE", `${src[t.NUMERICIDENTIFIERLOOSE]}|x|X|\\*`);
    createToken("XRANGEIDENTIFIER", `${src[t.NUMERICIDENTIFIER]}|x|X|\\*`);
    createToken("XRANGEPLAIN", `[v=\\s]*(${src[t.XRANGEIDENTIFIER]})(?:\\.(${src[t.XRANGEIDENTIFIER]})(?:\\.(${src[t.XRANGEIDENTIFIER]})(?:${src[t.PRERELEASE]})?${src[t.BUILD]}?)?)?`);
    createToken("XRANGEPLAINLOOSE", `[v=\\s]*(${src[t.XRANGEIDENTIFIERLOOSE]})(?:\\.(${src[t.XRANGEIDENTIFIERLOOSE]})(?:\\.(${src[t.XRANGEIDENTIFIERLOOSE]})(?:${src[t.PRERELEASELOOSE]})?${src[t.BUILD]}?)?)?`);
    createToken("XRANGE", `^${src[t.GTLT]}\\s*${src[t.XRANGEPLAIN]}$`);
    createToken("XRANGELOOSE", `^${src[t.GTLT]}\\s*${src[t.XRANGEPLAINLOOSE]}$`);
    createToken("COERCEPLAIN", `${"(^|[^\\d])(\\d{1,"}${MAX_SAFE_COMPONENT_LENGTH}})(?:\\.(\\d{1,${MAX_SAFE_COMPONENT_LENGTH}}))?(?:\\.(\\d{1,${MAX_SAFE_COMPONENT_LENGTH}}))?`);
    createToken("COERCE", `${src[t.COERCEPLAIN]}(?:$|[^\\d])`);
    createToken("COERCEFULL", src[t.COERCEPLAIN] + `(?:${src[t.PRERELEASE]})?(?:${src[t.BUILD]})?(?:$|[^\\d])`);
    createToken("COERCERTL", src[t.COERCE], true);
    createToken("COERCERTLFULL", src[t.COERCEFULL], true);
    createToken("LONETILDE", "(?:~>?)");
    createToken("TILDETRIM", `(\\s*)${src[t.LONETILDE]}\\s+`, true);
    exports.tildeTrimReplace = "$1~";
    createToken("TILDE", `^${src[t.LONETILDE]}${src[t.XRANGEPLAIN]}$`);
    createToken("TILDELOOSE", `^${src[t.LONETILDE]}${src[t.XRANGEPLAINLOOSE]}$`);
    createToken("LONECARET", "(?:\\^)");
    createToken("CARETTRIM", `(\\s*)${src[t.LONECARET]}\\s+`, true);
    exports.caretTrimReplace = "$1^";
    createToken("CARET", `^${src[t.LONECARET]}${src[t.XRANGEPLAIN]}$`);
    createToken("CARETLOOSE", `^${src[t.LONECARET]}${src[t.XRANGEPLAINLOOSE]}$`);
    createToken("COMPARATORLOOSE", `^${src[t.GTLT]}\\s*(${src[t.LOOSEPLAIN]})$|^$`);
    createToken("COMPARATOR", `^${src[t.GTLT]}\\s*(${src[t.FULLPLAIN]})$|^$`);
    createToken("COMPARATORTRIM", `(\\s*)${src[t.GTLT]}\\s*(${src[t.LOOSEPLAIN]}|${src[t.XRANGEPLAIN]})`, true);
    exports.comparatorTrimReplace = "$1$2$3";
    createToken("HYPHENRANGE", `^\\s*(${src[t.XRANGEPLAIN]})\\s+-\\s+(${src[t.XRANGEPLAIN]})\\s*$`);
    createToken("HYPHENRANGELOOSE", `^\\s*(${src[t.XRANGEPLAINLOOSE]})\\s+-\\s+(${src[t.XRANGEPLAINLOOSE]})\\s*$`);
    createToken("STAR", "(<|>)?=?\\s*\\*");
    createToken("GTE0", "^\\s*>=\\s*0\\.0\\.0\\s*$");
    createToken("GTE0PRE", "^\\s*>=\\s*0\\.0\\.0-0\\s*$");
  }
});

// node_modules/semver/internal/parse-options.js
var require_parse_options = __commonJS({
  "node_modules/semver/internal/parse-options.js"(exports, module) {
    "use strict";
    var looseOption = Object.freeze({ loose: true });
    var emptyOpts = Object.freeze({});
    var parseOptions = (options) => {
      if (!options) {
        return emptyOpts;
      }
      if (typeof options !== "object") {
        return looseOption;
      }
      return options;
    };
    module.exports = parseOptions;
  }
});

// node_modules/semver/internal/identifiers.js
var require_identifiers = __commonJS({
  "node_modules/semver/internal/identifiers.js"(exports, module) {
    "use strict";
    var numeric = /^[0-9]+$/;
    var compareIdentifiers = (a, b) => {
      if (typeof a === "number" && typeof b === "number") {
        return a === b ? 0 : a < b ? -1 : 1;
      }
      const anum = numeric.test(a);
      const bnum = numeric.test(b);
      if (anum && bnum) {
        a = +a;
        b = +b;
      }
      return a === b ? 0 : anum && !bnum ? -1 : bnum && !anum ? 1 : a < b ? -1 : 1;
    };
    var rcompareIdentifiers = (a, b) => compareIdentifiers(b, a);
    module.exports = {
      compareIdentifiers,
      rcompareIdentifiers
    };
  }
});

// node_modules/semver/classes/semver.js
var require_semver = __commonJS({
  "node_modules/semver/classes/semver.js"(exports, module) {
    "use strict";
    var debug = require_debug();
    var { MAX_LENGTH, MAX_SAFE_INTEGER } = require_constants();
    var { safeRe: re, t } = require_re();
    var parseOptions = require_parse_options();
    var { compareIdentifiers } = require_identifiers();
    var isPrereleaseIdentifier = (prerelease, identifier) => {
      const identifiers = identifier.split(".");
      if (identifiers.length > prerelease.length) {
        return false;
      }
      for (let i = 0; i < identifiers.length; i++) {
        if (compareIdentifiers(prerelease[i], identifiers[i]) !== 0) {
          return false;
        }
      }
      return true;
    };
    var SemVer = class _SemVer {
      constructor(version, options) {
        options = parseOptions(options);
        if (version instanceof _SemVer) {
          if (version.loose === !!options.loose && version.includePrerelease === !!options.includePrerelease) {
            return version;
          } else {
            version = version.version;
          }
        } else if (typeof version !== "string") {
          throw new TypeError(`Invalid version. Must be a string. Got type "${typeof version}".`);
        }
        if (version.length > MAX_LENGTH) {
          throw new TypeError(
            `version is longer than ${MAX_LENGTH} characters`
          );
        }
        debug("SemVer", version, options);
        this.options = options;
        this.loose = !!options.loose;
        this.includePrerelease = !!options.includePrerelease;
        const m = version.trim().match(options.loose ? re[t.LOOSE] : re[t.FULL]);
        if (!m) {
          throw new TypeError(`Invalid Version: ${version}`);
        }
        this.raw = version;
        this.major = +m[1];
        this.minor = +m[2];
        this.patch = +m[3];
        if (this.major > MAX_SAFE_INTEGER || this.major < 0) {
          throw new TypeError("Invalid major version");
        }
        if (this.minor > MAX_SAFE_INTEGER || this.minor < 0) {
          throw new TypeError("Invalid minor version");
        }
        if (this.patch > MAX_SAFE_INTEGER || this.patch < 0) {
          throw new TypeError("Invalid patch version");
        }
        if (!m[4]) {
          this.prerelease = [];
        } else {
          this.prerelease = m[4].split(".").map((id) => {
            if (/^[0-9]+$/.test(id)) {
              const num = +id;
              if (num >= 0 && num < MAX_SAFE_INTEGER) {
                return num;
              }
            }
            return id;
          });
        }
        this.build = m[5] ? m[5].split(".") : [];
        this.format();
      }
      format() {
        this.version = `${this.major}.${this.minor}.${this.patch}`;
        if (this.prerelease.length) {
          this.version += `-${this.prerelease.join(".")}`;
        }
        return this.version;
      }
      toString() {
        return this.version;
      }
      compare(other) {
        debug("SemVer.compare", this.version, this.options, other);
        if (!(other instanceof _SemVer)) {
          if (typeof other === "string" && other === this.version) {
            return 0;
          }
          other = new _SemVer(other, this.options);
        }
        if (other.version === this.version) {
          return 0;
        }
        return this.compareMain(other) || this.comparePre(other);
      }
      compareMain(other) {
        if (!(other instanceof _SemVer)) {
          other = new _SemVer(other, this.options);
        }
        if (this.major < other.major) {
          return -1;
        }
        if (this.major > other.major) {
          return 1;
        }
        if (this.minor < other.minor) {
          return -1;
        }
        if (this.minor > other.minor) {
          return 1;
        }
        if (this.patch < other.patch) {
          return -1;
        }
        if (this.patch > other.patch) {
          return 1;
        }
        return 0;
      }
      comparePre(other) {
        if (!(other instanceof _SemVer)) {
          other = new _SemVer(other, this.options);
        }
        if (this.prerelease.length && !other.prerelease.length) {
          return -1;
        } else if (!this.prerelease.length && other.prerelease.length) {
          return 1;
        } else if (!this.prerelease.length && !other.prerelease.length) {
          return 0;
        }
        let i = 0;
        do {
          const a = this.prerelease[i];
          const b = other.prerelease[i];
          debug("prerelease compare", i, a, b);
          if (a === void 0 && b === void 0) {
            return 0;
          } else if (b === void 0) {
            return 1;
          } else if (a === void 0) {
            return -1;
          } else if (a === b) {
            continue;
          } else {
            return compareIdentifiers(a, b);
          }
        } while (++i);
      }
      compareBuild(other) {
        if (!(other instanceof _SemVer)) {
          other = new _SemVer(other, this.options);
        }
        let i = 0;
        do {
          const a = this.build[i];
          const b = other.build[i];
          debug("build compare", i, a, b);
          if (a === void 0 && b === void 0) {
            return 0;
          } else if (b === void 0) {
            return 1;
          } else if (a === void 0) {
            return -1;
          } else if (a === b) {
            continue;
          } else {
            return compareIdentifiers(a, b);
          }
        } while (++i);
      }
      // preminor will bump the version up to the next minor release, and immediately
      // down to pre-release. premajor and prepatch work the same way.
      inc(release, identifier, identifierBase) {
        if (release.startsWith("pre")) {
          if (!identifier && identifierBase === false) {
            throw new Error("invalid increment argument: identifier is empty");
          }
          if (identifier) {
            const match = `-${identifier}`.match(this.options.loose ? re[t.PRERELEASELOOSE] : re[t.PRERELEASE]);
            if (!match || match[1] !== identifier) {
              throw new Error(`invalid identifier: ${identifier}`);
            }
          }
        }
        switch (release) {
          case "premajor":
            this.prerelease.length = 0;
            this.patch = 0;
            this.minor = 0;
            this.major++;
            this.inc("pre", identifier, identifierBase);
            break;
          case "preminor":
            this.prerelease.length = 0;
            this.patch = 0;
            this.minor++;
            this.inc("pre", identifier, identifierBase);
            break;
          case "prepatch":
            this.prerelease.length = 0;
            this.inc("patch", identifier, identifierBase);
            this.inc("pre", identifier, identifierBase);
            break;
          // If the input is a non-prerelease version, this acts the same as
          // prepatch.
          case "prerelease":
            if (this.prerelease.length === 0) {
              this.inc("patch", identifier, identifierBase);
            }
            this.inc("pre", identifier, identifierBase);
            break;
          case "release":
            if (this.prerelease.length === 0) {
              throw new Error(`version ${this.raw} is not a prerelease`);
            }
            this.prerelease.length = 0;
            break;
          case "major":
            if (this.minor !== 0 || this.patch !== 0 || this.prerelease.length === 0) {
              this.major++;
            }
            this.minor = 0;
            this.patch = 0;
            this.prerelease = [];
            break;
          case "minor":
            if (this.patch !== 0 || this.prerelease.length === 0) {
              this.minor++;
            }
            this.patch = 0;
            this.prerelease = [];
            break;
          case "patch":
            if (this.prerelease.length === 0) {
              this.patch++;
            }
            this.prerelease = [];
            break;
          // This probably shouldn't be used publicly.
          // 1.0.0 'pre' would become 1.0.0-0 which is the wrong direction.
          case "pre": {
            const base = Number(identifierBase) ? 1 : 0;
            if (this.prerelease.length === 0) {
              this.prerelease = [base];
            } else {
              let i = this.prerelease.length;
              while (--i >= 0) {
                if (typeof this.prerelease[i] === "number") {
                  this.prerelease[i]++;
                  i = -2;
                }
              }
              if (i === -1) {
                if (identifier === this.prerelease.join(".") && identifierBase === false) {
                  throw new Error("invalid increment argument: identifier already exists");
                }
                this.prerelease.push(base);
              }
            }
            if (identifier) {
              let prerelease = [identifier, base];
              if (identifierBase === false) {
                prerelease = [identifier];
              }
              if (isPrereleaseIdentifier(this.prerelease, identifier)) {
                const prereleaseBase = this.prerelease[identifier.split(".").length];
                if (isNaN(prereleaseBase)) {
                  this.prerelease = prerelease;
                }
              } else {
                this.prerelease = prerelease;
              }
            }
            break;
          }
          default:
            throw new Error(`invalid increment argument: ${release}`);
        }
        this.raw = this.format();
        if (this.build.length) {
          this.raw += `+${this.build.join(".")}`;
        }
        return this;
      }
    };
    module.exports = SemVer;
  }
});

// node_modules/semver/functions/parse.js
var require_parse = __commonJS({
  "node_modules/semver/functions/parse.js"(exports, module) {
    "use strict";
    var SemVer = require_semver();
    var parse = (version, options, throwErrors = false) => {
      if (version instanceof SemVer) {
        return version;
      }
      try {
        return new SemVer(version, options);
      } catch (er) {
        if (!throwErrors) {
          return null;
        }
        throw er;
      }
    };
    module.exports = parse;
  }
});

// src/plan/commit.ts
var loadExec = () => import("./exec-JTORXMQW.js");
async function gitHead(dir) {
  try {
    const exec = await loadExec();
    const out = await exec.getExecOutput("git", ["rev-parse", "HEAD"], { cwd: dir, silent: true, ignoreReturnCode: true });
    const sha = out.stdout.trim();
    return out.exitCode === 0 && COMMIT_SHA.test(sha) ? sha : void 0;
  } catch {
    return void 0;
  }
}
async function gitCommitTime(dir, sha) {
  if (!COMMIT_SHA.test(sha)) return void 0;
  try {
    const exec = await loadExec();
    const out = await exec.getExecOutput("git", ["show", "-s", "--format=%cI", sha], {
      cwd: dir,
      silent: true,
      ignoreReturnCode: true
    });
    return out.exitCode === 0 ? toUtcTimestamp(out.stdout.trim()) : void 0;
  } catch {
    return void 0;
  }
}
function toUtcTimestamp(iso) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return void 0;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? void 0 : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
async function resolveCommit(ctx, contextDir, git = {}) {
  const head = git.head ?? gitHead;
  const commitTime = git.commitTime ?? gitCommitTime;
  const found = await whichCommit(ctx, contextDir, head);
  const time = await commitTime(contextDir, found.sha);
  return { ...found, ...time && { time } };
}
async function whichCommit(ctx, contextDir, head) {
  if (ctx.pullRequestHeadSha) return { sha: ctx.pullRequestHeadSha, source: "pull request head" };
  if (isPullRequestEvent(ctx.eventName) && ctx.actions) {
    throw new ActionError(
      `this is a ${ctx.eventName} event but the event payload (GITHUB_EVENT_PATH) has no pull_request.head.sha, so the commit being built is unknown`,
      "leave GITHUB_EVENT_PATH as the runner sets it; GITHUB_SHA is the merge commit on pull request events and is not used as the commit label"
    );
  }
  if (ctx.sha) {
    if (!COMMIT_SHA.test(ctx.sha)) {
      throw new ActionError(`GITHUB_SHA '${ctx.sha}' is not a commit SHA`, "leave GITHUB_SHA as the runner sets it");
    }
    return { sha: ctx.sha, source: "GITHUB_SHA" };
  }
  const sha = await head(contextDir);
  if (!sha) {
    throw new ActionError(
      `cannot tell which commit is being built: GITHUB_SHA is not set and ${contextDir} is not a git checkout`,
      "run the action in a GitHub Actions job after actions/checkout, or build from inside a git repository"
    );
  }
  return { sha, source: "git HEAD" };
}

// src/plan/notes.ts
function logPlanNotes(notes) {
  for (const note of notes) {
    if (note.level === "info") info(note.text);
    else (note.level === "warning" ? warning : notice)(note.text, note.title ? { title: note.title } : {});
  }
}

// src/plan/tags.ts
var import_parse = __toESM(require_parse(), 1);
var SEMVER_TAG_MODES = ["all", "exact", "none"];
var LATEST_POLICIES = ["warn", "forbid", "allow"];
var TEMPLATE_NAMES = ["sha", "run_number", "branch", "version", "platform"];
var PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
var KNOWN = TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(", ");
function isTemplateName(name) {
  return TEMPLATE_NAMES.includes(name);
}
function templateProblem(text) {
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? "";
    if (!isTemplateName(name)) return `'${cut(text)}' uses unknown template '${m[0]}' (known: ${KNOWN})`;
  }
  return void 0;
}
function tagInputProblem(tag) {
  const unknown = templateProblem(tag);
  if (unknown) return `tag ${unknown}`;
  if (!tag.includes("{{")) return validateTag(tag);
  const sample = tag.replace(PLACEHOLDER, "0");
  if (/[{}]/.test(sample)) return `tag '${cut(tag)}' has an unclosed or stray brace; templates are written {{name}} (known: ${KNOWN})`;
  const problem = validateTag(sample);
  return problem ? `tag '${cut(tag)}' is not valid once its templates are filled in: ${problem.replace(/^tag '[^']*' /, "")}` : void 0;
}
function sanitizeForTag(value) {
  return value.replace(/[^\w.-]/g, "-").replace(/^[.-]+/, "").slice(0, 128);
}
function refVersion(ctx) {
  const name = refTag(ctx);
  if (!name) return void 0;
  return (0, import_parse.default)(name)?.version ?? void 0;
}
function versionTags(version, mode) {
  const v = (0, import_parse.default)(version);
  if (!v || mode === "none") return [];
  if (mode === "exact" || v.prerelease.length > 0) return [v.version];
  const tags = [v.version, `${v.major}.${v.minor}`];
  if (v.major > 0) tags.push(`${v.major}`);
  return tags;
}
function platformTag(platform) {
  return platform.replace(/\//g, "-");
}
function templateValues(commit, ctx, platform) {
  const branch = refBranch(ctx);
  const version = refVersion(ctx);
  return {
    sha: commit.slice(0, 7),
    ...ctx.runNumber && { run_number: ctx.runNumber },
    ...branch && sanitizeForTag(branch) && { branch: sanitizeForTag(branch) },
    ...version && { version },
    ...platform && { platform: platformTag(platform) }
  };
}
function usesPlatformTemplate(tag) {
  return [...tag.matchAll(PLACEHOLDER)].some((m) => m[1] === "platform");
}
function expandTag(input, values) {
  const missing = [];
  const tag = input.replace(PLACEHOLDER, (_whole, name) => {
    const value = isTemplateName(name) ? values[name] : void 0;
    if (value === void 0 && isTemplateName(name) && !missing.includes(name)) missing.push(name);
    return value ?? "";
  });
  return missing.length > 0 ? { input, missing } : { input, tag, missing };
}
function resolveTags(userTags, commit, ctx, semverTags = "all", platform) {
  const version = refVersion(ctx);
  const tagRef = refTag(ctx);
  const base = { ...version && { version }, ...tagRef && !version && { nonSemverTagRef: tagRef } };
  if (userTags.length === 0) {
    const tags2 = [`sha-${commit.slice(0, 7)}`, ...version ? versionTags(version, semverTags) : []];
    return { tags: [...new Set(tags2)], skipped: [], invalid: [], ...base };
  }
  const values = templateValues(commit, ctx, platform);
  const tags = [];
  const skipped = [];
  const invalid = [];
  for (const input of userTags) {
    const expanded = expandTag(input, values);
    if (expanded.tag === void 0) {
      skipped.push(expanded);
      continue;
    }
    const problem = validateTag(expanded.tag);
    if (problem) invalid.push({ input, tag: expanded.tag, problem });
    else if (!tags.includes(expanded.tag)) tags.push(expanded.tag);
  }
  return { tags, skipped, invalid, ...base };
}
var LATEST = "latest";

// src/plan/tag-plan.ts
function tagPlatform(tags, platforms, nativePlatform) {
  const used = tags.filter(usesPlatformTemplate);
  if (used.length === 0) return void 0;
  if (platforms.length > 1) {
    throw new InputError(
      "tags",
      `'${used[0]}' uses {{platform}}, but 'platforms' lists ${platforms.length} platforms (${platforms.join(", ")}): one image tag cannot name several`,
      "build one platform per job (a matrix over platforms) and join them with the merge action, or drop {{platform}} from the tags"
    );
  }
  return platforms[0] ?? nativePlatform;
}
function planTags(inputs, ctx, sha, notes, platform) {
  const latest = inputs.latest ?? "warn";
  const t = resolveTags(inputs.tags, sha, ctx, inputs.semverTags ?? "all", platform);
  const [invalid] = t.invalid;
  if (invalid) {
    throw new InputError(
      "tags",
      `tag '${invalid.input}' expands to '${invalid.tag}' in this run, which is not a valid tag: ${invalid.problem}`,
      "shorten the literal part of the tag, or use {{sha}} / {{run_number}} instead of {{branch}} for long branch names"
    );
  }
  for (const s of t.skipped) {
    notes.push({
      level: "info",
      text: `Tag '${s.input}' skipped: ${s.missing.map((m) => `{{${m}}}`).join(", ")} has no value in this run (ref ${ctx.ref ?? "unknown"})`
    });
  }
  if (t.tags.length === 0) {
    throw new InputError(
      "tags",
      `none of the tags has a value in this run (ref ${ctx.ref ?? "unknown"}): ${t.skipped.map((s) => `'${s.input}'`).join(", ")}`,
      "add a tag that always resolves, such as 'sha-{{sha}}' or 'build-{{run_number}}'"
    );
  }
  if (inputs.tags.length === 0 && t.nonSemverTagRef) {
    notes.push({ level: "info", text: `Git tag '${t.nonSemverTagRef}' is not a semver version: no version tags added` });
  }
  if (t.tags.includes(LATEST)) {
    const from = inputs.tags.includes(LATEST) ? "'tags'" : "a template in 'tags'";
    if (latest === "forbid") {
      throw new InputError(
        "latest",
        `tag 'latest' (from ${from}) is not allowed: 'latest: forbid' is set`,
        "remove 'latest' from 'tags' and deploy with the 'pinned' output (<image>@sha256:\u2026), or set 'latest: warn'"
      );
    }
    if (latest === "warn" && inputs.push !== false) {
      notes.push({
        level: "warning",
        title: "Pushing the moving tag 'latest'",
        text: `${inputs.imageInput}:latest will point to whatever is pushed next, so a deploy that pulls it later can get a different image than this build. Deploy with the 'pinned' output (<image>@sha256:\u2026), which names exactly this build. Set 'latest: allow' to silence this warning or 'latest: forbid' to refuse the tag.`
      });
    }
  }
  return { tags: t.tags, ...t.version && { version: t.version } };
}

// src/plan/inputs.ts
var PLACEHOLDER2 = /\{\{[^{}]*\}\}/g;
function isFullReference(line) {
  return /[/:@]/.test(line.replace(PLACEHOLDER2, ""));
}
function parseRepository(input, raw, hint) {
  const text = raw.trim();
  const ref = parseReferenceInput(input, text, hint);
  if (ref.tag !== void 0 || ref.digest !== void 0) {
    const bare = text.replace(/@.*$/, "").replace(/:[^:/]*$/, "");
    throw new InputError(
      input,
      `'${cut(text)}' contains a ${ref.digest ? "digest" : "tag"}; '${input}' names repositories only`,
      `set '${input}: ${cut(bare)}' and put the tags in 'tags'${ref.tag ? ` (e.g. 'tags: ${ref.tag}')` : ""}, or write full references in 'tags' (${cut(text)})`
    );
  }
  return { input: text, name: { registry: ref.registry, repository: ref.repository } };
}
function parseRepositories(input, raw) {
  const out = [];
  for (const line of parseList(raw)) {
    const repo = parseRepository(input, line, `write one repository per line, such as ghcr.io/acme/api or 127.0.0.1:5000/demo`);
    if (!out.some((r) => formatName(r.name) === formatName(repo.name))) out.push(repo);
  }
  return out;
}
function tagProblemHint() {
  return `use letters, digits, underscores, periods and dashes, starting with a letter, digit or underscore (max 128); templates: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(" ")}`;
}
function parseRefTag(input, line) {
  const stripped = line.replace(PLACEHOLDER2, "");
  if (stripped.includes("@")) {
    throw new InputError(input, `'${cut(line)}' holds a digest; a pushed tag cannot`, `write the tag only, e.g. ${cut(line.replace(/@.*$/, ""))}`);
  }
  const slash = line.lastIndexOf("/");
  const colon = line.indexOf(":", slash + 1);
  const repoText = colon < 0 ? line : line.slice(0, colon);
  const tag = colon < 0 ? void 0 : line.slice(colon + 1);
  const repository = parseRepository(input, repoText, `write a full reference such as ghcr.io/acme/api:v1, or a tag name with 'image' set`);
  if (tag !== void 0) {
    const problem = tagInputProblem(tag);
    if (problem) throw new InputError(input, `'${cut(line)}': ${problem}`, tagProblemHint());
  }
  return { repository, ...tag !== void 0 && { tag } };
}
function parseTagEntries(raw, input = "tags") {
  const names = [];
  const refs = [];
  for (const line of parseList(raw)) {
    if (isFullReference(line)) {
      refs.push(parseRefTag(input, line));
      continue;
    }
    const problem = tagInputProblem(line);
    if (problem) throw new InputError(input, problem, tagProblemHint());
    names.push(line);
  }
  return { names, refs };
}

// src/registry/tags.ts
async function tagStates(client, tags, claimed, missing = (_tag, error) => error) {
  const [first, ...rest] = tags;
  if (!claimed) {
    if (first === void 0) return [];
    const found = await client.descriptor(first, { verified: true }).catch((error) => {
      throw missing(first, error);
    });
    return [{ tag: first, digest: found.digest }, ...await tagStates(client, rest, found.digest, missing)];
  }
  const proof = client.manifest(claimed).catch((error) => {
    if (error instanceof RegistryError && error.status === 404) return void 0;
    throw error;
  });
  proof.catch(() => void 0);
  const state = async (tag) => {
    const head = await client.head(tag);
    const held = await proof;
    if (head?.digest === void 0) return { tag, digest: (await client.manifest(tag)).digest };
    if (held && head.digest === held.digest && (head.size === void 0 || head.size === held.bytes.length)) return { tag, digest: held.digest };
    return { tag, digest: (await client.confirmHead(tag, { ...head, digest: head.digest }, true)).digest };
  };
  return Promise.all(
    tags.map(
      (tag) => state(tag).catch((error) => {
        throw missing(tag, error);
      })
    )
  );
}

export {
  resolveCommit,
  logPlanNotes,
  SEMVER_TAG_MODES,
  LATEST_POLICIES,
  TEMPLATE_NAMES,
  templateProblem,
  refVersion,
  templateValues,
  expandTag,
  parseRepositories,
  parseTagEntries,
  tagPlatform,
  planTags,
  tagStates
};
