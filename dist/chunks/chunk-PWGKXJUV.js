import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  parseReference
} from "./chunk-T7K4ATKP.js";

// src/pin/rules.ts
function writtenName(written) {
  const noDigest = written.replace(/@.*$/, "");
  const colon = noDigest.lastIndexOf(":");
  return colon > noDigest.lastIndexOf("/") ? noDigest.slice(0, colon) : noDigest;
}
function tryParse(written) {
  try {
    return parseReference(written);
  } catch {
    return void 0;
  }
}
function tagKey(ref) {
  return `${ref.registry}/${ref.repository}:${ref.tag ?? "latest"}`;
}
function resolvedRule(digests) {
  return (written) => {
    const ref = tryParse(written);
    if (!ref || ref.digest && !ref.tag) return void 0;
    const digest = digests.get(tagKey(ref));
    if (!digest) return void 0;
    return `${writtenName(written)}:${ref.tag ?? "latest"}@${digest}`;
  };
}
function ownImageRule(image, pushedTags, digest) {
  return (written) => {
    const ref = tryParse(written);
    if (!ref || ref.registry !== image.registry || ref.repository !== image.repository) return void 0;
    const tag = ref.tag && pushedTags.includes(ref.tag) ? ref.tag : pushedTags[0];
    return `${writtenName(written)}${tag ? `:${tag}` : ""}@${digest}`;
  };
}

export {
  tryParse,
  tagKey,
  resolvedRule,
  ownImageRule
};
