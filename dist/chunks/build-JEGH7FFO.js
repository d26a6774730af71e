import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  changedFilesOutput,
  deployNotes,
  loadDeployFiles,
  ownImageRule,
  pinDeployFiles,
  renderPinSummary,
  writePinnedFiles
} from "./chunk-ECRFC3K2.js";
import "./chunk-QS7X7ZSE.js";
import {
  info,
  warning
} from "./chunk-SFDUYGYF.js";

// src/pin/build.ts
async function prepareBuildPins(inputs, push, cwd) {
  if (inputs.files.length === 0) return void 0;
  if (!push) {
    warning("'files' is ignored with 'push: false': there is no pushed digest to pin the deploy files to");
    return void 0;
  }
  return { files: await loadDeployFiles(inputs.files, cwd), write: inputs.write };
}
async function pinBuiltImage(pins, image, tags, digest) {
  const pinned = pinDeployFiles(pins.files, ownImageRule(image, tags, digest));
  if (pins.write) await writePinnedFiles(pinned);
  for (const f of pinned) info(`${pins.write ? "Pinned" : "Would pin"} ${f.changes.length} reference(s) in ${f.rel}`);
  const notes = deployNotes(pins.files);
  return { changedFiles: changedFilesOutput(pinned), summary: renderPinSummary(pinned, pins.write, pins.files.length, notes) };
}
export {
  pinBuiltImage,
  prepareBuildPins
};
