import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  pinFiles
} from "./chunk-MLIB7E6X.js";
import {
  dockerRegistries
} from "./chunk-RFJBKPLH.js";
import "./chunk-426R2XC5.js";
import {
  loadDeployFiles
} from "./chunk-ZGM424NW.js";
import "./chunk-RAKG4OYG.js";
import {
  ownImageRule
} from "./chunk-PWGKXJUV.js";
import "./chunk-T7K4ATKP.js";
import {
  warning
} from "./chunk-TFVKVXD5.js";
import "./chunk-3FGA6ACG.js";

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
