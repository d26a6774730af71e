import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  parseBoolean,
  parseLines
} from "./chunk-FK3TV3L3.js";

// src/pin/inputs.ts
function readPinInputs(read) {
  return { files: parseLines(read("files")), write: parseBoolean("write", read("write"), true) };
}

export {
  readPinInputs
};
