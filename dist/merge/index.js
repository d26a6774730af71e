import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  LATEST_POLICIES,
  TEMPLATE_NAMES,
  expandTag,
  logPlanNotes,
  parseRepositories,
  parseTagEntries,
  planTags,
  resolveCommit,
  tagStates,
  templateProblem,
  templateValues
} from "../chunks/chunk-IQ4PXG3D.js";
import {
  BUILD_NUMBER_LABEL,
  COMMIT_LABEL,
  OCI_CREATED,
  OCI_REVISION,
  OCI_SOURCE,
  maskSecretInputs,
  parseLabelLines
} from "../chunks/chunk-A2WO2TPN.js";
import {
  envInputReader,
  parseBoolean,
  parseChoice,
  parseLines,
  parseLogin,
  parseReferenceInput,
  parseRegistryTimeout,
  runAction
} from "../chunks/chunk-PAPUM53D.js";
import {
  dockerRegistries
} from "../chunks/chunk-RFJBKPLH.js";
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  NestedIndexError,
  NotAnImageError,
  OCI_INDEX,
  OCI_MANIFEST,
  formatPlatform,
  readImage
} from "../chunks/chunk-426R2XC5.js";
import {
  commitUrl,
  readRunContext,
  repositoryUrl,
  runUrl
} from "../chunks/chunk-F74GLXIE.js";
import {
  ActionError,
  InputError,
  RegistryError,
  TAG,
  code,
  codeBlock,
  formatName,
  html,
  htmlCode,
  htmlLink,
  htmlTable,
  link,
  sections,
  sha256Digest
} from "../chunks/chunk-T7K4ATKP.js";
import {
  group,
  info,
  warning
} from "../chunks/chunk-TFVKVXD5.js";
import "../chunks/chunk-3FGA6ACG.js";

// src/merge/report.ts
function platformDigests(images) {
  return Object.fromEntries([...images].sort((a, b) => a.platformText < b.platformText ? -1 : 1).map((i) => [i.platformText, i.digest]));
}
function toMergeOutputs(r) {
  const platforms = platformDigests(r.images);
  const metadata = {
    image: r.image,
    digest: r.digest,
    pinned: r.pinned,
    mediaType: r.mediaType,
    tags: r.tags,
    commit: r.commit,
    platforms: [...r.images].sort((a, b) => a.platformText < b.platformText ? -1 : 1).map((i) => ({
      platform: i.platformText,
      digest: i.digest,
      source: i.source.input,
      reference: i.source.reference,
      commit: i.labels[COMMIT_LABEL],
      buildNumber: i.labels[BUILD_NUMBER_LABEL]
    })),
    attestations: r.attestations,
    annotations: r.annotations
  };
  return {
    digest: r.digest,
    pinned: r.pinned,
    "pinned-all": (r.pinnedAll ?? [r.pinned]).join("\n"),
    platforms: JSON.stringify(platforms),
    tags: r.tags.join("\n"),
    metadata: JSON.stringify(metadata)
  };
}
function sourceText(image, reference) {
  return reference.startsWith(`${image}:`) ? reference.slice(image.length + 1) : reference;
}
function platformTable(r) {
  const rows = [...r.images].sort((a, b) => a.platformText < b.platformText ? -1 : 1).map((i) => {
    const commit = i.labels[COMMIT_LABEL] ?? "";
    const build = i.labels[BUILD_NUMBER_LABEL] ?? "";
    return [
      htmlCode(i.platformText, { wrap: false }),
      htmlCode(i.digest),
      htmlLink(htmlCode(commit.slice(0, 12), { wrap: false }), commit === r.commit ? r.commitUrl : void 0),
      build ? htmlLink(html(`#${build}`), build === r.runNumber ? r.runUrl : void 0) : "",
      htmlCode(sourceText(r.image, i.source.reference))
    ];
  });
  return htmlTable(["Platform", "Digest", "Commit", "Build", "Source"], rows);
}
function renderMergeSummary(r) {
  const kind = r.mediaType.includes("docker") ? "Docker manifest list" : "OCI image index";
  const attestations = r.attestations > 0 ? `, ${r.attestations} attestation manifest${r.attestations === 1 ? "" : "s"} kept` : "";
  const facts = [
    `**Index** ${kind} of ${r.images.length} platform${r.images.length === 1 ? "" : "s"}${attestations}; read back from the registry by digest, sha256 verified`,
    `**Commit** ${link(code(r.commit), r.commitUrl)}`,
    `**Tags** ${r.tags.map((t) => code(t)).join(" ")}`
  ];
  const moved = r.movedTags.length > 0 ? ["> [!WARNING]", ...r.movedTags.map((m) => `> Tag ${code(m.tag)} now points to ${code(m.now)}: another push happened after this one. Deploy with the pinned reference.`)].join("\n") : void 0;
  const keys = Object.keys(r.annotations);
  const annotations = keys.length > 0 ? ["<details><summary>Index annotations</summary>", "", htmlTable(["Key", "Value"], keys.map((k) => [htmlCode(k, { wrap: false }), htmlCode(r.annotations[k])])), "", "</details>"].join("\n") : void 0;
  return sections(
    `### Merged ${code(r.image)}`,
    codeBlock(r.pinned),
    facts.map((f) => `- ${f}`).join("\n"),
    moved,
    "#### Platforms",
    platformTable(r),
    annotations
  );
}

