import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  __toESM,
  require_fs,
  require_os
} from "./chunk-3FGA6ACG.js";

// src/action/context.ts
var import_node_fs = __toESM(require_fs(), 1);

// node_modules/@actions/github/lib/context.js
var import_fs = __toESM(require_fs(), 1);
var import_os = __toESM(require_os(), 1);
var Context = class {
  /**
   * Hydrate the context from the environment
   */
  constructor() {
    var _a, _b, _c;
    this.payload = {};
    if (process.env.GITHUB_EVENT_PATH) {
      if ((0, import_fs.existsSync)(process.env.GITHUB_EVENT_PATH)) {
        this.payload = JSON.parse((0, import_fs.readFileSync)(process.env.GITHUB_EVENT_PATH, { encoding: "utf8" }));
      } else {
        const path = process.env.GITHUB_EVENT_PATH;
        process.stdout.write(`GITHUB_EVENT_PATH ${path} does not exist${import_os.EOL}`);
      }
    }
    this.eventName = process.env.GITHUB_EVENT_NAME;
    this.sha = process.env.GITHUB_SHA;
    this.ref = process.env.GITHUB_REF;
    this.workflow = process.env.GITHUB_WORKFLOW;
    this.action = process.env.GITHUB_ACTION;
    this.actor = process.env.GITHUB_ACTOR;
    this.job = process.env.GITHUB_JOB;
    this.runAttempt = parseInt(process.env.GITHUB_RUN_ATTEMPT, 10);
    this.runNumber = parseInt(process.env.GITHUB_RUN_NUMBER, 10);
    this.runId = parseInt(process.env.GITHUB_RUN_ID, 10);
    this.apiUrl = (_a = process.env.GITHUB_API_URL) !== null && _a !== void 0 ? _a : `https://api.github.com`;
    this.serverUrl = (_b = process.env.GITHUB_SERVER_URL) !== null && _b !== void 0 ? _b : `https://github.com`;
    this.graphqlUrl = (_c = process.env.GITHUB_GRAPHQL_URL) !== null && _c !== void 0 ? _c : `https://api.github.com/graphql`;
  }
  get issue() {
    const payload = this.payload;
    return Object.assign(Object.assign({}, this.repo), { number: (payload.issue || payload.pull_request || payload).number });
  }
  get repo() {
    if (process.env.GITHUB_REPOSITORY) {
      const [owner, repo] = process.env.GITHUB_REPOSITORY.split("/");
      return { owner, repo };
    }
    if (this.payload.repository) {
      return {
        owner: this.payload.repository.owner.login,
        repo: this.payload.repository.name
      };
    }
    throw new Error("context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'");
  }
};

// src/action/context.ts
var COMMIT_SHA = /^[0-9a-f]{40,64}$/;
function nonEmpty(value) {
  const v = typeof value === "number" ? Number.isNaN(value) ? void 0 : String(value) : value?.trim();
  return v ? v : void 0;
}
function githubContext(env) {
  const path = env.GITHUB_EVENT_PATH;
  const usable = path && (0, import_node_fs.existsSync)(path) ? env : { ...env, GITHUB_EVENT_PATH: "" };
  const saved = process.env;
  process.env = usable;
  try {
    return new Context();
  } catch {
    process.env = { ...usable, GITHUB_EVENT_PATH: "" };
    return new Context();
  } finally {
    process.env = saved;
  }
}
function pullRequestHead(payload) {
  const sha = payload.pull_request?.head?.sha;
  return typeof sha === "string" && COMMIT_SHA.test(sha) ? sha : void 0;
}
function isPullRequestEvent(eventName) {
  return eventName === "pull_request" || eventName === "pull_request_target";
}
function readRunContext(env = process.env) {
  const gh = githubContext(env);
  const eventName = nonEmpty(gh.eventName);
  const pullRequestHeadSha = isPullRequestEvent(eventName) ? pullRequestHead(gh.payload) : void 0;
  return {
    actions: env.GITHUB_ACTIONS === "true",
    eventName,
    sha: nonEmpty(gh.sha),
    pullRequestHeadSha,
    ref: nonEmpty(gh.ref),
    headRef: nonEmpty(env.GITHUB_HEAD_REF),
    runNumber: nonEmpty(gh.runNumber),
    runAttempt: nonEmpty(gh.runAttempt),
    runId: nonEmpty(gh.runId),
    repository: nonEmpty(env.GITHUB_REPOSITORY),
    serverUrl: (nonEmpty(gh.serverUrl) ?? "https://github.com").replace(/\/+$/, ""),
    workspace: nonEmpty(env.GITHUB_WORKSPACE),
    tempDir: nonEmpty(env.RUNNER_TEMP),
    apiUrl: gh.apiUrl,
    payload: gh.payload
  };
}
function commitUrl(ctx, sha) {
  return ctx.repository ? `${ctx.serverUrl}/${ctx.repository}/commit/${sha}` : void 0;
}
function refTag(ctx) {
  return ctx.ref?.startsWith("refs/tags/") ? ctx.ref.slice("refs/tags/".length) || void 0 : void 0;
}
function refBranch(ctx) {
  if (isPullRequestEvent(ctx.eventName) && ctx.headRef) return ctx.headRef;
  return ctx.ref?.startsWith("refs/heads/") ? ctx.ref.slice("refs/heads/".length) || void 0 : void 0;
}
function runUrl(ctx) {
  return ctx.repository && ctx.runId ? `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}` : void 0;
}
function repositoryUrl(ctx) {
  return ctx.repository ? `${ctx.serverUrl}/${ctx.repository}` : void 0;
}

export {
  Context,
  COMMIT_SHA,
  isPullRequestEvent,
  readRunContext,
  commitUrl,
  refTag,
  refBranch,
  runUrl,
  repositoryUrl
};
