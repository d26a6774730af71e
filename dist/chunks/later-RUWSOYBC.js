import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  ownImageRule
} from "./chunk-T5F3CKJ7.js";
import {
  dockerRegistries
} from "./chunk-QF2EBKLV.js";
import "./chunk-26HVHYPS.js";
import {
  pinFiles
} from "./chunk-BLFOQZCI.js";
import {
  loadDeployFiles
} from "./chunk-QWIZDSH4.js";
import "./chunk-DNPMEH6S.js";
import "./chunk-VVVL3PH3.js";
import {
  warning
} from "./chunk-QQLDKIRZ.js";

// src/build-push/pins.ts
async function prepareBuildPins(inputs, push, cwd) {
  if (inputs.files.length === 0) return void 0;
  if (!push) {
    warning("'files' is ignored with 'push: false': there is no pushed digest to pin the deploy files to");
    return void 0;
  }
  return { files: await loadDeployFiles(inputs.files, cwd), write: inputs.write };
}
function pinBuiltImage(pins, image, tags, digest) {
  return pinFiles(pins.files, ownImageRule(image, tags, digest), pins.write);
}
export {
  dockerRegistries,
  pinBuiltImage,
  prepareBuildPins
};