// src/merge/compose.ts
var byText = (a, b) => a < b ? -1 : a > b ? 1 : 0;
function composeIndex(images, attestations, annotations, annotationsAsked) {
  const sorted = [...images].sort((a, b) => byText(a.platformText, b.platformText) || byText(a.digest, b.digest));
  const order = new Map(sorted.map((img, i) => [img.digest, i]));
  const kept = attestations.filter((a) => a.for !== void 0 && order.has(a.for)).sort((a, b) => order.get(a.for) - order.get(b.for) || byText(a.descriptor.digest, b.descriptor.digest));
  const docker = kept.length === 0 && !annotationsAsked && sorted.every((i) => i.mediaType === DOCKER_MANIFEST);
  const mediaType = docker ? DOCKER_MANIFEST_LIST : OCI_INDEX;
  const manifests = [
    ...sorted.map((img) => ({
      mediaType: img.mediaType,
      digest: img.digest,
      size: img.size,
      ...!docker && img.annotations && { annotations: img.annotations },
      platform: img.platform
    })),
    ...kept.map((a) => ({
      mediaType: a.descriptor.mediaType,
      digest: a.descriptor.digest,
      size: a.descriptor.size,
      ...a.descriptor.annotations && { annotations: a.descriptor.annotations },
      ...a.descriptor.platform && { platform: a.descriptor.platform }
    }))
  ];
  const written = docker ? {} : Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => byText(a, b)));
  const body = {
    schemaVersion: 2,
    mediaType,
    manifests,
    ...Object.keys(written).length > 0 && { annotations: written }
  };
  return { mediaType, bytes: Buffer.from(JSON.stringify(body)), manifests, annotations: written };
}

