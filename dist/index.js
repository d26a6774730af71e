import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  STEP_CONFIG_PREFIX,
  STEP_CONFIG_STATE
} from "./chunks/chunk-7YQGLHQZ.js";
import {
  loadGitHub,
  pinBranchFor,
  readGitHubInputs,
  readPinInputs
} from "./chunks/chunk-JSNUFGLC.js";
import {
  LATEST_POLICIES,
  SEMVER_TAG_MODES,
  logPlanNotes,
  parseRepositories,
  parseTagEntries,
  planTags,
  refVersion,
  resolveCommit,
  tagPlatform,
  tagStates
} from "./chunks/chunk-IQ4PXG3D.js";
import {
  BUILD_ATTEMPT_LABEL,
  BUILD_NUMBER_LABEL,
  COMMIT_LABEL,
  OCI_CREATED,
  OCI_REVISION,
  OCI_SOURCE,
  OCI_URL,
  actionLabels,
  maskSecretInputs,
  maskSecrets,
  mergeLabels,
  parseLabelLines,
  secretLookingBuildArgs
} from "./chunks/chunk-A2WO2TPN.js";
import {
  envInputReader,
  parseBoolean,
  parseChoice,
  parseLines,
  parseList,
  parseLiteralLines,
  parseLogin,
  parseRegistryTimeout,
  runAction
} from "./chunks/chunk-PAPUM53D.js";
import {
  attestationKinds,
  dockerConfigPath,
  findKey,
  readImage
} from "./chunks/chunk-426R2XC5.js";
import {
  commitUrl,
  readRunContext,
  runUrl
} from "./chunks/chunk-F74GLXIE.js";
import {
  require_promises
} from "./chunks/chunk-RAKG4OYG.js";
import {
  ActionError,
  DOCKER_HUB,
  InputError,
  RegistryError,
  code,
  codeBlock,
  cut,
  formatName,
  html,
  htmlCode,
  htmlLink,
  htmlTable,
  isSha256Digest,
  link,
  sections
} from "./chunks/chunk-T7K4ATKP.js";
import {
  group,
  info,
  saveState,
  setFailed,
  setSecret,
  warning
} from "./chunks/chunk-TFVKVXD5.js";
import {
  __toESM,
  getExecOutput,
  require_fs,
  require_os,
  require_path
} from "./chunks/chunk-3FGA6ACG.js";

// src/docker/cli.ts
var import_promises = __toESM(require_promises(), 1);
var import_node_os2 = __toESM(require_os(), 1);
var import_node_path2 = __toESM(require_path(), 1);

// src/docker/buildx-inspect.ts
function parseBuildxInspect(text) {
  const field = (name2) => new RegExp(`^${name2}:[ \\t]*(.*)$`, "m").exec(text)?.[1]?.trim();
  const name = field("Name");
  const driver = field("Driver");
  if (!name || !driver) return void 0;
  const platforms = [];
  for (const m of text.matchAll(/^Platforms:[ \t]*(.*)$/gm)) {
    for (const p of (m[1] ?? "").split(",")) {
      const t = p.trim().replace(/\*$/, "");
      if (t && !platforms.includes(t)) platforms.push(t);
    }
  }
  return { name, driver, platforms };
}

// src/docker/buildx-plugin.ts
var import_node_fs = __toESM(require_fs(), 1);
var import_node_os = __toESM(require_os(), 1);
var import_node_path = __toESM(require_path(), 1);
var SYSTEM_PLUGIN_DIRS = ["/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins"];
function executable(file) {
  try {
    (0, import_node_fs.accessSync)(file, import_node_fs.constants.X_OK);
    return (0, import_node_fs.statSync)(file).isFile();
  } catch {
    return false;
  }
}
function extraDirs(configDir) {
  try {
    const config = JSON.parse((0, import_node_fs.readFileSync)(import_node_path.default.join(configDir, "config.json"), "utf8"));
    return Array.isArray(config.cliPluginsExtraDirs) ? config.cliPluginsExtraDirs.filter((d) => typeof d === "string") : [];
  } catch {
    return [];
  }
}
function findBuildxPlugin(env) {
  if (process.platform === "win32") return void 0;
  const configDir = env.DOCKER_CONFIG || import_node_path.default.join(env.HOME || import_node_os.default.homedir(), ".docker");
  for (const dir of [...extraDirs(configDir), import_node_path.default.join(configDir, "cli-plugins"), ...SYSTEM_PLUGIN_DIRS]) {
    const file = import_node_path.default.join(dir, "docker-buildx");
    if (executable(file)) return file;
  }
  return void 0;
}

