import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  LATEST,
  envInputReader,
  maskSecretInputs,
  readInputs,
  readPinInputs,
  resolveTags
} from "./chunks/chunk-VXGODZW2.js";
import {
  INCONSISTENT_HINT,
  RegistryError,
  dockerConfigPath,
  findKey,
  isIndex
} from "./chunks/chunk-PBCQ2KTJ.js";
import {
  OCI_CREATED,
  actionLabels,
  commitUrl,
  isPullRequestEvent,
  mergeLabels,
  readRunContext,
  renderSummary,
  require_promises,
  runUrl
} from "./chunks/chunk-QS7X7ZSE.js";
import {
  ActionError,
  DOCKER_HUB,
  InputError,
  __toESM,
  describeError,
  getExecOutput,
  group,
  info,
  notice,
  require_fs,
  require_os,
  require_path,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunks/chunk-SFDUYGYF.js";

// src/commit.ts
var SHA = /^[0-9a-f]{40,64}$/;
async function gitHead(dir) {
  try {
    const out = await getExecOutput("git", ["rev-parse", "HEAD"], { cwd: dir, silent: true, ignoreReturnCode: true });
    const sha = out.stdout.trim();
    return out.exitCode === 0 && SHA.test(sha) ? sha : void 0;
  } catch {
    return void 0;
  }
}
async function gitCommitTime(dir, sha) {
  if (!SHA.test(sha)) return void 0;
  try {
    const out = await getExecOutput("git", ["show", "-s", "--format=%cI", sha], {
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
    if (!SHA.test(ctx.sha)) {
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

// src/docker/cli.ts
var import_promises = __toESM(require_promises(), 1);
var import_node_os = __toESM(require_os(), 1);
var import_node_path = __toESM(require_path(), 1);

// src/docker/push-output.ts
function parsePushDigest(output, tag) {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const line = new RegExp(`^${escaped}: digest: (sha256:[0-9a-f]{64}) size: (\\d+)\\s*$`, "m");
  const match = line.exec(output.replace(/\r/g, ""));
  if (!match) return {};
  return { digest: match[1], size: Number(match[2]) };
}

// src/docker/cli.ts
function buildArgv(request, iidFile) {
  const argv = ["build", "--file", request.file, "--iidfile", iidFile];
  for (const tag of request.tags) argv.push("--tag", tag);
  for (const [key, value] of Object.entries(request.labels)) argv.push("--label", `${key}=${value}`);
  for (const arg of request.buildArgs) argv.push("--build-arg", arg);
  if (request.target) argv.push("--target", request.target);
  if (request.pull) argv.push("--pull");
  if (request.noCache) argv.push("--no-cache");
  argv.push(request.context);
  return argv;
}
function lastLines(text, n = 8) {
  return text.trim().split(/\r?\n/).slice(-n).join("\n");
}
function pushFailure(ref, exitCode, output) {
  const detail = lastLines(output);
  const host = ref.split("/")[0];
  if (/denied|unauthorized|authentication required|forbidden|no basic auth credentials/i.test(output)) {
    return new ActionError(
      `docker push ${ref} was refused by the registry (not logged in, or no write access):
${detail}`,
      `log in to ${host} before this step (docker/login-action, or the 'username'/'password' inputs) with credentials that may push to this repository`
    );
  }
  if (/connection refused|no such host|i\/o timeout|dial tcp|server misbehaving|TLS handshake|http: server gave HTTP response/i.test(output)) {
    return new ActionError(
      `docker push ${ref} could not reach the registry:
${detail}`,
      `check that the registry host in 'image' is right and reachable from the runner`
    );
  }
  return new ActionError(`docker push ${ref} failed with exit code ${exitCode}:
${detail}`, "see the push log above");
}
function notInstalled(error) {
  return new ActionError(
    `the docker CLI could not be run: ${error instanceof Error ? error.message : String(error)}`,
    "install Docker on the runner (GitHub-hosted Ubuntu runners have it) or use a runner image with docker on PATH",
    { cause: error }
  );
}
var DockerCli = class _DockerCli {
  constructor(binary = "docker", tempRoot = import_node_os.default.tmpdir(), env) {
    this.binary = binary;
    this.tempRoot = tempRoot;
    this.env = env;
  }
  binary;
  tempRoot;
  env;
  withEnv(env) {
    return new _DockerCli(this.binary, this.tempRoot, { ...this.env, ...env });
  }
  async run(argv, silent, input) {
    const env = this.env && { ...process.env, ...this.env };
    try {
      return await getExecOutput(this.binary, argv, { ignoreReturnCode: true, silent, ...env && { env }, ...input && { input } });
    } catch (error) {
      throw notInstalled(error);
    }
  }
  async serverVersion() {
    const out = await this.run(["version", "--format", "{{.Server.Version}}"], true);
    const version = out.stdout.trim();
    if (out.exitCode !== 0 || !version) {
      throw new ActionError(
        `the Docker daemon is not reachable: ${lastLines(out.stderr || out.stdout, 3)}`,
        "start the Docker daemon (or set DOCKER_HOST) before this step"
      );
    }
    return version;
  }
  async build(request) {
    const dir = await (0, import_promises.mkdtemp)(import_node_path.default.join(this.tempRoot, "docker-build-"));
    const iidFile = import_node_path.default.join(dir, "iid");
    try {
      const out = await group("docker build", () => this.run(buildArgv(request, iidFile), false));
      if (out.exitCode !== 0) {
        throw new ActionError(
          `docker build failed with exit code ${out.exitCode}:
${lastLines(out.stderr || out.stdout)}`,
          "fix the Dockerfile or build context; the full build log is in the 'docker build' group above"
        );
      }
      const imageId = (await (0, import_promises.readFile)(iidFile, "utf8")).trim();
      if (!/^sha256:[0-9a-f]{64}$/.test(imageId)) {
        throw new ActionError(`docker build did not write an image ID (got '${imageId}')`, "check the docker version");
      }
      return { imageId };
    } finally {
      await (0, import_promises.rm)(dir, { recursive: true, force: true });
    }
  }
  async push(ref) {
    const out = await group(`docker push ${ref}`, () => this.run(["push", ref], false));
    if (out.exitCode !== 0) throw pushFailure(ref, out.exitCode, `${out.stdout}
${out.stderr}`);
    const tag = ref.slice(ref.lastIndexOf(":") + 1);
    return { ref, ...parsePushDigest(out.stdout, tag) };
  }
  async login(server, username, password) {
    const argv = ["login", "--username", username, "--password-stdin", ...server ? [server] : []];
    const out = await this.run(argv, true, Buffer.from(password, "utf8"));
    if (out.exitCode !== 0) {
      throw new ActionError(
        `docker login to ${server ?? "Docker Hub"} as '${username}' failed: ${lastLines(out.stderr || out.stdout, 3)}`,
        "check the 'username' and 'password' inputs (for GHCR: a token with read:packages/write:packages)"
      );
    }
  }
};

// src/plan.ts
function planBuild(inputs, ctx, commit) {
  const notes = [];
  const latest = inputs.latest ?? "warn";
  const oci = inputs.ociLabels ?? true;
  const t = resolveTags(inputs.tags, commit.sha, ctx, inputs.semverTags ?? "all");
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
  const labels = mergeLabels(actionLabels(commit, ctx, { oci, ...t.version && { version: t.version } }), inputs.labels);
  for (const o of labels.overridden) {
    notes.push({
      level: "notice",
      title: "Label overridden",
      text: `Label '${o.key}' from 'labels' replaces the action's value '${o.ours}' with '${o.theirs}'`
    });
  }
  if (oci && !commit.time && labels.labels[OCI_CREATED] === void 0) {
    notes.push({
      level: "info",
      text: `Label ${OCI_CREATED} omitted: commit ${commit.sha} is not in the checkout at the build context (shallow clone or pull request head not fetched), and the wall clock is never used so that labels stay reproducible`
    });
  }
  return {
    tags: t.tags,
    refs: t.tags.map((tag) => `${inputs.imageInput}:${tag}`),
    labels,
    ...t.version && { version: t.version },
    notes
  };
}

// src/registry/lazy.ts
var loading;
function loadRegistryLayer() {
  loading ??= import("./chunks/registry-WYD4JHT7.js");
  return loading;
}
async function openRegistryLazily(name, env) {
  return (await loadRegistryLayer()).openRegistry(name, env);
}

// src/registry/login.ts
var import_node_fs = __toESM(require_fs(), 1);
var import_promises2 = __toESM(require_promises(), 1);
var import_node_os2 = __toESM(require_os(), 1);
var import_node_path2 = __toESM(require_path(), 1);
var CARRIED_DIRS = ["cli-plugins", "buildx", "contexts"];
function privateConfig(source, registry) {
  const config = { ...source, auths: without(source.auths ?? {}, registry) };
  delete config.credsStore;
  if (source.credHelpers) config.credHelpers = without(source.credHelpers, registry);
  return config;
}
function without(entries, registry) {
  const out = { ...entries };
  for (let key = findKey(out, registry); key !== void 0; key = findKey(out, registry)) delete out[key];
  return out;
}
async function readSourceConfig(file) {
  try {
    return JSON.parse(await (0, import_promises2.readFile)(file, "utf8"));
  } catch {
    return {};
  }
}
async function loginForStep(docker, registry, username, password, env = process.env) {
  setSecret(password);
  const root = env.RUNNER_TEMP && (0, import_node_fs.existsSync)(env.RUNNER_TEMP) ? env.RUNNER_TEMP : import_node_os2.default.tmpdir();
  const configDir = await (0, import_promises2.mkdtemp)(import_node_path2.default.join(root, "pinned-build-docker-config-"));
  const cleanup = () => (0, import_promises2.rm)(configDir, { recursive: true, force: true });
  try {
    await (0, import_promises2.chmod)(configDir, 448);
    const sourceFile = dockerConfigPath(env);
    const sourceDir = import_node_path2.default.dirname(sourceFile);
    await (0, import_promises2.writeFile)(import_node_path2.default.join(configDir, "config.json"), JSON.stringify(privateConfig(await readSourceConfig(sourceFile), registry), null, 2), { mode: 384 });
    for (const dir of CARRIED_DIRS) {
      if ((0, import_node_fs.existsSync)(import_node_path2.default.join(sourceDir, dir))) await (0, import_promises2.symlink)(import_node_path2.default.join(sourceDir, dir), import_node_path2.default.join(configDir, dir));
    }
    const stepDocker = docker.withEnv({ DOCKER_CONFIG: configDir });
    await stepDocker.login(registry === DOCKER_HUB ? void 0 : registry, username, password);
    info(`Logged in to ${registry} as ${username} for this step (private DOCKER_CONFIG, removed when the step ends)`);
    return { configDir, env: { ...env, DOCKER_CONFIG: configDir }, docker: stepDocker, cleanup };
  } catch (error) {
    await cleanup();
    if (error instanceof ActionError) throw error;
    throw new ActionError(`could not prepare a docker login for ${registry}: ${error.message}`, "check that the runner temp directory is writable");
  }
}

// src/registry/readback.ts
function parseJson(bytes, what) {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ActionError(`${what} is not valid JSON`);
  }
}
function pickPlatform(index) {
  const images = index.manifests.filter(
    (m) => m.platform?.os !== "unknown" && m.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest"
  );
  return images.find((m) => m.platform?.os === "linux" && m.platform.architecture === "amd64") ?? images[0];
}
async function tagState(client, tag, ours) {
  let head;
  if (ours) {
    head = (await client.head(tag)).digest;
    if (head === ours) return { tag, digest: ours };
  }
  const manifest = await client.manifest(tag);
  if (head && head !== manifest.digest) {
    throw new RegistryError(
      `registry ${client.registry} returned inconsistent data for ${client.registry}/${client.repository}:${tag}: HEAD says ${head} but the manifest bytes hash to ${manifest.digest}`,
      INCONSISTENT_HINT
    );
  }
  return { tag, digest: manifest.digest, manifest };
}
async function readBack(client, pushed) {
  const reported = [...new Set(pushed.map((p) => p.digest).filter((d) => !!d))];
  if (reported.length > 1) {
    throw new ActionError(
      `docker push reported different digests for the tags of one image: ${reported.join(", ")}`,
      "push each image from a single build step"
    );
  }
  const ours = reported[0];
  const states = [];
  for (const p of pushed) states.push(await tagState(client, p.tag, ours));
  let digest;
  const movedTags = [];
  if (ours) {
    digest = ours;
    for (const s of states) if (s.digest !== ours) movedTags.push({ tag: s.tag, now: s.digest });
  } else {
    const distinct = [...new Set(states.map((s) => s.digest))];
    if (distinct.length !== 1) {
      throw new ActionError(
        `the pushed tags point to different digests in ${client.registry}/${client.repository}: ${states.map((s) => `${s.tag}=${s.digest}`).join(", ")}`,
        "another job may be pushing the same tags; give concurrent jobs distinct tags"
      );
    }
    digest = distinct[0];
  }
  let manifest = states.find((s) => s.manifest?.digest === digest)?.manifest;
  try {
    manifest ??= await client.manifest(digest);
  } catch (error) {
    if (ours && movedTags.length > 0 && error instanceof RegistryError && error.status === 404) {
      throw new ActionError(
        `digest mismatch: docker push reported ${ours} but ${client.registry}/${client.repository} does not hold it (tags point to ${movedTags.map((m) => m.now).join(", ")})`,
        "the registry may rewrite manifests on push; report this with the push log"
      );
    }
    throw error;
  }
  for (const m of movedTags) {
    warning(
      `Tag '${m.tag}' now points to ${m.now}, not to the ${digest} this step pushed: another push to the same tag happened in between. Deploy with the 'pinned' output, which names exactly this build.`
    );
  }
  let platformDigest;
  let imageManifest;
  const parsed = parseJson(manifest.bytes, `manifest ${digest}`);
  if (Array.isArray(parsed.manifests) || !parsed.config && isIndex(manifest.mediaType)) {
    const index = parsed;
    if (!Array.isArray(index.manifests)) throw new ActionError(`index ${digest} has no manifests list`);
    const platform = pickPlatform(index);
    if (!platform) throw new ActionError(`index ${digest} lists no image manifest to read labels from`);
    platformDigest = platform.digest;
    imageManifest = parseJson((await client.manifest(platform.digest)).bytes, `manifest ${platform.digest}`);
  } else {
    imageManifest = parsed;
  }
  const configDigest = imageManifest.config?.digest;
  if (!configDigest) throw new ActionError(`manifest ${platformDigest ?? digest} has no config descriptor`);
  const config = parseJson(
    await client.blob(configDigest),
    `image config ${configDigest}`
  );
  return {
    digest,
    mediaType: manifest.mediaType,
    ...platformDigest && { platformDigest },
    configDigest,
    labels: config.config?.Labels ?? {},
    movedTags
  };
}
function checkLabels(held, expected) {
  const wrong = Object.entries(expected).filter(([k, v]) => held[k] !== v);
  if (wrong.length === 0) return;
  const lines = wrong.map(([k, v]) => `  ${k}: expected '${v}', registry holds ${held[k] === void 0 ? "nothing" : `'${held[k]}'`}`);
  throw new ActionError(
    `the image in the registry does not carry the labels this step built it with:
${lines.join("\n")}`,
    "another build may have pushed the same tag at the same moment, or the builder dropped labels; re-run the job"
  );
}

// src/report.ts
function toOutputs(report) {
  const metadata = {
    image: report.image,
    ...report.digest && { digest: report.digest, pinned: report.pinned, mediaType: report.mediaType },
    imageid: report.imageId,
    tags: report.tags,
    labels: report.labels,
    commit: report.commit.sha,
    pushed: report.pushed
  };
  return {
    ...report.digest && { digest: report.digest, pinned: report.pinned },
    imageid: report.imageId,
    tags: report.tags.join("\n"),
    labels: JSON.stringify(report.labels),
    metadata: JSON.stringify(metadata)
  };
}

// src/main.ts
function defaultDeps() {
  return { docker: new DockerCli(), openRegistry: openRegistryLazily, readInput: envInputReader(), env: process.env, cwd: process.cwd() };
}
async function buildAndPush(deps) {
  maskSecretInputs(deps.readInput);
  const login = {};
  try {
    return await buildAndPushSteps(deps, login);
  } finally {
    await login.step?.cleanup();
  }
}
async function buildAndPushSteps(deps, login) {
  const ctx = readRunContext(deps.env);
  const inputs = readInputs(deps.readInput, deps.cwd);
  const pinInputs = readPinInputs(deps.readInput);
  const pinning = pinInputs.files.length > 0 ? await import("./chunks/build-JEGH7FFO.js") : void 0;
  const deployFiles = pinning && await pinning.prepareBuildPins(pinInputs, inputs.push, deps.cwd);
  const commit = await resolveCommit(ctx, inputs.context, { head: deps.gitHead, commitTime: deps.gitCommitTime });
  const plan = planBuild(inputs, ctx, commit);
  for (const note of plan.notes) {
    if (note.level === "info") info(note.text);
    else (note.level === "warning" ? warning : notice)(note.text, note.title ? { title: note.title } : {});
  }
  if (inputs.login) {
    await deps.docker.serverVersion();
    login.step = await loginForStep(deps.docker, inputs.image.registry, inputs.login.username, inputs.login.password, deps.env);
    deps = { ...deps, docker: login.step.docker, env: login.step.env };
  }
  info(`Building ${plan.refs.join(", ")} at commit ${commit.sha} (${commit.source})`);
  let imageId;
  try {
    const building = deps.docker.build({
      context: inputs.context,
      file: inputs.file,
      tags: plan.refs,
      labels: plan.labels.labels,
      buildArgs: inputs.buildArgs,
      ...inputs.target && { target: inputs.target },
      pull: inputs.pull,
      noCache: inputs.noCache
    });
    if (inputs.push) loadRegistryLayer().catch(() => void 0);
    ({ imageId } = await building);
  } catch (error) {
    await deps.docker.serverVersion();
    throw error;
  }
  const base = {
    image: inputs.imageInput,
    imageId,
    pushed: false,
    tags: plan.refs,
    labels: plan.labels.labels,
    labelSources: plan.labels.sources,
    commit,
    commitUrl: commitUrl(ctx, commit.sha),
    runNumber: ctx.runNumber,
    runAttempt: ctx.runAttempt,
    runUrl: runUrl(ctx),
    movedTags: []
  };
  if (!inputs.push) return { report: base, summary: inputs.summary };
  const session = await deps.openRegistry(inputs.image, deps.env);
  try {
    const warming = session.client.warmUp();
    const pushed = [];
    for (const [i, ref] of plan.refs.entries()) {
      const result = await deps.docker.push(ref);
      pushed.push({ tag: plan.tags[i], ...result.digest && { digest: result.digest } });
    }
    await warming;
    const held = await group("Read back from the registry", async () => {
      const r = await readBack(session.client, pushed);
      info(`Registry holds ${r.digest} (${r.mediaType}); config ${r.configDigest}`);
      return r;
    });
    checkLabels(held.labels, plan.labels.labels);
    const pins = pinning && deployFiles && await pinning.pinBuiltImage(deployFiles, inputs.image, plan.tags, held.digest);
    return {
      ...pins && { pins },
      report: {
        ...base,
        pushed: true,
        digest: held.digest,
        pinned: `${inputs.imageInput}@${held.digest}`,
        mediaType: held.mediaType,
        labels: held.labels,
        movedTags: held.movedTags
      },
      summary: inputs.summary
    };
  } finally {
    await session.close();
  }
}
async function run(deps = defaultDeps()) {
  try {
    const { report, summary: summary2, pins } = await buildAndPush(deps);
    if (summary2) await summary.addRaw(renderSummary(report) + (pins?.summary ?? "")).write();
    for (const [name, value] of Object.entries(toOutputs(report))) setOutput(name, value);
    if (pins) setOutput("changed-files", pins.changedFiles);
    if (report.pinned) notice(`Pinned: ${report.pinned}`, { title: "Image pushed" });
  } catch (error) {
    setFailed(describeError(error));
  }
}

// src/index.ts
await run();