// src/merge/inputs.ts
var SOURCE_HINT = "write one source per line: a tag of 'image' (sha-{{sha}}-linux-amd64), a repository and tag (ghcr.io/acme/api-arm:sha-{{sha}}) or a repository and digest (ghcr.io/acme/api@sha256:\u2026)";
function parseSources(raw) {
  const lines = [...new Set(parseLines(raw))];
  if (lines.length === 0) throw new InputError("sources", "is required", SOURCE_HINT);
  for (const line of lines) {
    const problem = templateProblem(line);
    if (problem) throw new InputError("sources", problem, `templates: ${TEMPLATE_NAMES.map((n) => `{{${n}}}`).join(" ")}`);
  }
  return lines;
}
function mergeTargets(imageRaw, tagsRaw) {
  const images = parseRepositories("image", imageRaw);
  const { names, refs } = parseTagEntries(tagsRaw);
  if (images.length === 0 && refs.length === 0) {
    throw new InputError("image", "is required", "set 'image' to the repository to write the index to (e.g. ghcr.io/acme/api), or write full references in 'tags'");
  }
  if (names.length > 0 && images.length === 0) {
    throw new InputError("tags", `'${names[0]}' is a tag name, but 'image' is empty, so it names no repository`, "set 'image', or write full references (ghcr.io/acme/api:v1)");
  }
  const targets = [];
  const find = (r) => {
    let t = targets.find((x) => formatName(x.name) === formatName(r.name));
    if (!t) targets.push(t = { ...r, tags: [] });
    return t;
  };
  const named = new Set(refs.map((r) => formatName(r.repository.name)));
  for (const img of images) {
    const t = find(img);
    if (names.length > 0 || !named.has(formatName(img.name))) t.tags.push(...names);
  }
  for (const r of refs) {
    const t = find(r.repository);
    const tag = r.tag ?? "latest";
    if (!t.tags.includes(tag)) t.tags.push(tag);
  }
  return { tags: names, targets };
}
function readMergeInputs(read) {
  const { tags, targets } = mergeTargets(read("image"), read("tags"));
  const first = targets[0];
  const imageInput = first.input;
  const image = first.name;
  const sources = parseSources(read("sources"));
  const annotations = parseLabelLines(parseLines(read("annotations")), "annotations");
  const requireSameCommit = parseBoolean("require-same-commit", read("require-same-commit"), true);
  const latest = parseChoice("latest", read("latest"), LATEST_POLICIES, "warn");
  const summary = parseBoolean("summary", read("summary"), true);
  const login = parseLogin(read("username"), read("password"));
  const registryTimeoutMs = parseRegistryTimeout(read("registry-timeout"));
  const attestations = parseBoolean("attestations", read("attestations"), true);
  return { imageInput, image, sources, tags, targets, annotations, requireSameCommit, latest, summary, registryTimeoutMs, attestations, ...login && { login } };
}

// src/merge/sources.ts
function isBareTag(text) {
  return TAG.test(text) && !/[/:@]/.test(text);
}
function expandSources(lines, values, image, ref, o = {}) {
  const seen = /* @__PURE__ */ new Set();
  const out = [];
  for (const input of lines) {
    const expanded = expandTag(input, values);
    if (expanded.tag === void 0) {
      throw new InputError(
        "sources",
        `'${input}' uses ${expanded.missing.map((m) => `{{${m}}}`).join(", ")}, which has no value in this run (ref ${ref ?? "unknown"})`,
        expanded.missing.includes("platform") ? "a merge has no single platform: write each platform into its line, e.g. 'sha-{{sha}}-linux-arm64'" : "use templates that have a value in every run that merges, such as {{sha}} or {{run_number}}"
      );
    }
    const text = expanded.tag;
    const parsed = isBareTag(text) ? { ...image, tag: text } : parseReferenceInput("sources", text, "write a tag of 'image', or repository:tag, or repository@sha256:<64 hex>");
    if (parsed.tag === void 0 && parsed.digest === void 0) {
      throw new InputError("sources", `'${input}' names the repository ${formatName(parsed)} without a tag or digest`, `write ${text}:<tag> or ${text}@sha256:<digest>`);
    }
    if (parsed.registry !== image.registry && parsed.digest !== void 0 && o.rebaseDigests) {
      parsed.registry = image.registry;
      parsed.repository = image.repository;
    }
    if (parsed.registry !== image.registry) {
      throw new InputError(
        "sources",
        `'${input}' is in registry ${parsed.registry}, but the index goes to ${image.registry}: a merge references its children, it copies no layers between registries`,
        `push the per-platform images to ${image.registry} (the registry of 'image'), or copy them there first (skopeo copy, crane copy)`
      );
    }
    const target = parsed.digest !== void 0 ? { ...parsed, digest: parsed.digest } : { ...parsed, tag: parsed.tag };
    const reference = "digest" in target && target.digest ? `${formatName(target)}@${target.digest}` : `${formatName(target)}:${parsed.tag}`;
    if (seen.has(reference)) continue;
    seen.add(reference);
    out.push({ input, reference, ref: target });
  }
  return out;
}
function sourceRef(source) {
  return "digest" in source.ref && source.ref.digest ? source.ref.digest : source.ref.tag;
}