// src/docker/image-store.ts
function imageIdKind(store) {
  return store === "containerd" ? "manifest" : "config";
}
function parseImageStore(driverStatusJson) {
  let status;
  try {
    status = JSON.parse(driverStatusJson);
  } catch {
    return "classic";
  }
  const rows = Array.isArray(status) ? status : [];
  const containerd = rows.some((r) => Array.isArray(r) && r[0] === "driver-type" && r[1] === "io.containerd.snapshotter.v1");
  return containerd ? "containerd" : "classic";
}
function buildxEngineImageId(store, reported) {
  if (store === "containerd") return reported.digest ?? reported.iid;
  return reported.configDigest ?? reported.iid;
}

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
  return ["build", ...fileFlag(request), "--iidfile", iidFile, ...requestFlags(request), request.context];
}
function fileFlag(request) {
  return request.file ? ["--file", request.file] : [];
}
function requestFlags(request) {
  const argv = [];
  for (const tag of request.tags) argv.push("--tag", tag);
  for (const [key, value] of Object.entries(request.labels)) argv.push("--label", `${key}=${value}`);
  for (const arg of request.buildArgs) argv.push("--build-arg", arg);
  if (request.target) argv.push("--target", request.target);
  if (request.pull) argv.push("--pull");
  if (request.noCache) argv.push("--no-cache");
  if (request.platforms?.length) argv.push("--platform", request.platforms.join(","));
  for (const host of request.addHosts ?? []) argv.push("--add-host", host);
  if (request.network) argv.push("--network", request.network);
  if (request.shmSize) argv.push("--shm-size", request.shmSize);
  for (const u of request.ulimits ?? []) argv.push("--ulimit", u);
  if (request.cgroupParent) argv.push("--cgroup-parent", request.cgroupParent);
  return argv;
}
function printableCommand(binary, argv, redact = []) {
  const hide = redact.filter((r) => r.length > 0);
  return [binary, ...argv].map((a) => hide.reduce((s, r) => s.split(r).join("***"), a)).join(" ");
}
var NO_BUILDX = /unknown command|is not a docker command|unrecognized command|unknown flag: --builder|not a docker command/i;
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
  constructor(binary = "docker", tempRoot = import_node_os2.default.tmpdir(), env) {
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
  plugin;
  /**
   * `docker buildx <args>` as [binary, argv]: the buildx plugin run directly when it is where docker looks for it
   * (one process fewer per call), else through docker. Only when this docker is the `docker` on PATH: a custom
   * binary (a wrapper, podman) decides for itself what `buildx` means.
   */
  buildxCommand(argv) {
    if (this.binary !== "docker" || argv[0] !== "buildx") return [this.binary, argv];
    const plugin = this.buildxPlugin();
    return plugin ? [plugin, argv.slice(1)] : [this.binary, argv];
  }
  buildxPlugin() {
    this.plugin ??= { binary: findBuildxPlugin({ ...process.env, ...this.env }) ?? "" };
    return this.plugin.binary || void 0;
  }
  /**
   * Whether buildx is surely absent: this is the `docker` on PATH and no docker-buildx is where the docker CLI looks
   * for plugins (findBuildxPlugin knows docker's plugin dirs on Linux), so `docker buildx` could only answer
   * that it is not a docker command: the legacy builder is chosen without starting a docker process to hear that.
   */
  buildxAbsent() {
    return this.binary === "docker" && process.platform === "linux" && this.buildxPlugin() === void 0;
  }
  async run(argv, silent, input, extraEnv) {
    const merged = this.env || extraEnv ? { ...this.env, ...extraEnv } : void 0;
    const env = merged && { ...process.env, ...merged };
    const [binary, args] = this.buildxCommand(argv);
    try {
      return await getExecOutput(binary, args, { ignoreReturnCode: true, silent, ...env && { env }, ...input && { input } });
    } catch (error) {
      throw notInstalled(error);
    }
  }
  /** A command whose output goes to the log as it comes, with our own command line (values in `redact` hidden). */
  async runLogged(argv, redact, extraEnv, onStarted) {
    const [binary, args] = this.buildxCommand(argv);
    info(`[command]${printableCommand(binary, args, redact)}`);
    const merged = { ...this.env, ...extraEnv };
    const env = { ...process.env, ...merged };
    let started = onStarted;
    const show = (d) => {
      started?.();
      started = void 0;
      process.stdout.write(d);
    };
    try {
      return await getExecOutput(binary, args, { ignoreReturnCode: true, silent: true, env, listeners: { stdout: show, stderr: show } });
    } catch (error) {
      throw notInstalled(error);
    }
  }
  /** `source` says where `name` came from, for the error (e.g. "BUILDX_BUILDER names 'x'"). */
  async buildxInspect(name, source) {
    if (this.buildxAbsent()) return void 0;
    const out = await this.run(["buildx", "inspect", ...name ? [name] : []], true);
    const text = `${out.stderr}
${out.stdout}`;
    if (out.exitCode !== 0) {
      if (NO_BUILDX.test(text)) return void 0;
      const which = source ?? (name ? `builder '${name}'` : "the current buildx builder");
      if (/no builder .*found|not found/i.test(text)) {
        throw new ActionError(
          `buildx builder not found: ${which}, which docker buildx does not know (${lastLines(text, 2)})`,
          "create it in an earlier step (docker/setup-buildx-action, or docker buildx create) with the same DOCKER_CONFIG, or fix the name"
        );
      }
      throw new ActionError(
        `docker buildx inspect failed for ${which}: ${lastLines(text, 3)}`,
        "check that the builder is running (docker buildx inspect --bootstrap), or recreate it with docker/setup-buildx-action"
      );
    }
    const info2 = parseBuildxInspect(out.stdout);
    if (!info2) {
      throw new ActionError(
        `docker buildx inspect (${await this.buildxVersion()}) printed no 'Name:' and 'Driver:' lines, which this action reads to learn the builder's driver:
${lastLines(out.stdout, 5)}`,
        "use a buildx this action is tested with (docs/support.md), e.g. the one docker/setup-buildx-action installs"
      );
    }
    return info2;
  }
  /** `docker buildx version` as printed (`github.com/docker/buildx v0.38.2 …`), for messages about what it printed. */
  async buildxVersion() {
    const out = await this.run(["buildx", "version"], true);
    return out.exitCode === 0 ? out.stdout.trim().split("\n")[0]?.trim() || "buildx of unknown version" : "buildx of unknown version";
  }
  async buildx(argv, o) {
    const out = await group(o.title, () => this.runLogged(argv, o.redact, o.env, o.onStarted));
    return { exitCode: out.exitCode, output: `${out.stdout}
${out.stderr}` };
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
  async imageStore() {
    const out = await this.run(["info", "--format", "{{json .DriverStatus}}"], true);
    return out.exitCode === 0 ? parseImageStore(out.stdout.trim()) : void 0;
  }
  async build(request) {
    const dir = await (0, import_promises.mkdtemp)(import_node_path2.default.join(this.tempRoot, "docker-build-"));
    const iidFile = import_node_path2.default.join(dir, "iid");
    try {
      const out = await group("docker build", () => this.runLogged(buildArgv(request, iidFile), request.redact, void 0, request.onStarted));
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

// src/build-push/report.ts
function toOutputs(report2) {
  const metadata = {
    image: report2.image,
    ...report2.digest && { digest: report2.digest, pinned: report2.pinned, mediaType: report2.mediaType },
    imageid: report2.imageId,
    tags: report2.tags,
    labels: report2.labels,
    commit: report2.commit.sha,
    pushed: report2.pushed,
    // build-push-action's keys, so fromJSON(steps.x.outputs.metadata)['containerimage.digest'] keeps working; ours are
    // read back from the registry and verified, not the builder's claim
    ...report2.repositories && { repositories: report2.repositories },
    ...report2.digest && { "containerimage.digest": report2.digest },
    ...report2.digest && report2.configDigest && { "containerimage.config.digest": report2.configDigest }
  };
  const platforms = report2.platforms && Object.fromEntries(report2.platforms.map((p) => [p.platform, p.digest]));
  return {
    ...report2.digest && { digest: report2.digest, pinned: report2.pinned },
    ...report2.repositories && {
      "pinned-all": report2.repositories.map((r) => r.pinned).join("\n"),
      repositories: JSON.stringify(report2.repositories)
    },
    ...platforms && { platforms: JSON.stringify(platforms) },
    imageid: report2.imageId,
    tags: report2.tags.join("\n"),
    labels: JSON.stringify(report2.labels),
    metadata: JSON.stringify(metadata)
  };
}

// src/build-push/deps.ts
var later;
function loadLater() {
  later ??= import("./chunks/later-WXB2UCNR.js");
  return later;
}

// src/build-push/summary.ts
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
  } else if (report2.called) {
    items.push(`**Digest** none: \`call: ${report2.called.method}\` builds no image`);
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
function registryTable(report2) {
  const repos = report2.repositories;
  if (!repos || repos.length < 2) return void 0;
  const rows = repos.map((r) => [htmlCode(r.registry), htmlCode(r.image), htmlCode(r.digest), r.tags.map((t) => htmlCode(t.slice(t.lastIndexOf(":") + 1))).join(" ")]);
  return sections(`#### Registries (${repos.length}, each read back and verified, one digest)`, htmlTable(["Registry", "Repository", "Digest", "Tags"], rows));
}
function called(report2) {
  if (!report2.called) return void 0;
  return sections(`#### \`call: ${report2.called.method}\`: no image built, nothing pushed`, codeBlock(report2.called.output || "(buildx printed nothing)"));
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
    called(report2),
    registryTable(report2),
    movedTags(report2),
    report2.pushed ? "#### Labels (as held by the registry)" : "#### Labels (as built)",
    labelTable(report2),
    "<sub>Source: <em>action</em> = set by this action from the commit and run; <em>user</em> = from the <code>labels</code> input; <em>image</em> = inherited from the base image or a <code>LABEL</code> in the Dockerfile.</sub>"
  );
}

// src/build-push/publish.ts
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

// src/docker/builder.ts
var import_promises2 = __toESM(require_promises(), 1);
var import_node_os3 = __toESM(require_os(), 1);
var import_node_path3 = __toESM(require_path(), 1);

// src/docker/buildx.ts
function secretEnvName(index) {
  return `PINNED_BUILD_SECRET_${index}`;
}
function secretEnv(secrets) {
  const env = {};
  secrets.forEach((s, i) => {
    if (s.value !== void 0) env[secretEnvName(i)] = s.value;
  });
  return env;
}
function csvField(s) {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function annotationAttributes(annotation) {
  const eq = annotation.indexOf("=");
  const key = annotation.slice(0, eq);
  const value = annotation.slice(eq + 1);
  const colon = key.indexOf(":");
  if (colon < 0) return [`annotation.${key}=${value}`];
  const name = key.slice(colon + 1);
  const spec = key.slice(0, colon);
  const platform = /\[[^\]]*\]/.exec(spec)?.[0] ?? "";
  return spec.replace(/\[[^\]]*\]/g, "").split(",").map((type) => `annotation-${type}${platform}.${name}=${value}`);
}
function buildxArgv(spec, builder, files, o) {
  const argv = ["buildx", "build", "--builder", builder.name, ...fileFlag(spec), "--metadata-file", files.metadata, "--iidfile", files.iid];
  argv.push(...requestFlags(spec));
  spec.secrets.forEach((s, i) => {
    argv.push("--secret", s.value !== void 0 ? `id=${s.id},env=${secretEnvName(i)}` : `id=${s.id},src=${csvField(s.file ?? "")}`);
  });
  for (const ssh of spec.ssh) argv.push("--ssh", ssh);
  for (const c of spec.cacheFrom) argv.push("--cache-from", c);
  for (const c of spec.cacheTo) argv.push("--cache-to", c);
  if (spec.provenance !== void 0) argv.push(`--provenance=${spec.provenance}`);
  if (spec.sbom !== void 0) argv.push(`--sbom=${spec.sbom}`);
  for (const c of spec.buildContexts) argv.push("--build-context", c);
  for (const a of spec.allow ?? []) argv.push("--allow", a);
  for (const a of spec.attests ?? []) argv.push("--attest", a);
  for (const f of spec.noCacheFilters ?? []) argv.push("--no-cache-filter", f);
  if (spec.call) argv.push("--call", spec.call);
  argv.push(...exporterFlags(spec, o.load));
  argv.push(spec.context);
  return argv;
}
function callsNoBuild(call) {
  return call !== void 0 && call.split(",")[0]?.trim() !== "build";
}
function exporterFlags(spec, load) {
  if (callsNoBuild(spec.call)) return [];
  const annotations = spec.annotations.flatMap(annotationAttributes).map(csvField);
  const argv = [];
  if (spec.outputs?.length) {
    for (const out of spec.outputs) argv.push("--output", out.pushes && annotations.length ? [out.text, ...annotations].join(",") : out.text);
    if (load) argv.push("--load");
    return argv;
  }
  if (spec.push) argv.push(...annotations.length ? ["--output", ["type=image", "push=true", ...annotations].join(",")] : ["--push"]);
  if (load) argv.push(...annotations.length && !spec.push ? ["--output", ["type=docker", ...annotations].join(",")] : ["--load"]);
  return argv;
}
function lastLines2(text, n = 10) {
  return text.trim().split(/\r?\n/).slice(-n).join("\n");
}
var SETUP_BUILDX = "add docker/setup-buildx-action before this step (it creates a docker-container builder) and pass its 'name' output as 'builder'";
function buildxFailure(builder, spec, exitCode, output) {
  const on = `builder '${builder.name}' (driver ${builder.driver})`;
  const detail = lastLines2(output);
  const fail = (what, hint) => new ActionError(`docker buildx build failed on ${on}: ${what}:
${detail}`, hint);
  if (/multiple platforms feature is currently not supported|docker exporter does not currently support exporting manifest lists|multi-platform build is not supported/i.test(output)) {
    return fail(
      `the ${builder.driver} driver cannot build several platforms (${spec.platforms.join(", ")}) into one image`,
      `${SETUP_BUILDX}, or enable the containerd image store in the docker engine`
    );
  }
  if (/attestation.* not supported|provenance.* not supported|sbom.* not supported/i.test(output)) {
    return fail(`the ${builder.driver} driver cannot attach attestations (provenance/SBOM)`, `set 'provenance: false' and 'sbom: false', or ${SETUP_BUILDX}`);
  }
  if (/unknown flag: --(call|attest|no-cache-filter|allow)\b/.test(output)) {
    const flag = /unknown flag: --([a-z-]+)/.exec(output)?.[1] ?? "";
    const input = { call: "call", attest: "attests", "no-cache-filter": "no-cache-filters", allow: "allow" }[flag] ?? flag;
    return fail(`this buildx has no --${flag} (input '${input}')`, `use a newer buildx (docker/setup-buildx-action installs one; --call needs buildx 0.15 or later), or remove '${input}'`);
  }
  if (/cache export feature is currently not supported|cache export.*not supported/i.test(output)) {
    return fail(`the ${builder.driver} driver cannot export a cache ('cache-to')`, `${SETUP_BUILDX}, or use 'cache-to: type=inline'`);
  }
  if (/secret .*(not found|required)|secret \S+: not found/i.test(output)) {
    return fail(
      "a secret the Dockerfile mounts was not given",
      "add it to 'secrets' (id=value) or 'secret-files' (id=path) with the id of its RUN --mount=type=secret,id=<id>, or mark the mount required=false"
    );
  }
  const pushing = /failed to push|pushing layers|exporting to image|failed to (do request|authorize|fetch oauth token)|unexpected status/i.test(output);
  if (spec.push && /unauthorized|denied|authentication required|forbidden|status: 40[13]\b|\b40[13] (Unauthorized|Forbidden)/i.test(output) && pushing) {
    return fail(
      "the registry refused the push (not logged in, or no write access)",
      "log in to the image's registry before this step (docker/login-action, or the 'username'/'password' inputs); the builder gets the credentials from the step's docker config"
    );
  }
  if (spec.push && pushing) {
    return fail(
      `pushing the image failed (exit code ${exitCode}); some of the tags may already point to the new image`,
      "check that the registry in 'image' is reachable from the builder and accepts pushes, then re-run the job"
    );
  }
  if (/failed to (dial|connect)|connection refused|no such host|error during connect|is the docker daemon running|builder .* (not found|unreachable)/i.test(output)) {
    return fail(
      "the builder could not be reached",
      `check that builder '${builder.name}' is running (docker buildx inspect --bootstrap ${builder.name}); ${SETUP_BUILDX}`
    );
  }
  return new ActionError(
    `docker buildx build failed on ${on} with exit code ${exitCode}:
${detail}`,
    "fix the Dockerfile or build context; the full build log is in the 'docker buildx build' group above"
  );
}

// src/docker/builder.ts
function hostPlatform(platform = process.platform, arch = process.arch) {
  const osName = platform === "win32" ? "windows" : platform;
  const archName = { x64: "amd64", ia32: "386", arm: "arm/v7", arm64: "arm64", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };
  return `${osName}/${archName[arch] ?? arch}`;
}
function nativePlatform(info2) {
  const [first] = info2.platforms;
  if (!first) return hostPlatform();
  return /^[^/]+\/amd64\/v\d$/.test(first) ? first.replace(/\/v\d$/, "") : first;
}
async function selectBuilder(docker, o) {
  const legacyAsked = o.env.DOCKER_BUILDKIT === "0";
  if (legacyAsked && o.requested) {
    throw new ActionError(
      `the 'builder' input names buildx builder '${o.requested}', but DOCKER_BUILDKIT=0 asks for the legacy builder`,
      "remove DOCKER_BUILDKIT=0 from the job's environment, or remove 'builder'"
    );
  }
  const name = o.requested ?? (o.env.BUILDX_BUILDER || void 0);
  const source = o.requested ? `the 'builder' input names '${o.requested}'` : name ? `BUILDX_BUILDER names '${name}'` : void 0;
  const found = legacyAsked ? void 0 : await docker.buildxInspect(name, source);
  if (!found) {
    if (o.requested) {
      throw new ActionError(
        `the 'builder' input names buildx builder '${o.requested}', but buildx is not installed (docker buildx version fails)`,
        "install buildx (docker/setup-buildx-action), or remove the builder input to build with docker build"
      );
    }
    return new LegacyBuilder(docker);
  }
  return new BuildxBuilder(docker, { tool: "buildx", ...found }, o.tempRoot);
}
var LegacyBuilder = class _LegacyBuilder {
  constructor(docker) {
    this.docker = docker;
  }
  docker;
  info = { tool: "docker build", name: "docker", driver: "legacy", platforms: [] };
  using(docker) {
    return new _LegacyBuilder(docker);
  }
  async build(spec) {
    const [{ imageId }, imageStore] = await Promise.all([this.docker.build(spec), this.docker.imageStore().catch(() => void 0)]);
    return { builder: this.info, imageId, ...imageStore && { imageStore }, pushedByBuilder: false, platforms: spec.platforms };
  }
  async push(built, targets) {
    const results = [];
    for (const target of targets) results.push(await this.docker.push(target));
    const claimed = results.find((r) => r.digest)?.digest;
    if (claimed) built.claimedDigest = claimed;
    return results;
  }
};
var BuildxBuilder = class _BuildxBuilder {
  constructor(docker, info2, tempRoot = import_node_os3.default.tmpdir()) {
    this.docker = docker;
    this.info = info2;
    this.tempRoot = tempRoot;
  }
  docker;
  info;
  tempRoot;
  using(docker) {
    return new _BuildxBuilder(docker, this.info, this.tempRoot);
  }
  /** Whether the result can go into `docker images`: the docker driver always; others through --load, one platform only. */
  loadable(spec) {
    return spec.platforms.length <= 1;
  }
  /** `--load`: as the `load` input says; unset, a result that is not pushed (nor exported elsewhere) is loaded when it can be. */
  load(spec) {
    if (callsNoBuild(spec.call)) return false;
    if (spec.load !== void 0) return spec.load;
    if (spec.outputs?.length) return false;
    return !spec.push && this.loadable(spec);
  }
  /** Whether the image lands in the engine's store: loaded, or built by the docker driver into an image exporter. */
  inEngine(spec, load) {
    if (load) return true;
    if (this.info.driver !== "docker" || callsNoBuild(spec.call)) return false;
    return !spec.outputs?.length || spec.outputs.some((o) => o.type === "image" || o.type === "registry" || o.type === "docker");
  }
  async build(spec) {
    const dir = await (0, import_promises2.mkdtemp)(import_node_path3.default.join(this.tempRoot, "pinned-build-buildx-"));
    const files = { metadata: import_node_path3.default.join(dir, "metadata.json"), iid: import_node_path3.default.join(dir, "iid") };
    try {
      const load = this.load(spec);
      const argv = buildxArgv(spec, this.info, files, { load });
      const inEngine = this.inEngine(spec, load);
      const storeAsked = inEngine ? this.docker.imageStore().catch(() => void 0) : Promise.resolve(void 0);
      const out = await this.docker.buildx(argv, {
        env: secretEnv(spec.secrets),
        title: `docker buildx build (builder ${this.info.name}, driver ${this.info.driver})`,
        redact: spec.redact,
        ...spec.onStarted && { onStarted: spec.onStarted }
      });
      const imageStore = await storeAsked;
      if (out.exitCode !== 0) throw buildxFailure(this.info, spec, out.exitCode, out.output);
      const metadata = await readJson(files.metadata);
      if (callsNoBuild(spec.call)) {
        return { builder: this.info, pushedByBuilder: false, platforms: spec.platforms, metadata, called: { method: spec.call ?? "", output: out.output.trim() } };
      }
      const iid = (await (0, import_promises2.readFile)(files.iid, "utf8").catch(() => "")).trim();
      const claimedDigest = stringField(metadata, "containerimage.digest");
      const claimedConfigDigest = stringField(metadata, "containerimage.config.digest");
      const imageId = inEngine && isSha256Digest(iid) ? buildxEngineImageId(imageStore ?? "classic", { iid, digest: claimedDigest, configDigest: claimedConfigDigest }) : void 0;
      if (spec.push && !claimedDigest) {
        const keys = Object.keys(metadata).join(", ") || "none";
        throw new ActionError(
          `docker buildx build (${await this.docker.buildxVersion()}) on builder '${this.info.name}' (driver ${this.info.driver}) pushed but its metadata file has no 'containerimage.digest' (keys: ${keys}), so the action cannot check what the builder pushed`,
          "use a buildx this action is tested with (docs/support.md), e.g. the one docker/setup-buildx-action installs"
        );
      }
      if (!spec.push && load && !imageId) {
        throw new ActionError(
          `docker buildx build on builder '${this.info.name}' (driver ${this.info.driver}) loaded no image into docker (iidfile: '${iid}')`,
          "check that the docker engine is reachable from the step (DOCKER_HOST) and that buildx can load into it"
        );
      }
      return {
        builder: this.info,
        ...imageId && { imageId },
        ...imageId && imageStore && { imageStore },
        ...spec.push && claimedDigest && { claimedDigest },
        ...claimedConfigDigest && { claimedConfigDigest },
        pushedByBuilder: spec.push,
        platforms: spec.platforms,
        metadata
      };
    } finally {
      await (0, import_promises2.rm)(dir, { recursive: true, force: true });
    }
  }
  async push(built, targets) {
    if (!built.pushedByBuilder) {
      throw new ActionError(`builder '${this.info.name}' was asked to push after a build without push`, "this is a bug in the action; please report it");
    }
    return targets.map((t) => ({ ...t, ...built.claimedDigest && { digest: built.claimedDigest } }));
  }
};
async function readJson(file) {
  const text = await (0, import_promises2.readFile)(file, "utf8").catch(() => "");
  if (!text.trim()) return {};
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}
function stringField(o, key) {
  const v = o[key];
  return typeof v === "string" && isSha256Digest(v) ? v : void 0;
}

// src/docker/login.ts
var import_node_fs2 = __toESM(require_fs(), 1);
var import_promises3 = __toESM(require_promises(), 1);
var import_node_os4 = __toESM(require_os(), 1);
var import_node_path4 = __toESM(require_path(), 1);

// src/action/exit-cleanup.ts
var cleanups = /* @__PURE__ */ new Set();
var installed = false;
var EXIT_CODES = { SIGINT: 130, SIGTERM: 143 };
function runAll() {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
    }
  }
}
function onSignal(signal) {
  runAll();
  setFailed(`The step was stopped (${signal}); its docker login was removed`);
  process.exit(EXIT_CODES[signal] ?? 1);
}
function install() {
  if (installed) return;
  installed = true;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", runAll);
}
function cleanupOnExit(cleanup) {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

// src/docker/login.ts
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
    return JSON.parse(await (0, import_promises3.readFile)(file, "utf8"));
  } catch {
    return {};
  }
}
async function loginForStep(docker, registry, username, password, env = process.env) {
  setSecret(password);
  const root = env.RUNNER_TEMP && (0, import_node_fs2.existsSync)(env.RUNNER_TEMP) ? env.RUNNER_TEMP : import_node_os4.default.tmpdir();
  const configDir = await (0, import_promises3.mkdtemp)(import_node_path4.default.join(root, STEP_CONFIG_PREFIX));
  saveState(STEP_CONFIG_STATE, configDir);
  const release = cleanupOnExit(() => (0, import_node_fs2.rmSync)(configDir, { recursive: true, force: true }));
  const cleanup = async () => {
    await (0, import_promises3.rm)(configDir, { recursive: true, force: true });
    release();
  };
  try {
    await (0, import_promises3.chmod)(configDir, 448);
    const sourceFile = dockerConfigPath(env);
    const sourceDir = import_node_path4.default.dirname(sourceFile);
    await (0, import_promises3.writeFile)(import_node_path4.default.join(configDir, "config.json"), JSON.stringify(privateConfig(await readSourceConfig(sourceFile), registry), null, 2), { mode: 384 });
    for (const dir of CARRIED_DIRS) {
      if ((0, import_node_fs2.existsSync)(import_node_path4.default.join(sourceDir, dir))) await (0, import_promises3.symlink)(import_node_path4.default.join(sourceDir, dir), import_node_path4.default.join(configDir, dir));
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

// src/build-push/builder-inputs.ts
var import_node_fs3 = __toESM(require_fs(), 1);
var import_node_path5 = __toESM(require_path(), 1);
var PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
var ARCH_ALIASES = { x86_64: "amd64", x64: "amd64", aarch64: "arm64", armhf: "arm/v7", i386: "386", i686: "386" };
function parsePlatforms(raw) {
  const platforms = parseList(raw);
  for (const p of platforms) {
    const arch = p.split("/")[1] ?? p;
    const alias = ARCH_ALIASES[arch.toLowerCase()];
    if (PLATFORM.test(p) && !alias) continue;
    const hint = !p.includes("/") ? `write os/arch, e.g. linux/${ARCH_ALIASES[p.toLowerCase()] ?? p.toLowerCase()}` : alias ? `BuildKit names this architecture '${alias}': write linux/${alias}` : "write each platform as os/arch[/variant] in lower case, e.g. linux/amd64, linux/arm64, linux/arm/v7";
    throw new InputError("platforms", `'${p}' is not a platform (os/arch[/variant])`, hint);
  }
  return platforms;
}
var SECRET_ID = /^[A-Za-z0-9_.-]+$/;
function parseSecrets(raw) {
  maskSecrets(raw);
  const out = [];
  const lines = raw.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const eq = line.indexOf("=");
    const id = eq > 0 ? line.slice(0, eq).trim() : "";
    if (!id || !SECRET_ID.test(id)) {
      throw new InputError(
        "secrets",
        `line ${i + 1} is not id=value (the line is not shown: it may hold the secret)`,
        "write one secret per line as id=value, where id is what the Dockerfile mounts (RUN --mount=type=secret,id=<id>); use letters, digits, . _ -"
      );
    }
    out.push({ id, value: line.slice(eq + 1) });
  });
  return unique("secrets", out);
}
function parseSecretFiles(raw, cwd) {
  const out = [];
  for (const line of parseLines(raw)) {
    const eq = line.indexOf("=");
    const id = eq > 0 ? line.slice(0, eq).trim() : "";
    const file = eq > 0 ? line.slice(eq + 1).trim() : "";
    if (!id || !SECRET_ID.test(id) || !file) {
      throw new InputError("secret-files", `'${line}' is not id=path`, "write one secret file per line as id=path (the path relative to the workspace)");
    }
    const abs = import_node_path5.default.resolve(cwd, file);
    if (!(0, import_node_fs3.existsSync)(abs) || !(0, import_node_fs3.statSync)(abs).isFile()) {
      throw new InputError("secret-files", `secret '${id}': file '${file}' not found (looked for ${abs})`, "write the file in an earlier step, or fix the path");
    }
    out.push({ id, file: abs });
  }
  return unique("secret-files", out);
}
function parseSecretEnvs(raw, env) {
  const out = [];
  for (const entry of parseList(raw)) {
    const eq = entry.indexOf("=");
    const id = eq > 0 ? entry.slice(0, eq).trim() : "";
    const name = eq > 0 ? entry.slice(eq + 1).trim() : "";
    if (!id || !SECRET_ID.test(id) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new InputError("secret-envs", `'${cut(entry)}' is not id=ENV_NAME`, "write one secret per line as id=NAME, where NAME is an environment variable of this step (env: NAME: ${{ secrets.\u2026 }})");
    }
    const value = env[name];
    if (value === void 0) {
      throw new InputError("secret-envs", `secret '${id}': environment variable ${name} is not set`, `set it on this step: env: { ${name}: \${{ secrets.\u2026 }} }`);
    }
    if (value) setSecret(value);
    out.push({ id, value, input: "secret-envs" });
  }
  return out;
}
function unique(input, secrets) {
  const seen = /* @__PURE__ */ new Set();
  for (const s of secrets) {
    if (seen.has(s.id)) throw new InputError(input, `secret id '${s.id}' is given twice`, "give each secret its own id");
    seen.add(s.id);
  }
  return secrets;
}
function parseSsh(raw) {
  const lines = parseLines(raw);
  for (const line of lines) {
    if (!/^[A-Za-z0-9_.-]+(=.+)?$/.test(line)) {
      throw new InputError("ssh", `'${line}' is not default or id=path`, "write 'default' (the runner's SSH agent) or id=path to a key or agent socket, one per line");
    }
  }
  return lines;
}
function keyValueLines(input, raw, shape, hint) {
  const lines = parseLines(raw);
  for (const line of lines) {
    if (!/^[^=\s][^=]*=/.test(line)) throw new InputError(input, `'${line}' is not ${shape}`, hint);
  }
  return lines;
}
var ANNOTATION_TYPES = ["manifest", "index", "manifest-descriptor", "index-descriptor"];
function parseAnnotations(raw) {
  const lines = keyValueLines("annotations", raw, "key=value", "write one OCI annotation per line as key=value, or index:key=value for the image index");
  for (const line of lines) {
    const key = line.slice(0, line.indexOf("="));
    const colon = key.indexOf(":");
    if (colon < 0) continue;
    const types = key.slice(0, colon).replace(/\[[^\]]*\]/g, "").split(",");
    const unknown = types.find((t) => !ANNOTATION_TYPES.includes(t));
    if (unknown !== void 0) {
      throw new InputError("annotations", `'${line}': unknown annotation level '${unknown}'`, `prefix the key with one of ${ANNOTATION_TYPES.join(", ")} (or none: manifest)`);
    }
  }
  return lines;
}
function parseAddHosts(raw) {
  const hosts = parseList(raw);
  for (const h of hosts) {
    if (!/^[A-Za-z0-9_.-]+[:=]\S+$/.test(h)) throw new InputError("add-hosts", `'${cut(h)}' is not host:ip`, "write each as host:ip (e.g. docker:10.180.0.1), comma- or newline-separated");
  }
  return hosts;
}
function parseUlimits(raw) {
  const lines = parseLines(raw);
  for (const l of lines) {
    if (!/^[a-z]+=-?\d+(:-?\d+)?$/.test(l)) throw new InputError("ulimit", `'${cut(l)}' is not name=soft[:hard]`, "write one limit per line, e.g. nofile=1024:1024");
  }
  return lines;
}
function word(input, raw, shape, hint) {
  const v = raw.trim();
  if (v === "") return void 0;
  if (!shape.test(v)) throw new InputError(input, `'${cut(v)}' is not valid`, hint);
  return v;
}
function csvFields(text) {
  const fields = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      if (quoted && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === "," && !quoted) {
      fields.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  fields.push(cur.trim());
  return fields.filter(Boolean);
}
var EXPORTERS = ["image", "registry", "docker", "oci", "tar", "local", "cacheonly"];
function parseOutputs(raw) {
  const outs = parseLines(raw).map((text) => {
    const attrs = /* @__PURE__ */ new Map();
    for (const f of csvFields(text)) {
      const eq = f.indexOf("=");
      attrs.set((eq < 0 ? f : f.slice(0, eq)).trim().toLowerCase(), eq < 0 ? "" : f.slice(eq + 1).trim());
    }
    const type = attrs.get("type") ?? (text === "-" ? "-" : attrs.size === 1 && !text.includes("=") ? "local" : "");
    if (!EXPORTERS.includes(type)) {
      throw new InputError("outputs", `'${cut(text)}' has no known type (${EXPORTERS.join(", ")})`, "write each output as type=<exporter>,\u2026 e.g. type=local,dest=out or type=image,push=true");
    }
    const truthy = (k) => ["true", "1"].includes((attrs.get(k) ?? "").toLowerCase());
    const pushes = type === "registry" || type === "image" && truthy("push");
    const names = (attrs.get("name") ?? "").split(",").map((n) => n.trim()).filter(Boolean);
    return { text: type === "local" && !attrs.has("type") ? `type=local,dest=${text}` : text, type, pushes, byDigest: pushes && truthy("push-by-digest"), names };
  });
  if (outs.filter((o) => o.pushes).length > 1) {
    throw new InputError("outputs", "lists more than one output that pushes", "push once (type=image,push=true or type=registry) and list every repository in 'tags' or the output's name=");
  }
  return outs;
}
function optional(raw) {
  return raw.trim() === "" ? void 0 : raw.trim();
}
function readBuilderInputs(read, cwd, env = {}) {
  const builder = optional(read("builder"));
  if (builder !== void 0 && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(builder)) {
    throw new InputError("builder", `'${builder}' is not a buildx builder name`, "set it to a name `docker buildx ls` lists, e.g. the name output of docker/setup-buildx-action");
  }
  const provenance = optional(read("provenance"));
  const sbom = optional(read("sbom"));
  return {
    ...builder && { builder },
    platforms: parsePlatforms(read("platforms")),
    secrets: unique("secret-envs", [...parseSecrets(read("secrets")), ...parseSecretFiles(read("secret-files"), cwd), ...parseSecretEnvs(read("secret-envs"), env)]),
    ssh: parseSsh(read("ssh")),
    cacheFrom: parseLines(read("cache-from")),
    cacheTo: parseLines(read("cache-to")),
    ...provenance && { provenance },
    ...sbom && { sbom },
    buildContexts: keyValueLines("build-contexts", read("build-contexts"), "name=path|url", "write one per line as name=path, name=docker-image://ref or name=https://\u2026"),
    annotations: parseAnnotations(read("annotations")),
    addHosts: parseAddHosts(read("add-hosts")),
    ...optionalWord("network", word("network", read("network"), /^[a-z0-9_.:-]+$/i, "set it to default, none or host")),
    ...optionalWord("shmSize", word("shm-size", read("shm-size"), /^\d+(\.\d+)?[bkmg]?$/i, "write a size such as 2g or 512m")),
    ulimits: parseUlimits(read("ulimit")),
    ...optionalWord("cgroupParent", word("cgroup-parent", read("cgroup-parent"), /^\S+$/, "write one cgroup path without spaces")),
    allow: parseList(read("allow")),
    attests: keyValueLines("attests", read("attests"), "type=\u2026", "write one attestation per line, e.g. type=sbom,generator=image or type=provenance,mode=max"),
    noCacheFilters: parseList(read("no-cache-filters")),
    ...optionalWord("call", word("call", read("call"), /^[a-z][a-z.]*(,[a-z]+=[A-Za-z0-9]+)*$/, "set it to build, check, outline or targets (e.g. check)")),
    outputs: parseOutputs(read("outputs")),
    ...loadInput(read("load"))
  };
}
function optionalWord(key, value) {
  return value === void 0 ? {} : { [key]: value };
}
function loadInput(raw) {
  return raw === "" ? {} : { load: parseBoolean("load", raw, false) };
}
function buildkitOnly(b) {
  const used = [];
  if (b.builder) used.push("builder");
  if (b.platforms.length > 1) used.push("platforms");
  if (b.secrets.some((s) => s.value !== void 0 && s.input === void 0)) used.push("secrets");
  if (b.secrets.some((s) => s.input === "secret-envs")) used.push("secret-envs");
  if (b.secrets.some((s) => s.file !== void 0)) used.push("secret-files");
  if (b.ssh.length) used.push("ssh");
  if (b.cacheFrom.length) used.push("cache-from");
  if (b.cacheTo.length) used.push("cache-to");
  if (b.provenance && b.provenance !== "false") used.push("provenance");
  if (b.sbom && b.sbom !== "false") used.push("sbom");
  if (b.buildContexts.length) used.push("build-contexts");
  if (b.annotations.length) used.push("annotations");
  if (b.allow?.length) used.push("allow");
  if (b.attests?.length) used.push("attests");
  if (b.noCacheFilters?.length) used.push("no-cache-filters");
  if (b.call) used.push("call");
  if (b.outputs?.length) used.push("outputs");
  return used;
}

// src/build-push/build-spec.ts
function buildSpec(inputs, plan) {
  const { imageInput, image, images, tags, refTags, remoteContext, labels, summary, latest, ociLabels, semverTags, login, registryTimeoutMs, builder, ...spec } = inputs;
  const redact = spec.buildArgs.filter((a) => secretLookingBuildArgs([a]).length > 0).map((a) => a.slice(a.indexOf("=") + 1)).filter(Boolean);
  const byDigest = (spec.outputs ?? []).some((o) => o.byDigest);
  const refs = byDigest ? plan.repositories.map((r) => r.input) : plan.refs;
  return { ...spec, tags: refs, labels: plan.labels.labels, redact };
}

// src/build-push/inputs.ts
var import_node_fs4 = __toESM(require_fs(), 1);
var import_node_path6 = __toESM(require_path(), 1);
function parseLabels(raw) {
  return parseLabelLines(parseLiteralLines(raw), "labels", { literal: true });
}
var BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*=/;
function parseBuildArgs(raw) {
  const args = parseLines(raw);
  for (const arg of args) {
    if (!BUILD_ARG.test(arg)) {
      throw new InputError("build-args", `'${cut(arg)}' is not KEY=value`, "write one build argument per line as KEY=value");
    }
  }
  return args;
}
function gitContext(ctx) {
  if (!ctx.repository) return void 0;
  let ref = ctx.ref ?? "";
  if (ctx.sha && ref && !ref.startsWith("refs/")) ref = `refs/heads/${ref}`;
  if (ctx.sha && !ref.startsWith("refs/pull/")) ref = ctx.sha;
  if (!ref) return void 0;
  return `${ctx.serverUrl}/${ctx.repository}.git#${ref}`;
}
function isRemoteContext(context) {
  return /^(https?:\/\/|git:\/\/|git@|ssh:\/\/|github\.com\/)/.test(context);
}
function chooseContext(contextRaw, fileRaw, cwd, ctx) {
  const git = gitContext(ctx);
  if (contextRaw.includes("{{defaultContext}}")) {
    if (!git) throw new InputError("context", "{{defaultContext}} needs GITHUB_REPOSITORY and GITHUB_SHA (a GitHub Actions run)", "write the context's path or URL instead");
    return { raw: contextRaw.split("{{defaultContext}}").join(git), fromGit: true };
  }
  if (contextRaw !== "") return { raw: contextRaw, fromGit: false };
  const checkout = (0, import_node_fs4.existsSync)(import_node_path6.default.resolve(cwd, ".git")) || (0, import_node_fs4.existsSync)(import_node_path6.default.resolve(cwd, fileRaw || "Dockerfile"));
  if (checkout || !git) return { raw: ".", fromGit: false };
  return { raw: git, fromGit: true };
}
function resolveBuildFiles(contextRaw, fileRaw, cwd) {
  const context = import_node_path6.default.resolve(cwd, contextRaw || ".");
  if (!(0, import_node_fs4.existsSync)(context) || !(0, import_node_fs4.statSync)(context).isDirectory()) {
    throw new InputError(
      "context",
      `build context '${cut(contextRaw || ".")}' is not a directory (looked in ${cut(context)})`,
      "set 'context' to a directory relative to the workspace, and check out the repository first (actions/checkout)"
    );
  }
  const file = fileRaw ? import_node_path6.default.resolve(cwd, fileRaw) : import_node_path6.default.join(context, "Dockerfile");
  if (!(0, import_node_fs4.existsSync)(file) || !(0, import_node_fs4.statSync)(file).isFile()) {
    throw new InputError(
      "file",
      `Dockerfile '${cut(fileRaw || import_node_path6.default.relative(cwd, file) || "Dockerfile")}' not found (looked for ${cut(file)})`,
      fileRaw ? "set 'file' to the Dockerfile's path relative to the workspace" : "add a Dockerfile to the build context or set 'file' to its path"
    );
  }
  return { context, file };
}
function repositoriesOf(images, names, refTags) {
  const first = images[0] ?? refTags[0]?.repository;
  if (!first) {
    throw new InputError("image", "is required", "set 'image' to the repository to push to (e.g. ghcr.io/acme/api), or write full references in 'tags' (ghcr.io/acme/api:v1), as docker/metadata-action's tags output holds them");
  }
  if (names.length > 0 && images.length === 0) {
    throw new InputError(
      "tags",
      `'${cut(names[0])}' is a tag name, but 'image' is empty, so it names no repository`,
      `set 'image' to the repository, or write the full reference (${cut(first.input)}:${cut(names[0])})`
    );
  }
  return first;
}
function readPush(raw, b) {
  if (callsNoBuild(b.call)) {
    if (raw !== "" && parseBoolean("push", raw, true)) info(`'call: ${b.call}' builds no image: nothing is pushed`);
    return false;
  }
  const outputs = b.outputs ?? [];
  if (outputs.length === 0) return parseBoolean("push", raw, true);
  const pushing = outputs.some((o) => o.pushes);
  if (raw === "") return pushing;
  const push = parseBoolean("push", raw, true);
  if (push && !pushing) {
    throw new InputError("push", "is true, but 'outputs' lists no output that pushes", "set 'push: false' to export only to 'outputs', or add type=image,push=true (or type=registry) to 'outputs'");
  }
  if (!push && pushing) {
    throw new InputError("outputs", "pushes (type=registry or push=true), but 'push' is false", "remove 'push: false', or drop push=true from 'outputs'");
  }
  return push;
}
function gitAuthSecret(raw, context, ctx, b) {
  if (!raw || !context.fromGit || b.secrets.some((s) => s.id.startsWith("GIT_AUTH_TOKEN"))) return [];
  setSecret(raw);
  return [{ id: `GIT_AUTH_TOKEN.${new URL(ctx.serverUrl).host}`, value: raw, input: "github-token" }];
}
function readInputs(read, cwd = process.cwd(), env = {}) {
  const ctx = readRunContext(env);
  const images = parseRepositories("image", read("image"));
  const { names: tags, refs } = parseTagEntries(read("tags"));
  const builder = readBuilderInputs(read, cwd, env);
  const outputNames = (builder.outputs ?? []).filter((o) => o.pushes).flatMap((o) => o.names);
  const refTags = [...refs, ...parseTagEntries(outputNames.join("\n"), "outputs").refs];
  const first = repositoriesOf(images, tags, refTags);
  const imageInput = first.input;
  const image = first.name;
  const labels = parseLabels(read("labels", { trim: false }));
  const latest = parseChoice("latest", read("latest"), LATEST_POLICIES, "warn");
  const ociLabels = parseBoolean("oci-labels", read("oci-labels"), true);
  const semverTags = parseChoice("semver-tags", read("semver-tags"), SEMVER_TAG_MODES, "all");
  const buildArgs = parseBuildArgs(read("build-args"));
  const summary = parseBoolean("summary", read("summary"), true);
  const pull = parseBoolean("pull", read("pull"), false);
  const noCache = parseBoolean("no-cache", read("no-cache"), false);
  const target = read("target") || void 0;
  if (target !== void 0 && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target)) {
    throw new InputError("target", `'${cut(target)}' is not a build stage name`, "set it to the name of a stage (FROM \u2026 AS <name>)");
  }
  const fileRaw = read("file");
  const chosen = chooseContext(read("context"), fileRaw, cwd, ctx);
  const remoteContext = isRemoteContext(chosen.raw);
  const { context, file } = remoteContext ? { context: chosen.raw, file: fileRaw } : resolveBuildFiles(chosen.raw, fileRaw, cwd);
  const login = parseLogin(read("username"), read("password"));
  const gitContextUrl = gitContext(ctx);
  if (gitContextUrl) builder.buildContexts = builder.buildContexts.map((c) => c.split("{{defaultContext}}").join(gitContextUrl));
  builder.secrets = [...builder.secrets, ...gitAuthSecret(read("github-token"), chosen, ctx, builder)];
  const push = readPush(read("push"), builder);
  const registryTimeoutMs = parseRegistryTimeout(read("registry-timeout"));
  return {
    imageInput,
    image,
    images,
    tags,
    refTags,
    context,
    remoteContext,
    file,
    buildArgs,
    ...target && { target },
    pull,
    noCache,
    labels,
    push,
    summary,
    latest,
    ociLabels,
    semverTags,
    ...login && { login },
    registryTimeoutMs,
    ...builder
  };
}
var BUILD_INPUTS = [
  "image",
  "tags",
  "context",
  "file",
  "build-args",
  "target",
  "pull",
  "no-cache",
  "builder",
  "platforms",
  "secrets",
  "secret-files",
  "secret-envs",
  "ssh",
  "cache-from",
  "cache-to",
  "provenance",
  "sbom",
  "attests",
  "build-contexts",
  "annotations",
  "labels",
  "oci-labels",
  "semver-tags",
  "latest",
  "push",
  "load",
  "outputs",
  "call",
  "add-hosts",
  "allow",
  "network",
  "shm-size",
  "ulimit",
  "cgroup-parent",
  "no-cache-filters",
  "github-token",
  "summary",
  "files",
  "write",
  "username",
  "password",
  "registry-timeout",
  "pull-request",
  "comment",
  "token",
  "pr-branch",
  "pr-base",
  "pr-title",
  "pr-labels"
];
function checkUnknownInputs(env) {
  const known = new Set(BUILD_INPUTS.map((n) => `INPUT_${n.toUpperCase()}`));
  const unknown = Object.keys(env).filter((k) => k.startsWith("INPUT_") && !known.has(k)).sort();
  const [first] = unknown;
  if (first === void 0) return;
  const name = first.slice("INPUT_".length).toLowerCase();
  throw new InputError(name, 'is not an input of this action (the runner only warns "Unexpected input"; this step would otherwise build without it)', `remove '${name}', or use the input docs/migrating.md names for it; declared inputs: ${BUILD_INPUTS.join(", ")}`);
}

