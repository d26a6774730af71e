import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  loadGitHub,
  pinBranchFor,
  readGitHubInputs,
  readPinInputs
} from "./chunks/chunk-AEODCLM5.js";
import {
  BUILD_ATTEMPT_LABEL,
  BUILD_NUMBER_LABEL,
  COMMIT_LABEL,
  OCI_REVISION,
  OCI_SOURCE,
  OCI_URL,
  logPlanNotes,
  maskSecretInputs,
  planBuild,
  readInputs,
  resolveCommit
} from "./chunks/chunk-RNNP6PKO.js";
import {
  envInputReader,
  runAction
} from "./chunks/chunk-KIK67DXL.js";
import {
  commitUrl,
  readRunContext,
  runUrl
} from "./chunks/chunk-LNXL3IYI.js";
import {
  DOCKER_HUB,
  RegistryError,
  dockerConfigPath,
  findKey,
  isAttestation,
  isIndex,
  isSha256Digest
} from "./chunks/chunk-BFGYC46Z.js";
import {
  require_promises
} from "./chunks/chunk-SGEPJMH2.js";
import {
  ActionError,
  InputError,
  __toESM,
  code,
  codeBlock,
  getExecOutput,
  group,
  html,
  htmlCode,
  htmlLink,
  htmlTable,
  info,
  link,
  require_fs,
  require_os,
  require_path,
  sections,
  setSecret,
  warning
} from "./chunks/chunk-QTXEDRLI.js";

// src/docker/cli.ts
var import_promises = __toESM(require_promises(), 1);
var import_node_os = __toESM(require_os(), 1);
var import_node_path = __toESM(require_path(), 1);