// src/merge/read.ts
var IMAGE_MANIFESTS = [OCI_MANIFEST, DOCKER_MANIFEST];
function mergeable(client, source, image) {
  const where = `source '${source.input}' (${client.registry}/${client.repository}@${image.digest})`;
  if (!IMAGE_MANIFESTS.includes(image.mediaType)) throw notMergeable(where, image.mediaType);
  const { platform: _entryPlatform, configPlatform, ...rest } = image;
  if (!configPlatform) throw new ActionError(`the image config of ${where} names no os/architecture, so its platform is unknown`);
  return { ...rest, source, repository: client.repository, platform: configPlatform, platformText: formatPlatform(configPlatform) };
}
function notMergeable(where, mediaType) {
  return new ActionError(
    `${where} is not an image manifest or index this step can merge (media type ${mediaType || "unknown"})`,
    "merge images pushed as OCI or Docker v2 schema 2 manifests (what docker, buildx and BuildKit push)"
  );
}
async function readSource(client, source, copying) {
  let found;
  try {
    found = await client.descriptor(sourceRef(source), { verified: true });
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return { status: "missing", source, message: error.message };
    throw error;
  }
  let view;
  try {
    view = await readImage(client, found.digest, { attestations: copying ? "read" : "list" });
  } catch (error) {
    if (error instanceof NestedIndexError) {
      throw new ActionError(`source '${source.input}' is an index that contains another index (${error.child}); merge its images directly`);
    }
    if (error instanceof NotAnImageError) throw notMergeable(`source '${source.input}' (${client.registry}/${client.repository}@${error.digest})`, error.mediaType);
    throw error;
  }
  const missing = view.attestations.find((a) => a.state === "missing");
  if (missing) throw new ActionError(`source '${source.input}': ${missing.problem}`, "push the source again, or merge it from its own repository");
  const images = view.platforms.map((p) => mergeable(client, source, p));
  const attestations = view.attestations.map((a) => ({ ...a, source, repository: client.repository }));
  return { status: "read", read: { source, digest: view.digest, mediaType: view.mediaType, images, attestations } };
}

// src/merge/validate.ts
var quote = (s) => `'${s.input}'`;
function checkSources(outcomes, runCommit, requireSameCommit) {
  const problems = [];
  const missing = outcomes.filter((o) => o.status === "missing");
  for (const m of missing) problems.push(`source ${quote(m.source)} was not found (${m.source.reference}): ${m.message}`);
  const reads = outcomes.flatMap((o) => o.status === "read" ? [o.read] : []);
  const images = reads.flatMap((r) => r.images);
  for (const r of reads) {
    if (r.images.length === 0) problems.push(`source ${quote(r.source)} (${r.source.reference}) is an index without any image manifest`);
  }
  const byPlatform = /* @__PURE__ */ new Map();
  for (const image of images) byPlatform.set(image.platformText, [...byPlatform.get(image.platformText) ?? [], image]);
  for (const [platform, same] of byPlatform) {
    if (same.length > 1) {
      const from = same.map((i) => `${quote(i.source)} (${i.digest})`).join(", ");
      problems.push(`platform ${platform} comes from more than one image: ${from}; an index holds one image per platform`);
    }
  }
  for (const image of images) {
    const lacking = [COMMIT_LABEL, BUILD_NUMBER_LABEL].filter((l) => !image.labels[l]);
    if (lacking.length > 0) {
      problems.push(`source ${quote(image.source)} (${image.platformText}, ${image.digest}) has no ${lacking.join(" or ")} label; build it with this action, which sets both`);
    }
  }
  const commits = /* @__PURE__ */ new Map();
  for (const image of images) {
    const c = image.labels[COMMIT_LABEL];
    if (c) commits.set(c, [...commits.get(c) ?? [], image]);
  }
  const list = (group2) => [...new Set(group2.map((i) => `${quote(i.source)} (${i.platformText})`))].join(", ");
  if (commits.size > 1) {
    const parts = [...commits].map(([c, group2]) => `${c} in ${list(group2)}`);
    problems.push(`the sources were built from different commits: ${parts.join("; ")}`);
  } else if (commits.size === 1 && requireSameCommit) {
    const [[commit2, group2]] = [...commits];
    if (commit2 !== runCommit) {
      problems.push(`the sources were built from commit ${commit2} (${list(group2)}), but this run is for commit ${runCommit}; set 'require-same-commit: false' to merge images of another commit`);
    }
  }
  if (problems.length > 0) {
    throw new ActionError(
      `nothing was written: ${problems.length === 1 ? problems[0] : `
${problems.map((p) => `  - ${p}`).join("\n")}`}`,
      "check the sources: each must name one per-platform image (or index) built by this action from the same commit, one per platform"
    );
  }
  const commit = [...commits.keys()][0];
  return { reads, images, commit };
}