// src/build-push/plan.ts
function groups(inputs) {
  const images = inputs.images ?? (inputs.image ? [{ input: inputs.imageInput, name: inputs.image }] : []);
  const refTags = inputs.refTags ?? [];
  const out = [];
  const find = (r) => {
    let g = out.find((x) => formatName(x.repo.name) === formatName(r.name));
    if (!g) out.push(g = { repo: r, tags: [] });
    return g;
  };
  const named = new Set(refTags.map((r) => formatName(r.repository.name)));
  for (const repo of images) {
    const g = find(repo);
    if (inputs.tags.length > 0 || !named.has(formatName(repo.name))) g.tags.push(...inputs.tags);
  }
  for (const r of refTags) {
    const g = find(r.repository);
    const tag = r.tag ?? "latest";
    if (!g.tags.includes(tag)) g.tags.push(tag);
  }
  if (out.length === 0) out.push({ repo: { input: inputs.imageInput, name: { registry: "", repository: inputs.imageInput } }, tags: [...inputs.tags] });
  return out;
}
function planBuild(inputs, ctx, commit, nativePlatform2) {
  const notes = [];
  const oci = inputs.ociLabels ?? true;
  const byDigest = (inputs.outputs ?? []).some((o) => o.byDigest);
  const grouped = groups(inputs);
  const allTags = grouped.flatMap((g) => g.tags);
  const platform = tagPlatform(allTags, inputs.platforms ?? [], nativePlatform2);
  const repositories = [];
  let version;
  for (const g of grouped) {
    if (byDigest) {
      repositories.push({ ...g.repo, targets: [] });
      continue;
    }
    const groupNotes = [];
    const t2 = planTags({ ...inputs, imageInput: g.repo.input, tags: g.tags }, ctx, commit.sha, groupNotes, platform);
    for (const n of groupNotes) if (!notes.some((m) => m.text === n.text)) notes.push(n);
    version ??= t2.version;
    repositories.push({ ...g.repo, targets: t2.tags.map((tag) => ({ tag, ref: `${g.repo.input}:${tag}` })) });
  }
  if (byDigest) version = refVersion(ctx);
  const t = { ...version && { version } };
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
  const targets = repositories.flatMap((r) => r.targets);
  return {
    repositories,
    targets,
    tags: (repositories[0]?.targets ?? []).map((x) => x.tag),
    refs: targets.map((x) => x.ref),
    labels,
    ...t.version && { version: t.version },
    notes
  };
}

