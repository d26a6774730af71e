import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  pinFiles
} from "./chunk-MLIB7E6X.js";
import {
  loadDeployFiles
} from "./chunk-ZGM424NW.js";
import "./chunk-RAKG4OYG.js";
import "./chunk-PWGKXJUV.js";
import "./chunk-T7K4ATKP.js";
import "./chunk-TFVKVXD5.js";
import "./chunk-3FGA6ACG.js";
export {
  loadDeployFiles,
  pinFiles
};
