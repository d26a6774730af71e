import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  parseBoolean,
  parseLines,
  parseList
} from "./chunk-PAPUM53D.js";
import {
  InputError
} from "./chunk-T7K4ATKP.js";
import {
  setSecret
} from "./chunk-TFVKVXD5.js";

// src/github/branch.ts
function branchProblem(name) {
  if (name === "") return "is empty";
  if (name === "@") return "'@' alone is not a branch name";
  const control = [...name].some((ch) => ch.charCodeAt(0) <= 32 || ch.charCodeAt(0) === 127);
  if (control || /[~^:?*[\\]/.test(name)) return "contains a space, a control character or one of ~ ^ : ? * [ \\";
  if (name.includes("..")) return "contains '..'";
  if (name.includes("@{")) return "contains '@{'";
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) return "has an empty path component (a leading, trailing or doubled '/')";
  if (name.endsWith(".")) return "ends with '.'";
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return `has a component starting with '.' (${part})`;
    if (part.endsWith(".lock")) return `has a component ending with '.lock' (${part})`;
  }
  if (name.startsWith("-")) return "starts with '-'";
  return void 0;
}
function pinBranchFor(what) {
  const safe = what.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/\.{2,}/g, ".").replace(/\.lock$/, "-lock").replace(/^[.-]+|[.-]+$/g, "");
  return `pin/${safe || "images"}`;
}

// src/github/inputs.ts
function branchInput(read, name) {
  const value = read(name);
  if (value === "") return void 0;
  const problem = branchProblem(value);
  if (problem) throw new InputError(name, `'${value}' is not a branch name: it ${problem}`, "use letters, digits and - _ . /, e.g. pin/app");
  return value;
}
function readGitHubInputs(read) {
  const pullRequest = parseBoolean("pull-request", read("pull-request"), false);
  const comment = parseBoolean("comment", read("comment"), false);
  const inputs = {
    pullRequest,
    comment,
    token: "",
    prLabels: parseList(read("pr-labels"))
  };
  const prBranch = branchInput(read, "pr-branch");
  const prBase = branchInput(read, "pr-base");
  const prTitle = read("pr-title");
  if (prBranch) inputs.prBranch = prBranch;
  if (prBase) inputs.prBase = prBase;
  if (prTitle) inputs.prTitle = prTitle;
  if (prBranch && prBase && prBranch === prBase) {
    throw new InputError("pr-branch", `is the same branch as 'pr-base' (${prBase})`, "the pinned files go to a branch of their own, e.g. pin/app");
  }
  if (!pullRequest && !comment) return inputs;
  const token = read("token");
  if (token === "") {
    const uses = [pullRequest && "'pull-request'", comment && "'comment'"].filter(Boolean).join(" and ");
    throw new InputError("token", `is empty, and ${uses} need${pullRequest && comment ? "" : "s"} it to call the GitHub API`, "leave it out (the default is ${{ github.token }}) or pass a token with contents: write and pull-requests: write");
  }
  setSecret(token);
  return { ...inputs, token };
}

// src/github/load.ts
var loaded;
function loadGitHub() {
  loaded ??= import("./publish-IYRN63IC.js");
  return loaded;
}

// src/pin/inputs.ts
function readPinInputs(read) {
  return { files: parseLines(read("files")), write: parseBoolean("write", read("write"), true) };
}

export {
  pinBranchFor,
  readGitHubInputs,
  loadGitHub,
  readPinInputs
};