// src/build-push/readback.ts
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
function checkImages(client, view) {
  const where = `${client.registry}/${client.repository}`;
  if (view.platforms.length === 0) throw new ActionError(`index ${view.digest} in ${where} lists no image manifest`);
  const seen = /* @__PURE__ */ new Set();
  for (const p of view.platforms) {
    if (seen.has(p.platform)) throw new ActionError(`index ${view.digest} in ${where} lists ${p.platform} more than once`);
    seen.add(p.platform);
  }
}
function checkBuilt(client, held, built, tags) {
  const names = /* @__PURE__ */ new Set([held.digest, ...held.platforms.flatMap((p) => [p.digest, p.configDigest])]);
  const where = tags.length ? `${client.registry}/${client.repository}:${tags.join(", :")}` : `${client.registry}/${client.repository}@${held.digest}`;
  const configs = `config ${held.platforms.map((p) => p.configDigest).join(", ")}`;
  const holds = `${held.digest} (${configs})`;
  if (built.imageId && !names.has(built.imageId)) {
    const platformManifests = held.platforms.map((p) => p.digest).filter((d) => d !== held.digest);
    const compared = built.imageIdKind === "manifest" ? `manifest ${held.digest}${platformManifests.length ? ` (platform manifests ${platformManifests.join(", ")})` : ""}, but the build produced image ID ${built.imageId}, a manifest digest (the engine's containerd image store names images by manifest)` : built.imageIdKind === "config" ? `${holds}, but the build produced image ID ${built.imageId}, a config digest (the engine's classic image store names images by config)` : `${holds}, but the build produced image ID ${built.imageId}`;
    throw new ActionError(
      `the image in the registry is not the image this step built: ${where} holds ${compared}. Another build replaced the tag between this build and its push or read-back`,
      "give builds that may run at the same time on one docker daemon distinct tags (e.g. add {{sha}} or {{run_id}}), or run them one after the other"
    );
  }
  const claimed = built.configDigest;
  if (claimed && !held.platforms.some((p) => p.configDigest === claimed)) {
    throw new ActionError(
      `${built.claimedBy ?? "the builder"} reported config ${claimed}, but ${where} holds ${holds}`,
      "another push replaced the image, or the builder reported another image; re-run the job and report it with the build log if it persists"
    );
  }
}
async function readBack(client, pushed, built = {}) {
  const claimedBy = built.claimedBy ?? "docker push";
  const reported = [...new Set(pushed.map((p) => p.digest).filter((d) => !!d))];
  if (reported.length > 1) {
    throw new ActionError(
      `${claimedBy} reported different digests for the tags of one image: ${reported.join(", ")}`,
      "push each image from a single build step"
    );
  }
  const states = await tagStates(client, pushed.map((p) => p.tag), reported[0]);
  const digest = ourDigest(reported[0], states, client);
  const movedTags2 = states.filter((s) => s.digest !== digest).map((s) => ({ tag: s.tag, now: s.digest }));
  let manifest;
  try {
    manifest = await client.manifest(digest);
  } catch (error) {
    if (movedTags2.length > 0 && error instanceof RegistryError && error.status === 404) {
      const now = [...new Set(movedTags2.map((s) => s.now))];
      throw new ActionError(
        `digest mismatch: ${claimedBy} reported ${digest} but ${client.registry}/${client.repository} does not hold it (the tags point to ${now.join(", ")})`,
        "the registry may rewrite manifests on push, or a proxy in between answered for it; report this with the push log"
      );
    }
    throw error;
  }
  for (const m of movedTags2) {
    warning(
      `Tag '${m.tag}' now points to ${m.now}, not to the ${digest} this step pushed: another push to the same tag happened in between. Deploy with the 'pinned' output, which names exactly this build.`
    );
  }
  return hold(client, digest, manifest.digest, movedTags2, { ...built, claimedBy }, pushed.map((p) => p.tag));
}
async function readBackByDigest(client, digest, built = {}) {
  const manifest = await client.manifest(digest);
  return hold(client, digest, manifest.digest, [], { ...built, claimedBy: built.claimedBy ?? "the builder" }, []);
}
async function hold(client, digest, manifestDigest, movedTags2, built, tags) {
  const view = await readImage(client, manifestDigest);
  const { platforms, mediaType } = view;
  if (view.index) checkImages(client, view);
  for (const a of view.attestations.filter((a2) => a2.state === "missing")) {
    warning(
      `Attestation manifest ${a.digest}${a.platform ? ` (for ${a.platform})` : ""} is listed in index ${digest} but ${client.registry} does not hold it: its provenance/SBOM cannot be read. The image digests are unaffected.`
    );
  }
  const primary = platforms.find((p) => p.platform === "linux/amd64") ?? platforms[0];
  const held = {
    digest,
    mediaType,
    ...primary.digest !== digest && { platformDigest: primary.digest },
    configDigest: primary.configDigest,
    labels: primary.labels,
    platforms,
    attestations: view.attestations,
    movedTags: movedTags2
  };
  checkBuilt(client, held, built, tags);
  return held;
}
function checkLabels(held, expected, platform) {
  const wrong = Object.entries(expected).filter(([k, v]) => held[k] !== v);
  if (wrong.length === 0) return;
  const lines = wrong.map(([k, v]) => `  ${k}: expected '${v}', registry holds ${held[k] === void 0 ? "nothing" : `'${held[k]}'`}`);
  throw new ActionError(
    `the image${platform ? ` for ${platform}` : ""} in the registry does not carry the labels this step built it with:
${lines.join("\n")}`,
    "another build may have pushed the same tag at the same moment, or the builder dropped labels; re-run the job"
  );
}
function checkPlatformLabels(held, expected) {
  const many = held.platforms.length > 1;
  for (const p of held.platforms) checkLabels(p.labels, expected, many ? p.platform : void 0);
}
function samePlatform(p) {
  return p === "linux/arm64/v8" ? "linux/arm64" : p;
}
function checkPlatforms(held, requested) {
  if (requested.length === 0) return;
  const want = [...new Set(requested.map(samePlatform))].sort();
  const got = [...new Set(held.platforms.map((p) => samePlatform(p.platform)))].sort();
  if (want.join(",") === got.join(",")) return;
  throw new ActionError(
    `the registry holds ${held.digest} for ${got.join(", ") || "no platform"}, but the step asked for ${want.join(", ")} ('platforms' input): the builder produced another platform than asked`,
    "the builder may have reused a cached image of another platform; build each platform on a builder that honours --platform (docker/setup-buildx-action), or leave 'platforms' empty for the runner's own"
  );
}