// src/merge/write.ts
var MAX_COPIED_BLOB_BYTES = 32 * 1024 * 1024;
function foreignChildren(target, images, attestations) {
  const out = [];
  for (const img of images) if (img.repository !== target) out.push({ repository: img.repository, digest: img.digest, mediaType: img.mediaType, manifest: img.manifest });
  for (const a of attestations) {
    if (a.repository === target || !a.manifest) continue;
    out.push({ repository: a.repository, digest: a.descriptor.digest, mediaType: a.descriptor.mediaType, manifest: a.manifest });
  }
  return out;
}
function blobsOf(m) {
  return [m.config, ...m.layers].filter((d) => !!d?.digest);
}
async function copyChildren(target, sourceClient, children, manifestBytes) {
  const stats = { mounted: 0, uploaded: 0, manifests: 0 };
  const blobs = /* @__PURE__ */ new Map();
  for (const child of children) for (const d of blobsOf(child.manifest)) if (!blobs.has(d.digest)) blobs.set(d.digest, { descriptor: d, from: child.repository });
  await Promise.all(
    [...blobs.values()].map(async ({ descriptor, from }) => {
      const mount = await target.mountBlob(descriptor.digest, from);
      if (mount.mounted) {
        stats.mounted++;
        return;
      }
      if (!(descriptor.size <= MAX_COPIED_BLOB_BYTES)) {
        throw new ActionError(
          `registry ${target.registry} refused to mount blob ${descriptor.digest} (${descriptor.size} bytes) from ${from} into ${target.repository}, and this step copies no image layers; no manifest was written`,
          `push the per-platform images to ${target.registry}/${target.repository} itself (tags such as sha-{{sha}}-linux-amd64), or give the credentials read access to ${from}: registries mount only what the token may pull`
        );
      }
      info(`Registry declined to mount ${descriptor.digest} from ${from}; copying it (${descriptor.size} bytes)`);
      await target.uploadBlob(mount.location, await sourceClient(from).blob(descriptor.digest), descriptor.digest);
      stats.uploaded++;
    })
  );
  await Promise.all(
    children.map(async (child) => {
      await target.putManifest(child.digest, await manifestBytes(child), child.mediaType);
      stats.manifests++;
    })
  );
  return stats;
}
async function pushIndex(target, index, digest, tags) {
  await Promise.all((tags.length > 0 ? tags : [digest]).map((ref) => target.putManifest(ref, index.bytes, index.mediaType)));
}
async function readBackIndex(target, digest, tags) {
  const where = `${target.registry}/${target.repository}`;
  const [held, states] = await Promise.allSettled([
    target.manifest(digest),
    tagStates(
      target,
      tags,
      digest,
      (tag, error) => error instanceof RegistryError && error.status === 404 ? new ActionError(`registry ${target.registry} accepted tag '${tag}' but does not serve ${where}:${tag}`, "re-run the job; the index itself is in place, pinned by digest") : error
    )
  ]);
  if (held.status === "rejected") {
    const error = held.reason;
    if (error instanceof RegistryError && error.status === 404) {
      throw new ActionError(
        `registry ${target.registry} accepted the index but does not serve ${where}@${digest}: nothing was stored`,
        "a proxy or cache between the runner and the registry may be answering for it; re-run the job, and report it to the registry operator if it persists"
      );
    }
    throw error;
  }
  if (states.status === "rejected") throw states.reason;
  const movedTags = states.value.filter((s) => s.digest !== digest).map((s) => ({ tag: s.tag, now: s.digest }));
  return { digest: held.value.digest, mediaType: held.value.mediaType, movedTags };
}

