import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  loadDeployFiles,
  ownImageRule,
  pinFiles
} from "./chunk-7ASZ4E4A.js";
import "./chunk-4YX52TOZ.js";
import {
  openRegistry
} from "./chunk-VCZBBVMI.js";
import {
  dockerKeychain,
  warning
} from "./chunk-BHHYWB5U.js";

// src/build/pins.ts
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

// src/build/later.ts
function openDockerRegistry(name, env) {
  return openRegistry(name, { env, credentials: dockerKeychain(env) });
}
export {
  openDockerRegistry,
  pinBuiltImage,
  prepareBuildPins
};