// src/build-push/texts.ts
function builderNotes(inputs, builder) {
  const notes = [];
  const risky = secretLookingBuildArgs(inputs.buildArgs);
  if (risky.length > 0) {
    notes.push({
      level: "warning",
      title: "Secret in a build argument",
      text: `build-args ${risky.map((n) => `'${n}'`).join(", ")} look${risky.length === 1 ? "s" : ""} like a secret: build arguments are stored in the image's history and provenance, where anyone who can pull the image reads them. Pass secrets with the 'secrets' input (id=value) and mount them in the Dockerfile with RUN --mount=type=secret,id=<id>.`
    });
  }
  if (builder.info.tool === "buildx" && !inputs.push && inputs.platforms.length > 1) {
    notes.push({
      level: "notice",
      title: "Multi-platform build not loaded",
      text: `${inputs.platforms.length} platforms cannot be loaded into docker images: with 'push: false' the result stays in the cache of builder '${builder.info.name}'. Set 'push: true' to publish it, or build one platform to get it in docker images.`
    });
  }
  return notes;
}
function needsBuildKit(input, env) {
  const why = env.DOCKER_BUILDKIT === "0" ? "DOCKER_BUILDKIT=0 selects the legacy builder" : "docker buildx is not installed";
  return new InputError(
    input,
    `needs BuildKit (docker buildx), but this step builds with the legacy docker build: ${why}`,
    `add docker/setup-buildx-action before this step${env.DOCKER_BUILDKIT === "0" ? " and remove DOCKER_BUILDKIT=0" : ""}, or remove '${input}'`
  );
}
function logReadBack(r) {
  info(`Registry holds ${r.digest} (${r.mediaType})`);
  for (const i of r.platforms) info(`  ${i.platform}: manifest ${i.digest}, config ${i.configDigest}`);
  for (const a of r.attestations) info(`  attestation ${a.digest}${a.platform ? ` for ${a.platform}` : ""}: ${a.predicateTypes.join(", ") || "unreadable"}`);
}