// src/merge/steps.ts
async function prepareMergeTargets(deps) {
  const ctx = readRunContext(deps.env);
  const inputs = readMergeInputs(deps.readInput);
  const commit = await resolveCommit(ctx, deps.cwd, { ...deps.gitHead && { head: deps.gitHead }, commitTime: async () => void 0 });
  const many = inputs.targets.length > 1;
  const notes = [];
  const prepared = inputs.targets.map((t) => {
    const own = { ...inputs, imageInput: t.input, image: t.name, tags: t.tags };
    const sources = expandSources(inputs.sources, templateValues(commit.sha, ctx), t.name, ctx.ref, { rebaseDigests: many });
    const targetNotes = [];
    const { tags } = planTags({ imageInput: t.input, tags: t.tags, latest: inputs.latest }, ctx, commit.sha, targetNotes);
    for (const n of targetNotes) if (!notes.some((m) => m.text === n.text)) notes.push(n);
    return { ctx, inputs: own, commit, sources, tags };
  });
  logPlanNotes(notes);
  return prepared;
}
function registryAccess(inputs, env) {
  return { env, budgetMs: inputs.registryTimeoutMs, ...inputs.login && { login: { registry: inputs.image.registry, credentials: inputs.login } } };
}
function repositoryClients(registries, image) {
  const target = registries.client(image, { push: true });
  const clients = /* @__PURE__ */ new Map([[image.repository, target]]);
  const clientFor = (repository) => {
    let c = clients.get(repository);
    if (!c) {
      c = registries.client({ registry: image.registry, repository });
      clients.set(repository, c);
    }
    return c;
  };
  return { target, clientFor };
}
function readAndCheck({ clientFor }, { inputs, commit, sources }) {
  return group(`Read ${sources.length} source(s)`, async () => {
    const outcomes = await Promise.all(sources.map((s) => readSource(clientFor(s.ref.repository), s, s.ref.repository !== inputs.image.repository)));
    for (const o of outcomes) {
      if (o.status !== "read") continue;
      for (const i of o.read.images) info(`${o.read.source.input} \u2192 ${i.platformText} ${i.digest} (git-commit ${i.labels["git-commit"] ?? "none"})`);
    }
    return checkSources(outcomes, commit.sha, inputs.requireSameCommit);
  });
}
function defaultAnnotations(ctx, checked) {
  const created = checked.images.map((i) => i.labels[OCI_CREATED]).filter((c) => !!c).sort().pop();
  const source = repositoryUrl(ctx);
  return { ...source && { [OCI_SOURCE]: source }, [OCI_REVISION]: checked.commit, ...created && { [OCI_CREATED]: created } };
}
function composeMerged({ ctx, inputs }, checked) {
  const all = checked.reads.flatMap((r) => r.attestations);
  if (!inputs.attestations && all.length > 0) info(`Leaving out ${all.length} attestation manifest(s) of the sources ('attestations: false')`);
  const attestations = inputs.attestations ? all : [];
  const orphans = attestations.filter((a) => !checked.images.some((i) => i.digest === a.for));
  for (const a of orphans) info(`Attestation manifest ${a.descriptor.digest} of '${a.source.input}' describes no merged image (${a.for ?? "no reference"}): left out`);
  const annotations = { ...defaultAnnotations(ctx, checked), ...Object.fromEntries(inputs.annotations) };
  const index = composeIndex(checked.images, attestations, annotations, inputs.annotations.length > 0);
  if (Object.keys(index.annotations).length === 0 && Object.keys(annotations).length > 0) {
    info("All sources are Docker v2 images: writing a Docker manifest list, which has no annotations (set 'annotations' to write an OCI index with them)");
  }
  return { index, digest: sha256Digest(index.bytes), attestations: attestations.filter((a) => !orphans.includes(a)) };
}
function writeAndReadBack({ target, clientFor }, { inputs, tags }, checked, { index, digest, attestations }) {
  return group(`Write the index to ${formatName(inputs.image)}`, async () => {
    const foreign = foreignChildren(inputs.image.repository, checked.images, attestations);
    try {
      if (foreign.length > 0) {
        const stats = await copyChildren(target, clientFor, foreign, async (child) => (await clientFor(child.repository).manifest(child.digest)).bytes);
        info(`Copied ${stats.manifests} manifest(s) from other repositories: ${stats.mounted} blob(s) mounted, ${stats.uploaded} uploaded`);
      }
      await pushIndex(target, index, digest, tags);
    } catch (error) {
      throw attestationsRejected(error, target.registry, attestations.length);
    }
    const h = await readBackIndex(target, digest, tags);
    info(`Registry holds ${h.digest} (${h.mediaType}); tags: ${tags.join(", ")}`);
    for (const m of h.movedTags) {
      warning(`Tag '${m.tag}' now points to ${m.now}, not to the index ${digest} this step wrote: another push to the same tag happened in between. Deploy with the 'pinned' output.`);
    }
    return h;
  });
}
function attestationsRejected(error, registry, attestations) {
  if (attestations === 0 || !(error instanceof RegistryError) || error.status === void 0) return error;
  if (error.status < 400 || error.status >= 500 || [401, 403, 404, 413, 429].includes(error.status)) return error;
  return new ActionError(
    `${error.message}. The index carries ${attestations} attestation manifest(s) (provenance, SBOM); some registries (GitLab, Amazon ECR) reject attestation manifests or OCI 1.1 manifests with a subject`,
    `set 'attestations: false' to merge the images without their attestation manifests (the image digests are unaffected), or turn attestations off in the build ('provenance: false', 'sbom: false')`
  );
}
function countRequests(requests) {
  const by = /* @__PURE__ */ new Map();
  for (const r of requests) by.set(r.method, (by.get(r.method) ?? 0) + 1);
  return [...by].map(([m, n]) => `${n} ${m}`).join(", ");
}
function reportMerge({ ctx, inputs, commit, tags }, checked, { index }, held, requests) {
  info(`Registry requests: ${requests.length} (${countRequests(requests)})`);
  return {
    image: inputs.imageInput,
    digest: held.digest,
    pinned: `${inputs.imageInput}@${held.digest}`,
    mediaType: held.mediaType,
    tags: tags.map((t) => `${inputs.imageInput}:${t}`),
    commit: checked.commit,
    runCommit: commit.sha,
    images: checked.images,
    attestations: index.manifests.length - checked.images.length,
    annotations: index.annotations,
    movedTags: held.movedTags,
    ...commitUrl(ctx, checked.commit) && { commitUrl: commitUrl(ctx, checked.commit) },
    ...ctx.runNumber && { runNumber: ctx.runNumber },
    ...runUrl(ctx) && { runUrl: runUrl(ctx) },
    requests: requests.length
  };
}

