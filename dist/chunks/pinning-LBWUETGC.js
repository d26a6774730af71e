import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  pinFiles
} from "./chunk-BLFOQZCI.js";
import {
  loadDeployFiles
} from "./chunk-QWIZDSH4.js";
import "./chunk-DNPMEH6S.js";
import "./chunk-VVVL3PH3.js";
import "./chunk-QQLDKIRZ.js";
export {
  loadDeployFiles,
  pinFiles
};