// src/build-push/steps.ts
async function prepare(deps) {
  const ctx = readRunContext(deps.env);
  checkUnknownInputs(deps.env);
  const inputs = readInputs(deps.readInput, deps.cwd, deps.env);
  const pinInputs = readPinInputs(deps.readInput);
  const github = gitHubInputs(deps.readInput, pinInputs.files.length > 0, inputs.push);
  const pins = pinInputs.files.length > 0 ? await (await loadLater()).prepareBuildPins(pinInputs, inputs.push, deps.cwd) : void 0;
  const [commit, builder] = await Promise.all([
    resolveCommit(ctx, inputs.remoteContext ? deps.cwd : inputs.context, { head: deps.gitHead, commitTime: deps.gitCommitTime }),
    chooseBuilder(deps, inputs)
  ]);
  const plan = planBuild(inputs, ctx, commit, nativePlatform(builder.info));
  logPlanNotes([...builderNotes(inputs, builder), ...plan.notes]);
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
  return { inputs, plan, commit, base, ...pins && { pins }, builder, ...github && { github } };
}
async function chooseBuilder(deps, inputs) {
  const tempRoot = deps.env.RUNNER_TEMP || void 0;
  const builder = await selectBuilder(deps.docker, { ...inputs.builder && { requested: inputs.builder }, env: deps.env, ...tempRoot && { tempRoot } });
  if (builder.info.tool === "buildx") {
    info(`Builder: ${builder.info.name} (buildx, driver ${builder.info.driver})`);
    return builder;
  }
  const [input] = buildkitOnly(inputs);
  if (input) throw needsBuildKit(input, deps.env);
  info("Builder: docker build (legacy builder: no buildx), then docker push");
  return builder;
}
async function logIn(deps, inputs) {
  if (!inputs.login) return void 0;
  await deps.docker.serverVersion();
  return loginForStep(deps.docker, inputs.image.registry, inputs.login.username, inputs.login.password, deps.env);
}
async function build(deps, p) {
  info(`Building ${p.plan.refs.join(", ")} at commit ${p.commit.sha} (${p.commit.source})`);
  const builder = p.builder.using(deps.docker);
  let running;
  const started = new Promise((resolve) => running = resolve);
  const building = builder.build({ ...buildSpec(p.inputs, p.plan), onStarted: running });
  const opening = p.inputs.push ? Promise.race([started, building.catch(() => void 0)]).then(async () => {
    const registries = await deps.openRegistries({ env: deps.env, budgetMs: p.inputs.registryTimeoutMs });
    registries.budget.start();
    for (const r of p.plan.repositories) void registries.client(r.name).warmUp();
    return registries;
  }) : void 0;
  const [built, opened] = await Promise.allSettled([building, opening]);
  if (built.status === "rejected") {
    if (opened.status === "fulfilled") await opened.value?.close();
    await deps.docker.serverVersion();
    throw built.reason;
  }
  if (opened.status === "rejected") throw opened.reason;
  return { built: built.value, ...opened.value && { registries: opened.value } };
}
async function pushAndReadBack(deps, p, built, registries) {
  const clients = p.plan.repositories.map((r) => registries.client(r.name));
  const warming = Promise.all(clients.map((c) => c.warmUp()));
  const results = await p.builder.using(deps.docker).push(built, p.plan.targets);
  registries.budget.start();
  await warming;
  const claims = {
    ...built.imageId && { imageId: built.imageId },
    ...built.imageId && built.imageStore && { imageIdKind: imageIdKind(built.imageStore) },
    ...built.claimedConfigDigest && { configDigest: built.claimedConfigDigest },
    claimedBy: built.pushedByBuilder ? `buildx (builder ${built.builder.name}, driver ${built.builder.driver})` : "docker push"
  };
  const byDigest = (p.inputs.outputs ?? []).some((o) => o.byDigest);
  const repositories = await Promise.all(
    p.plan.repositories.map(async (repo, i) => {
      const client = clients[i];
      if (byDigest) {
        if (!built.claimedDigest) throw new ActionError("the builder pushed by digest but reported no digest", "use a buildx this action is tested with (docs/support.md)");
        return { repo, held: await readBackByDigest(client, built.claimedDigest, claims) };
      }
      const pushed = results.filter((r) => repo.targets.some((t) => t.ref === r.ref)).map((r) => ({ tag: r.tag, ...r.digest && { digest: r.digest } }));
      return { repo, held: await readBack(client, pushed, claims) };
    })
  );
  await group("Read back from the registry", async () => {
    for (const r of repositories) {
      if (repositories.length > 1) info(`${r.repo.input}:`);
      logReadBack(r.held);
    }
  });
  for (const r of repositories) {
    checkPlatforms(r.held, p.inputs.platforms);
    checkPlatformLabels(r.held, p.plan.labels.labels);
  }
  const held = agreed(repositories);
  const pins = p.pins && await (await loadLater()).pinBuiltImage(
    p.pins,
    repositories.map((r) => ({ name: r.repo.name, tags: r.repo.targets.map((t) => t.tag) })),
    held.digest
  );
  return { held, repositories, ...pins && { pins } };
}
function agreed(repositories) {
  const first = repositories[0];
  const digests = new Set(repositories.map((r) => r.held.digest));
  if (digests.size > 1) {
    throw new ActionError(
      `the registries hold different images for this one build:
${repositories.map((r) => `  ${r.repo.input}: ${r.held.digest}`).join("\n")}`,
      "a registry converted the image on push (manifest format or compression); push to the registries that keep it as built, or build once per registry"
    );
  }
  return first.held;
}
function report(p, built, pushed) {
  const summary = p.inputs.summary;
  if (!pushed) {
    return { report: { ...p.base, imageId: built.imageId ?? built.claimedConfigDigest ?? "", ...built.called && { called: built.called, tags: [] } }, summary };
  }
  const imageId = built.imageId ?? pushed.held.configDigest;
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
      configDigest: held.configDigest,
      platforms: held.platforms.map(({ platform, digest, configDigest }) => ({ platform, digest, configDigest })),
      attestations: { count: held.attestations.length, ...attestationKinds(held.attestations) },
      labels: held.labels,
      movedTags: pushed.repositories ? pushed.repositories.flatMap((r) => r.held.movedTags) : held.movedTags,
      ...pushed.repositories && {
        repositories: pushed.repositories.map((r) => ({
          image: r.repo.input,
          registry: r.repo.name.registry,
          digest: r.held.digest,
          pinned: `${r.repo.input}@${r.held.digest}`,
          tags: r.repo.targets.map((t) => t.ref)
        }))
      }
    },
    summary
  };
}