// src/merge/main.ts
function defaultMergeDeps() {
  return {
    openRegistries: async (access) => dockerRegistries(access),
    readInput: envInputReader(),
    env: process.env,
    cwd: process.cwd()
  };
}
async function mergeImages(deps) {
  maskSecretInputs(deps.readInput);
  const targets = await prepareMergeTargets(deps);
  const first = targets[0];
  const registries = await deps.openRegistries(registryAccess(first.inputs, deps.env));
  try {
    const reports = [];
    for (const prepared of targets) {
      const clients = repositoryClients(registries, prepared.inputs.image);
      const checked = await readAndCheck(clients, prepared);
      const composed = composeMerged(prepared, checked);
      const held = await writeAndReadBack(clients, prepared, checked, composed);
      reports.push(reportMerge(prepared, checked, composed, held, registries.requests));
    }
    const digests = new Set(reports.map((r) => r.digest));
    if (digests.size > 1) {
      throw new ActionError(
        `the registries hold different indexes for this one merge:
${reports.map((r) => `  ${r.image}: ${r.digest}`).join("\n")}`,
        "give every registry the same per-platform images (push them by digest to each repository of the index), or merge once per registry"
      );
    }
    const report = reports[0];
    return {
      report: { ...report, ...reports.length > 1 && { pinnedAll: reports.map((r) => r.pinned), tags: reports.flatMap((r) => r.tags) } },
      summary: first.inputs.summary
    };
  } finally {
    await registries.close();
  }
}
function toActionResult({ report, summary }) {
  return {
    outputs: toMergeOutputs(report),
    ...summary && { summary: renderMergeSummary(report) },
    notice: { text: `Pinned: ${report.pinned}`, title: "Index pushed" }
  };
}
function runMerge(deps = defaultMergeDeps()) {
  return runAction(async () => toActionResult(await mergeImages(deps)));
}

// src/merge/index.ts
await runMerge();
process.exit();
