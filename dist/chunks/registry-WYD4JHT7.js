import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  CountingTransport,
  DEFAULT_RETRY_POLICY,
  RegistryAuth,
  RegistryClient,
  TokenCache,
  TransportError,
  UndiciTransport,
  createRegistryFactory,
  defaultScheme,
  logRetry,
  openRegistry,
  pullScope,
  registryBase
} from "./chunk-O2WECORU.js";
import {
  RegistryError,
  errorDetail,
  lookupCredentials
} from "./chunk-PBCQ2KTJ.js";
import "./chunk-SFDUYGYF.js";
export {
  CountingTransport,
  DEFAULT_RETRY_POLICY,
  RegistryAuth,
  RegistryClient,
  RegistryError,
  TokenCache,
  TransportError,
  UndiciTransport,
  createRegistryFactory,
  defaultScheme,
  errorDetail,
  logRetry,
  lookupCredentials,
  openRegistry,
  pullScope,
  registryBase
};