// src/build-push/summary-platforms.ts
function renderPlatforms(report2) {
  if (!report2.pushed || !report2.platforms || report2.platforms.length === 0) return void 0;
  const rows = report2.platforms.map((p) => [htmlCode(p.platform), htmlCode(p.digest), htmlCode(p.configDigest)]);
  return sections(
    `#### Platforms (${report2.platforms.length}, each read back and verified)`,
    htmlTable(["Platform", "Manifest digest", "Config digest"], rows),
    html(attestationLine(report2.attestations))
  );
}
function attestationLine(a) {
  if (!a || a.count === 0) return "Attestations: none (no provenance, no SBOM attached).";
  const kinds = `provenance ${a.provenance ? "attached" : "not attached"}, SBOM ${a.sbom ? "attached" : "not attached"}`;
  return `Attestations: ${kinds} (${a.count} attestation manifest${a.count === 1 ? "" : "s"} in the index, not platforms).`;
}

// src/build-push/main.ts
function defaultDeps() {
  return {
    docker: new DockerCli(),
    openRegistries: async (access) => (await loadLater()).dockerRegistries(access),
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
    const { built, registries } = await build(stepDeps, prepared);
    if (!registries) return report(prepared, built);
    try {
      return report(prepared, built, await pushAndReadBack(stepDeps, prepared, built, registries));
    } finally {
      await registries.close();
    }
  } finally {
    await login?.cleanup();
  }
}
function toActionResult({ report: r, summary, pins, github }) {
  const outputs = Object.fromEntries(Object.entries(toOutputs(r)).filter((e) => e[1] !== void 0));
  return {
    outputs: { ...outputs, ...pins && { "changed-files": pins.changedFiles }, ...github?.outputs },
    ...summary && { summary: sections(renderSummary(r), renderPlatforms(r), pins?.summary, github?.summary) },
    ...r.pinned && { notice: { text: `Pinned: ${r.pinned}`, title: "Image pushed" } }
  };
}
function run(deps = defaultDeps()) {
  return runAction(async () => toActionResult(await buildAndPush(deps)));
}

// src/build-push/index.ts
await run();
