import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  deployNotes,
  pinDeployFiles,
  skippedNotes,
  writePinnedFiles
} from "./chunk-ZGM424NW.js";
import {
  code,
  fence,
  html
} from "./chunk-T7K4ATKP.js";
import {
  info,
  warning
} from "./chunk-TFVKVXD5.js";

// src/pin/summary.ts
function changedFilesOutput(files) {
  return files.map((f) => f.rel).join("\n");
}
function renderPinSummary(files, wrote, scanned, notes) {
  const lines = [];
  const verb = wrote ? "Pinned" : "Would pin (dry run, `write: false`)";
  lines.push(`#### ${verb}: ${files.length} of ${scanned} file${scanned === 1 ? "" : "s"} changed`, "");
  for (const f of files) {
    const body = [];
    const seen = /* @__PURE__ */ new Set();
    for (const c of f.changes) {
      if (seen.has(c.line)) continue;
      seen.add(c.line);
      body.push(`@@ line ${c.line} @@`, `-${c.before}`, ...c.after.split(/\r?\n/).map((l) => `+${l}`));
    }
    const text = body.join("\n");
    const f3 = fence(text);
    lines.push(`<details open><summary><code>${html(f.rel)}</code> (${f.changes.length} reference${f.changes.length === 1 ? "" : "s"})</summary>`, "");
    lines.push(`${f3}diff`, text, f3, "", "</details>", "");
  }
  if (notes.length > 0) {
    lines.push("Left as they are:", "");
    for (const n of notes) lines.push(`- ${code(n)}`);
    lines.push("");
  }
  return lines.join("\n");
}

// src/pin/step.ts
async function pinFiles(files, rule, write) {
  const pinned = pinDeployFiles(files, rule);
  if (write && pinned.length > 0) {
    const originals = new Map(files.map((f) => [f.abs, f.scanned.source]));
    const changed = await writePinnedFiles(pinned, originals);
    info(`Changed ${changed.length} file(s): ${changed.join(", ")}`);
  }
  for (const f of pinned) info(`${write ? "Pinned" : "Would pin"} ${f.changes.length} reference(s) in ${f.rel}`);
  const skipped = skippedNotes(files);
  for (const s of skipped) warning(s);
  const notes = deployNotes(files);
  for (const n of notes) info(n);
  return {
    pinned,
    changedFiles: changedFilesOutput(pinned),
    summary: renderPinSummary(pinned, write, files.length, [...skipped, ...notes]),
    files: files.map((f) => f.rel),
    rule
  };
}

export {
  pinFiles
};
