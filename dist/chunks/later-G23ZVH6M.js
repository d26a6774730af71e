import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  dockerRegistries
} from "./chunk-GYYW6V57.js";
import "./chunk-HE4PJ7L7.js";
import {
  pinFiles
} from "./chunk-DPT6PQ7E.js";
import {
  loadDeployFiles
} from "./chunk-ARGKCXSF.js";
import "./chunk-LWLEGXAD.js";
import {
  ownImageRule
} from "./chunk-3UACT35D.js";
import "./chunk-PLNMAWCX.js";
import {
  warning
} from "./chunk-QWNOPTV2.js";

// src/build-push/pins.ts
async function prepareBuildPins(inputs, push, cwd) {
  if (inputs.files.length === 0) return void 0;
  if (!push) {
    warning("'files' is ignored with 'push: false': there is no pushed digest to pin the deploy files to");
    return void 0;
  }
  return { files: await loadDeployFiles(inputs.files, cwd), write: inputs.write };
}
function pinBuiltImage(pins, repositories, digest) {
  const rules = repositories.map((r) => ownImageRule(r.name, r.tags, digest));
  const rule = (written) => {
    for (const r of rules) {
      const out = r(written);
      if (out !== void 0) return out;
    }
    return void 0;
  };
  return pinFiles(pins.files, rule, pins.write);
}
export {
  dockerRegistries,
  pinBuiltImage,
  prepareBuildPins
};