// src/docker/push-output.ts
function parsePushDigest(output, tag) {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const line = new RegExp(`^${escaped}: digest: (sha256:\\S+) size: (\\d+)\\s*$`, "m");
  const match = line.exec(output.replace(/\r/g, ""));
  if (!match || !isSha256Digest(match[1])) return {};
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
      if (!isSha256Digest(imageId)) {
        throw new ActionError(`docker build did not write an image ID (got '${imageId}')`, "check the docker version");
      }
      return { imageId };
    } finally {
      await (0, import_promises.rm)(dir, { recursive: true, force: true });
    }
  }
  async push({ ref, tag }) {
    const out = await group(`docker push ${ref}`, () => this.run(["push", ref], false));
    if (out.exitCode !== 0) throw pushFailure(ref, out.exitCode, `${out.stdout}
${out.stderr}`);
    return { ref, tag, ...parsePushDigest(out.stdout, tag) };
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

// src/build/report.ts
function toOutputs(report2) {
  const metadata = {
    image: report2.image,
    ...report2.digest && { digest: report2.digest, pinned: report2.pinned, mediaType: report2.mediaType },
    imageid: report2.imageId,
    tags: report2.tags,
    labels: report2.labels,
    commit: report2.commit.sha,
    pushed: report2.pushed
  };
  return {
    ...report2.digest && { digest: report2.digest, pinned: report2.pinned },
    imageid: report2.imageId,
    tags: report2.tags.join("\n"),
    labels: JSON.stringify(report2.labels),
    metadata: JSON.stringify(metadata)
  };
}

// src/docker/login.ts
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

// src/build/readback.ts
function parseJson(bytes, what) {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new ActionError(`${what} is not valid JSON`);
  }
}
function pickPlatform(index) {
  const images = index.manifests.filter((m) => !isAttestation(m));
  return images.find((m) => m.platform?.os === "linux" && m.platform.architecture === "amd64") ?? images[0];
}
function ourDigest(reported, states, client) {
  if (reported) return reported;
  const distinct = [...new Set(states.map((s) => s.digest))];
  if (distinct.length !== 1) {
    throw new ActionError(
      `the pushed tags point to different digests in ${client.registry}/${client.repository}: ${states.map((s) => `${s.tag}=${s.digest}`).join(", ")}`,
      "another job may be pushing the same tags; give concurrent jobs distinct tags"
    );
  }
  return distinct[0];
}
async function readBack(client, pushed) {
  const reported = [...new Set(pushed.map((p) => p.digest).filter((d) => !!d))];
  if (reported.length > 1) {
    throw new ActionError(
      `docker push reported different digests for the tags of one image: ${reported.join(", ")}`,
      "push each image from a single build step"
    );
  }
  const states = [];
  for (const p of pushed) {
    const found = await client.descriptor(p.tag, { verified: true, ...reported[0] && { expected: reported[0] } });
    states.push({ tag: p.tag, digest: found.digest });
  }
  const digest = ourDigest(reported[0], states, client);
  const movedTags2 = states.filter((s) => s.digest !== digest).map((s) => ({ tag: s.tag, now: s.digest }));
  let manifest;
  try {
    manifest = await client.manifest(digest);
  } catch (error) {
    if (movedTags2.length > 0 && error instanceof RegistryError && error.status === 404) {
      throw new ActionError(
        `digest mismatch: docker push reported ${digest} but ${client.registry}/${client.repository} does not hold it (tags point to ${movedTags2.map((m) => m.now).join(", ")})`,
        "the registry may rewrite manifests on push; report this with the push log"
      );
    }
    throw error;
  }
  for (const m of movedTags2) {
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
    movedTags: movedTags2
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

// src/build/summary.ts
function labelLink(report2, key, value) {
  if ((key === COMMIT_LABEL || key === OCI_REVISION) && value === report2.commit.sha) return report2.commitUrl;
  if (key === BUILD_NUMBER_LABEL && value === report2.runNumber) return report2.runUrl;
  if (key === BUILD_ATTEMPT_LABEL && value === report2.runAttempt && report2.runUrl) return `${report2.runUrl}/attempts/${value}`;
  if ((key === OCI_SOURCE || key === OCI_URL) && /^https:\/\/[^\s()<>"']+$/.test(value)) return value;
  return void 0;
}
function facts(report2) {
  const items = [];
  if (report2.digest) {
    items.push(`**Digest** ${code(report2.digest)} (read back from the registry, sha256 verified)`);
    if (report2.mediaType) items.push(`**Media type** ${code(report2.mediaType)}`);
  } else {
    items.push("**Digest** none: not pushed (`push: false`)");
  }
  items.push(`**Tags** ${report2.tags.map((t) => code(t)).join(" ")}`);
  items.push(`**Commit** ${link(code(report2.commit.sha), report2.commitUrl)} (${report2.commit.source})`);
  if (report2.runNumber) {
    const attempt = report2.runAttempt && report2.runAttempt !== "1" ? ` attempt ${report2.runAttempt}` : "";
    items.push(`**Run** ${link(`#${report2.runNumber}${attempt}`, report2.runUrl)}`);
  }
  items.push(`**Image ID** ${code(report2.imageId)}`);
  return items.map((i) => `- ${i}`).join("\n");
}
function movedTags(report2) {
  if (report2.movedTags.length === 0) return void 0;
  const lines = ["> [!WARNING]"];
  for (const m of report2.movedTags) {
    lines.push(`> Tag ${code(m.tag)} now points to ${code(m.now)}: another push happened after this one. Deploy with the pinned reference.`);
  }
  return lines.join("\n");
}
function labelTable(report2) {
  const rows = Object.keys(report2.labels).sort().map((key) => {
    const value = report2.labels[key];
    return [htmlCode(key, { wrap: false }), htmlLink(htmlCode(value), labelLink(report2, key, value)), html(report2.labelSources[key] ?? "image")];
  });
  return htmlTable(["Label", "Value", "Source"], rows);
}
function renderSummary(report2) {
  const pushed = report2.pushed && report2.pinned;
  return sections(
    `### ${pushed ? "Pushed" : "Built"} ${code(report2.image)}`,
    pushed ? codeBlock(report2.pinned) : void 0,
    facts(report2),
    movedTags(report2),
    report2.pushed ? "#### Labels (as held by the registry)" : "#### Labels (as built)",
    labelTable(report2),
    "<sub>Source: <em>action</em> = set by this action from the commit and run; <em>user</em> = from the <code>labels</code> input; <em>image</em> = inherited from the base image or a <code>LABEL</code> in the Dockerfile.</sub>"
  );
}

// src/build/steps.ts
var later;
function loadLater() {
  later ??= import("./chunks/later-3Y6EHAE4.js");
  return later;
}
async function prepare(deps) {
  const ctx = readRunContext(deps.env);
  const inputs = readInputs(deps.readInput, deps.cwd);
  const pinInputs = readPinInputs(deps.readInput);
  const github = gitHubInputs(deps.readInput, pinInputs.files.length > 0, inputs.push);
  const pins = pinInputs.files.length > 0 ? await (await loadLater()).prepareBuildPins(pinInputs, inputs.push, deps.cwd) : void 0;
  const commit = await resolveCommit(ctx, inputs.context, { head: deps.gitHead, commitTime: deps.gitCommitTime });
  const plan = planBuild(inputs, ctx, commit);
  logPlanNotes(plan.notes);
  const base = {
    image: inputs.imageInput,
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
  return { inputs, plan, commit, base, ...pins && { pins }, ...github && { github } };
}
function gitHubInputs(read, hasFiles, push) {
  const github = readGitHubInputs(read);
  if (!github.pullRequest && !github.comment) return void 0;
  if (github.pullRequest && !hasFiles) {
    throw new InputError("pull-request", "is true but 'files' is empty: there is nothing to put in the pull request", "list the deploy files to pin in 'files', e.g. k8s/*.yaml");
  }
  if (!push) {
    warning("'pull-request' and 'comment' are ignored with 'push: false': there is no pushed digest to publish");
    return void 0;
  }
  return github;
}
function pinReport(r, pins) {
  return {
    subject: r.image,
    key: `image ${r.image}`,
    branch: pinBranchFor(r.image),
    references: r.pinned && r.digest ? [{ reference: r.pinned, digest: r.digest }] : [],
    labels: Object.keys(r.labels).sort().map((name) => {
      const value = r.labels[name];
      const url = labelLink(r, name, value);
      return { name, value, ...url && { url } };
    }),
    commit: { sha: r.commit.sha, ...r.commitUrl && { url: r.commitUrl } },
    run: { ...r.runNumber && { number: r.runNumber }, ...r.runAttempt && { attempt: r.runAttempt }, ...r.runUrl && { url: r.runUrl } },
    ...pins && { pins: { files: pins.files, rule: pins.rule } }
  };
}
async function publish(deps, p, result) {
  if (!p.github || !result.report.pinned) return result;
  const gh = await loadGitHub();
  const ctx = readRunContext(deps.env);
  const github = await gh.publishToGitHub(p.github, pinReport(result.report, result.pins), ctx, deps.githubApi);
  return { ...result, github };
}
async function logIn(deps, inputs) {
  if (!inputs.login) return void 0;
  await deps.docker.serverVersion();
  return loginForStep(deps.docker, inputs.image.registry, inputs.login.username, inputs.login.password, deps.env);
}
async function build(deps, p) {
  info(`Building ${p.plan.refs.join(", ")} at commit ${p.commit.sha} (${p.commit.source})`);
  const { inputs, plan } = p;
  const [built, opened] = await Promise.allSettled([
    deps.docker.build({
      context: inputs.context,
      file: inputs.file,
      tags: plan.refs,
      labels: plan.labels.labels,
      buildArgs: inputs.buildArgs,
      ...inputs.target && { target: inputs.target },
      pull: inputs.pull,
      noCache: inputs.noCache
    }),
    inputs.push ? deps.openRegistry(inputs.image, deps.env, inputs.registryTimeoutMs) : void 0
  ]);
  if (built.status === "rejected") {
    if (opened.status === "fulfilled") await opened.value?.close();
    await deps.docker.serverVersion();
    throw built.reason;
  }
  if (opened.status === "rejected") throw opened.reason;
  return { imageId: built.value.imageId, ...opened.value && { session: opened.value } };
}
async function pushAndReadBack(deps, p, session) {
  session.budget?.start();
  const warming = session.client.warmUp();
  const pushed = [];
  for (const target of p.plan.targets) {
    const result = await deps.docker.push(target);
    pushed.push({ tag: result.tag, ...result.digest && { digest: result.digest } });
  }
  session.budget?.start();
  await warming;
  const held = await group("Read back from the registry", async () => {
    const r = await readBack(session.client, pushed);
    info(`Registry holds ${r.digest} (${r.mediaType}); config ${r.configDigest}`);
    return r;
  });
  checkLabels(held.labels, p.plan.labels.labels);
  const pins = p.pins && await (await loadLater()).pinBuiltImage(p.pins, p.inputs.image, p.plan.tags, held.digest);
  return { held, ...pins && { pins } };
}
function report(p, imageId, pushed) {
  const summary = p.inputs.summary;
  if (!pushed) return { report: { ...p.base, imageId }, summary };
  const { held, pins } = pushed;
  return {
    ...pins && { pins },
    report: {
      ...p.base,
      imageId,
      pushed: true,
      digest: held.digest,
      pinned: `${p.inputs.imageInput}@${held.digest}`,
      mediaType: held.mediaType,
      labels: held.labels,
      movedTags: held.movedTags
    },
    summary
  };
}

// src/build/main.ts
function defaultDeps() {
  return {
    docker: new DockerCli(),
    openRegistry: async (name, env, budgetMs) => (await loadLater()).openDockerRegistry(name, env, budgetMs),
    readInput: envInputReader(),
    env: process.env,
    cwd: process.cwd()
  };
}
async function buildAndPush(deps) {
  maskSecretInputs(deps.readInput);
  const prepared = await prepare(deps);
  return publish(deps, prepared, await buildPushAndReadBack(deps, prepared));
}
async function buildPushAndReadBack(deps, prepared) {
  const login = await logIn(deps, prepared.inputs);
  try {
    const stepDeps = login ? { ...deps, docker: login.docker, env: login.env } : deps;
    const { imageId, session } = await build(stepDeps, prepared);
    if (!session) return report(prepared, imageId);
    try {
      return report(prepared, imageId, await pushAndReadBack(stepDeps, prepared, session));
    } finally {
      await session.close();
    }
  } finally {
    await login?.cleanup();
  }
}
function toActionResult({ report: r, summary, pins, github }) {
  const outputs = Object.fromEntries(Object.entries(toOutputs(r)).filter((e) => e[1] !== void 0));
  return {
    outputs: { ...outputs, ...pins && { "changed-files": pins.changedFiles }, ...github?.outputs },
    ...summary && { summary: sections(renderSummary(r), pins?.summary, github?.summary) },
    ...r.pinned && { notice: { text: `Pinned: ${r.pinned}`, title: "Image pushed" } }
  };
}
function run(deps = defaultDeps()) {
  return runAction(async () => toActionResult(await buildAndPush(deps)));
}

// src/build/index.ts
await run();
