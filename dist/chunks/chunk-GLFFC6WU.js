import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  BudgetExceededError,
  CountingTransport,
  INCONSISTENT_HINT,
  MANIFEST_ACCEPT,
  REGISTRY_TIMEOUT_INPUT,
  RegistryBudget,
  RegistryError,
  UndiciTransport,
  apiHost,
  budgetHint,
  budgetedTransport,
  describeStatus,
  errorDetail,
  formatPlatform,
  formatSeconds,
  isIndex,
  isSha256Digest,
  matchesDigest,
  pickPlatformEntry,
  platformEntries,
  sha256Digest
} from "./chunk-BFGYC46Z.js";
import {
  info,
  setSecret
} from "./chunk-QTXEDRLI.js";

// src/registry/challenge.ts
function parseChallenges(header) {
  const challenges = [];
  let i = 0;
  const n = header.length;
  const skip = (re) => {
    while (i < n && re.test(header[i])) i++;
  };
  while (i < n) {
    skip(/[\s,]/);
    const start = i;
    skip(/[^\s,=]/);
    const token = header.slice(start, i);
    if (!token) break;
    let j = i;
    while (j < n && header[j] === " ") j++;
    if (header[j] === "=" && challenges.length > 0) {
      i = start;
    } else {
      challenges.push({ scheme: token.toLowerCase(), params: {} });
    }
    const current = challenges[challenges.length - 1];
    if (!current) break;
    for (; ; ) {
      skip(/[\s,]/);
      const keyStart = i;
      skip(/[^\s,=]/);
      const key = header.slice(keyStart, i);
      let k = i;
      while (k < n && header[k] === " ") k++;
      if (!key || header[k] !== "=") {
        i = keyStart;
        break;
      }
      i = k + 1;
      while (i < n && header[i] === " ") i++;
      let value = "";
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        const vs = i;
        skip(/[^,]/);
        value = header.slice(vs, i).trim();
      }
      current.params[key.toLowerCase()] = value;
    }
  }
  return challenges;
}

// src/registry/endpoint.ts
function defaultScheme(registry) {
  return isLoopback(registry.replace(/:\d+$/, "")) ? "http" : "https";
}
function isLoopback(hostname) {
  return hostname === "localhost" || /^127\./.test(hostname) || hostname === "[::1]";
}
function registryBase(registry, scheme = defaultScheme(registry)) {
  return `${scheme}://${apiHost(registry)}`;
}

// src/registry/token-cache.ts
var TokenCache = class _TokenCache {
  constructor(now = Date.now) {
    this.now = now;
  }
  now;
  entries = /* @__PURE__ */ new Map();
  static key(registry, scope) {
    return `${registry} ${scope}`;
  }
  get(registry, scope) {
    const key = _TokenCache.key(registry, scope);
    const entry = this.entries.get(key);
    if (!entry) return void 0;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return void 0;
    }
    return entry.token;
  }
  /** Keeps a token for `expiresInSeconds` minus a margin (10%, at most 5 s) so it does not expire mid-request. */
  set(registry, scope, token, expiresInSeconds) {
    const lifetimeMs = (typeof expiresInSeconds === "number" && expiresInSeconds > 0 ? expiresInSeconds : 60) * 1e3;
    this.entries.set(_TokenCache.key(registry, scope), { token, expiresAt: this.now() + lifetimeMs - Math.min(5e3, lifetimeMs / 10) });
  }
  delete(registry, scope) {
    this.entries.delete(_TokenCache.key(registry, scope));
  }
};

// src/registry/auth.ts
function withCredentials(registry, credentials, fallback) {
  return (host, options) => host === registry ? Promise.resolve(credentials) : fallback(host, options);
}
function pullScope(repository) {
  return `repository:${repository}:pull`;
}
function pushScope(repository) {
  return `repository:${repository}:pull,push`;
}
function mountScope(repository, from) {
  return from === repository ? pushScope(repository) : `${pushScope(repository)} ${pullScope(from)}`;
}
var CLIENT_ID = "pinned-build-action";
function pick(challenges) {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}
var RegistryAuth = class {
  constructor(options) {
    this.options = options;
    this.cache = options.cache ?? new TokenCache();
  }
  options;
  challenge;
  creds;
  cache;
  get registry() {
    return this.options.registry;
  }
  credentials() {
    this.creds ??= this.options.credentials();
    return this.creds;
  }
  async send(url, req, what) {
    try {
      return await this.options.transport.send(url, req);
    } catch (error) {
      if (error instanceof BudgetExceededError) {
        const u = new URL(url);
        throw new RegistryError(
          `${what} did not answer ${req.method} ${u.pathname} within the ${formatSeconds(error.budgetMs)} ${REGISTRY_TIMEOUT_INPUT}`,
          budgetHint(u.host)
        );
      }
      throw new RegistryError(
        `${what} could not be reached: ${error.message}`,
        `check that ${this.options.registry} is reachable from the runner`
      );
    }
  }
  /**
   * The registry's challenge from `GET /v2/`, asked once; undefined when it needs no authentication. A failure is
   * remembered too: the transport has already retried what was worth retrying, and asking again would spend the
   * registry budget a second time on a registry that did not answer.
   */
  ping() {
    this.challenge ??= (async () => {
      const res = await this.send(`${this.options.base}/v2/`, { method: "GET" }, `registry ${this.options.registry}`);
      return res.status === 401 ? pick(parseChallenges(res.headers["www-authenticate"] ?? "")) : void 0;
    })();
    this.challenge.catch(() => void 0);
    return this.challenge;
  }
  /** The Authorization header for a request in `scope`, or undefined to go anonymous. */
  async authorization(scope) {
    const challenge = await this.ping();
    return challenge ? this.answer(challenge, scope) : void 0;
  }
  /**
   * After a 401 on a request sent with `sent`: answers the 401's challenge afresh (a new token, skipping the cache).
   * Returns the header to retry with once, or undefined when a retry could not change the outcome.
   */
  async rechallenge(scope, wwwAuthenticate, sent) {
    const challenge = pick(parseChallenges(wwwAuthenticate ?? ""));
    if (!challenge) return void 0;
    this.challenge = Promise.resolve(challenge);
    this.cache.delete(this.options.registry, scope);
    const header = await this.answer(challenge, scope);
    return header !== void 0 && header !== sent ? header : void 0;
  }
  async answer(challenge, scope) {
    if (challenge.scheme === "basic") return this.basic(await this.credentials());
    const cached = this.cache.get(this.options.registry, scope);
    if (cached) return `Bearer ${cached}`;
    const token = await this.fetchToken(challenge, scope);
    return `Bearer ${token}`;
  }
  basic(c) {
    if (!c?.username || !c.password) return void 0;
    const value = Buffer.from(`${c.username}:${c.password}`).toString("base64");
    setSecret(value);
    return `Basic ${value}`;
  }
  async fetchToken(challenge, scope) {
    const registry = this.options.registry;
    const realm = challenge.params.realm;
    let url;
    try {
      url = new URL(realm ?? "");
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("not http(s)");
    } catch {
      throw new RegistryError(`registry ${registry} sent a Bearer challenge without a usable realm (${realm ?? "none"})`, "report this to the registry operator");
    }
    const credentials = await this.credentials();
    if (credentials && url.protocol === "http:" && !isLoopback(url.hostname)) {
      throw new RegistryError(
        `registry ${registry} asks for credentials to be sent to ${url.origin} over plain http; refusing`,
        "use the registry over https"
      );
    }
    const service = challenge.params.service;
    let res;
    if (credentials?.identityToken) {
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: credentials.identityToken, client_id: CLIENT_ID, scope });
      if (service) form.set("service", service);
      res = await this.send(url.toString(), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() }, `token service ${url.origin}`);
      if (res.status === 404 || res.status === 405) {
        res = await this.getToken(url, service, scope, this.basic({ username: credentials.username || "<token>", password: credentials.identityToken }));
      }
    } else {
      res = await this.getToken(url, service, scope, this.basic(credentials));
    }
    const who = credentials ? "the credentials docker uses" : "anonymous access";
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        `the token service ${url.origin} refused ${who} for ${scope} (${describeStatus(res)})`,
        credentials ? `check the credentials docker is logged in with for ${registry} (or the 'username'/'password' inputs)` : `log in to ${registry} before this step (docker/login-action, or the 'username'/'password' inputs)`,
        res.status
      );
    }
    if (res.status !== 200) {
      throw new RegistryError(
        `the token service ${url.origin} answered ${describeStatus(res)} for ${scope}`,
        "retry the job; if it persists, check the registry status",
        res.status
      );
    }
    let body;
    try {
      body = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new RegistryError(`the token service ${url.origin} did not answer with JSON`, "report this to the registry operator");
    }
    const token = [body.token, body.access_token].find((t) => typeof t === "string" && t !== "");
    if (!token) throw new RegistryError(`the token service ${url.origin} answered without a token`, "report this to the registry operator");
    setSecret(token);
    this.cache.set(registry, scope, token, typeof body.expires_in === "number" ? body.expires_in : void 0);
    return token;
  }
  getToken(realm, service, scope, authorization) {
    const url = new URL(realm);
    if (service) url.searchParams.set("service", service);
    for (const one of scope.split(" ").filter(Boolean)) url.searchParams.append("scope", one);
    return this.send(url.toString(), { method: "GET", headers: authorization ? { authorization } : {} }, `token service ${url.origin}`);
  }
};

// src/registry/client.ts
var PlatformNotFoundError = class extends RegistryError {
  constructor(where, platform, platforms) {
    super(`${where} is an index without ${formatPlatform(platform)} (it has ${platforms.join(", ") || "no platform entries"})`);
    this.where = where;
    this.platform = platform;
    this.platforms = platforms;
    this.name = "PlatformNotFoundError";
  }
  where;
  platform;
  platforms;
};
var MAX_REDIRECTS = 5;
function mediaTypeOf(res) {
  try {
    const parsed = JSON.parse(res.body.toString("utf8"));
    if (typeof parsed.mediaType === "string" && parsed.mediaType) return parsed.mediaType;
  } catch {
  }
  return res.headers["content-type"]?.split(";")[0]?.trim() ?? "";
}
var RegistryClient = class {
  constructor(options) {
    this.options = options;
    this.registry = options.registry;
    this.repository = options.repository;
    this.base = options.base;
    this.scope = options.push ? pushScope(options.repository) : pullScope(options.repository);
  }
  options;
  base;
  registry;
  repository;
  scope;
  fetched = /* @__PURE__ */ new Map();
  /**
   * Pings the registry (`/v2/`: learns its auth challenge and opens a connection) ahead of the first real request.
   * Never fails by itself: a failed ping is remembered, and the first request that needs it fails with its error
   * (asking again would only spend the budget a second time on a registry that did not answer).
   */
  async warmUp() {
    await this.options.auth.ping().catch(() => void 0);
  }
  where(ref) {
    const name = `${this.registry}/${this.repository}`;
    return ref === void 0 ? name : ref.includes(":") ? `${name}@${ref}` : `${name}:${ref}`;
  }
  async send(url, req) {
    try {
      return await this.options.transport.send(url, req);
    } catch (error) {
      const path = new URL(url).pathname;
      if (error instanceof BudgetExceededError) {
        throw new RegistryError(
          `registry ${this.registry} did not answer ${req.method} ${path} within the ${formatSeconds(error.budgetMs)} ${REGISTRY_TIMEOUT_INPUT}`,
          budgetHint(this.registry)
        );
      }
      throw new RegistryError(
        `registry ${this.registry} could not be reached (${req.method} ${path}): ${error.message}`,
        `check that ${this.registry} is reachable from the runner; transient failures were already retried`
      );
    }
  }
  /** Sends with the repository's authorization; on a 401 answers the new challenge once and resends. */
  async authed(url, req, scope = this.scope) {
    const withAuth = (authorization) => ({
      ...req,
      headers: { ...req.headers, ...authorization && { authorization } }
    });
    const sent = await this.options.auth.authorization(scope);
    const res = await this.send(url, withAuth(sent));
    if (res.status !== 401) return res;
    const next = await this.options.auth.rechallenge(scope, res.headers["www-authenticate"], sent);
    return next ? this.send(url, withAuth(next)) : res;
  }
  fail(res, what, write = false) {
    const { code } = errorDetail(res);
    const status = describeStatus(res);
    if (write && (res.status === 401 || res.status === 403)) {
      throw new RegistryError(
        `registry ${this.registry} refused to write ${what} to ${this.repository} (${status})`,
        `make sure the credentials for ${this.registry} may push to ${this.repository} (GHCR: 'permissions: packages: write' for GITHUB_TOKEN; or the 'username'/'password' inputs)`,
        res.status,
        code
      );
    }
    if (write && res.status >= 400 && res.status < 500 && res.status !== 404 && res.status !== 429) {
      throw new RegistryError(`registry ${this.registry} rejected ${what} for ${this.repository} (${status})`, void 0, res.status, code);
    }
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        `registry ${this.registry} refused to read ${what} (${status})`,
        `make sure the runner is logged in to ${this.registry} with read access to ${this.repository} (docker/login-action, or the 'username'/'password' inputs)`,
        res.status,
        code
      );
    }
    if (res.status === 404) {
      throw new RegistryError(`${what} was not found in ${this.where()} (${status})`, void 0, 404, code);
    }
    if (res.status === 429) {
      throw new RegistryError(
        `registry ${this.registry} is rate limiting requests for ${what} (${status})`,
        "wait and re-run the job, or authenticate: registries give anonymous clients lower limits",
        429,
        code
      );
    }
    throw new RegistryError(
      `registry ${this.registry} did not serve ${what} (${status})`,
      res.status >= 500 ? "the registry is failing; re-run the job later" : void 0,
      res.status,
      code
    );
  }
  manifestUrl(ref) {
    return `${this.base}/v2/${this.repository}/manifests/${ref}`;
  }
  /** HEAD a manifest: what the registry says about it, without the body (not a pull on Docker Hub). */
  async head(ref) {
    const res = await this.authed(this.manifestUrl(ref), { method: "HEAD", headers: { accept: MANIFEST_ACCEPT } });
    if (res.status !== 200) this.fail(res, `manifest ${ref}`);
    const size = Number(res.headers["content-length"]);
    const digest = res.headers["docker-content-digest"]?.trim();
    const mediaType = res.headers["content-type"]?.split(";")[0]?.trim();
    return {
      ...digest && isSha256Digest(digest) && { digest },
      ...mediaType && { mediaType },
      ...res.headers["content-length"] !== void 0 && Number.isFinite(size) && { size }
    };
  }
  /**
   * GET a manifest by tag or digest, digest computed from the bytes received. Inconsistent data is an error: a
   * Docker-Content-Digest header that disagrees with the bytes, or bytes that do not hash to the digest asked for.
   * By tag without the header, the registry has not named the digest itself, so it is confirmed (see confirm)
   * before it is returned: a proxy or mirror that altered the bytes would otherwise yield a digest nobody holds.
   */
  async manifest(ref) {
    const m = await this.fetch(ref);
    await this.confirm(ref, m);
    return m;
  }
  /** The GET behind manifest(), without the confirmation (find() may have a HEAD that already vouches). */
  async fetch(ref) {
    const known = this.fetched.get(ref);
    if (known) return known;
    const res = await this.authed(this.manifestUrl(ref), { method: "GET", headers: { accept: MANIFEST_ACCEPT } });
    if (res.status !== 200) this.fail(res, `manifest ${ref}`);
    const digest = sha256Digest(res.body);
    const header = res.headers["docker-content-digest"]?.trim();
    if (header && header !== digest) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data for ${this.where(ref)}: Docker-Content-Digest says ${header} but the manifest bytes hash to ${digest}`,
        INCONSISTENT_HINT
      );
    }
    const byDigest = ref.includes(":");
    if (byDigest && ref !== digest) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data: the manifest served for ${this.where(ref)} hashes to ${digest}`,
        INCONSISTENT_HINT
      );
    }
    const manifest = { digest, mediaType: mediaTypeOf(res), bytes: res.body };
    if (byDigest || header === digest) this.fetched.set(digest, manifest);
    return manifest;
  }
  /**
   * Makes sure the registry holds `m` under its digest: nothing to do when it named the digest itself (kept in
   * `fetched`), else one HEAD by digest (a GET by digest, hashed, when the registry does not answer HEAD). A 404 means
   * the bytes that arrived for the tag are not what the registry stores: a failure, never a digest it would not serve.
   */
  async confirm(ref, m) {
    if (this.fetched.has(m.digest)) return;
    const res = await this.authed(this.manifestUrl(m.digest), { method: "HEAD", headers: { accept: MANIFEST_ACCEPT } });
    const header = res.headers["docker-content-digest"]?.trim();
    if (res.status === 404) {
      throw new RegistryError(
        `registry ${this.registry} answered ${this.where(ref)} with a manifest that hashes to ${m.digest}, but holds no manifest under that digest (HEAD by digest: ${describeStatus(res)}): the bytes were altered on the way, or the tag moved while it was read`,
        INCONSISTENT_HINT
      );
    }
    if (res.status === 200) {
      if (header && isSha256Digest(header) && header !== m.digest) {
        throw new RegistryError(
          `registry ${this.registry} returned inconsistent data for ${this.where(ref)}: the manifest bytes hash to ${m.digest}, but HEAD by that digest answers with ${header}`,
          INCONSISTENT_HINT
        );
      }
    } else if (res.status === 401 || res.status === 403) {
      this.fail(res, `manifest ${m.digest}`);
    } else {
      await this.fetch(m.digest);
      return;
    }
    this.fetched.set(m.digest, m);
  }
  /** GET an index by tag or digest (hash-verified) and parse it. */
  async index(ref) {
    const m = await this.manifest(ref);
    try {
      const index = JSON.parse(m.bytes.toString("utf8"));
      if (!Array.isArray(index.manifests)) throw new Error("no manifests array");
      return index;
    } catch (e) {
      throw new RegistryError(`index ${m.digest} of ${this.where()} is not a valid image index: ${e.message}`);
    }
  }
  /**
   * What a tag or digest names, with as few requests as the options allow (see DescriptorOptions): one HEAD when its
   * header settles it, else a GET whose bytes are hashed; a HEAD and a GET that disagree are inconsistent data.
   * The one resolution every action uses: the build's read-back, resolve and merge.
   */
  async descriptor(ref, options = {}) {
    const found = await this.find(ref, options);
    if (!options.platform || !isIndex(found.mediaType)) return found;
    const index = await this.index(found.digest);
    const platforms = platformEntries(index).map((m) => formatPlatform(m.platform));
    const entry = pickPlatformEntry(index, options.platform);
    if (!entry || !isSha256Digest(entry.digest)) throw new PlatformNotFoundError(this.where(ref), options.platform, platforms);
    return { digest: entry.digest, mediaType: entry.mediaType, source: found.source, index: { digest: found.digest, platforms } };
  }
  async find(ref, { verified = false, expected }) {
    const byDigest = ref.includes(":");
    const head = verified && !expected ? void 0 : await this.head(ref);
    if (head) {
      if (byDigest && head.digest && head.digest !== ref) {
        throw new RegistryError(`registry ${this.registry} answered for ${ref} with a manifest whose digest is ${head.digest}`);
      }
      const settled = verified ? head.digest !== void 0 && head.digest === expected : byDigest || head.digest !== void 0;
      if (settled) return { digest: head.digest ?? ref, mediaType: head.mediaType ?? "", source: "head" };
    }
    const m = await this.fetch(ref);
    if (head?.digest && head.digest !== m.digest) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data for ${this.where(ref)}: HEAD says ${head.digest} but the manifest bytes hash to ${m.digest}`,
        INCONSISTENT_HINT
      );
    }
    if (head?.digest === m.digest) this.fetched.set(m.digest, m);
    else await this.confirm(ref, m);
    return { digest: m.digest, mediaType: m.mediaType, source: "get" };
  }
  /**
   * PUT a manifest under a tag or its digest. Answered 201 (any 2xx is taken as accepted); a Docker-Content-Digest
   * in the answer that is not the hash of the bytes sent is inconsistent data. An accepted PUT is not proof that the
   * registry stored it (a proxy may answer for it): read it back by digest.
   */
  async putManifest(ref, bytes, mediaType) {
    const digest = sha256Digest(bytes);
    if (ref.includes(":") && ref !== digest) throw new RegistryError(`manifest bytes hash to ${digest}, not to the digest ${ref} they were to be stored under`);
    const res = await this.authed(this.manifestUrl(ref), { method: "PUT", headers: { "content-type": mediaType }, body: bytes });
    if (res.status < 200 || res.status >= 300) this.fail(res, `manifest ${ref}`, true);
    const header = res.headers["docker-content-digest"]?.trim();
    if (header && header !== digest) {
      throw new RegistryError(
        `registry ${this.registry} answered the PUT of ${this.where(ref)} with Docker-Content-Digest ${header}, but the bytes sent hash to ${digest}`,
        INCONSISTENT_HINT
      );
    }
    return { digest, ...res.headers.location && { location: res.headers.location } };
  }
  /**
   * Mounts a blob of repository `from` (same registry) into this one: `POST /v2/<name>/blobs/uploads/?mount=&from=`.
   * 201: mounted. 202: the registry declined and opened an upload session instead (its Location), which the caller
   * may fill (uploadBlob) or abandon. Repeating a mount is harmless, so it is retried like an idempotent request.
   */
  async mountBlob(digest, from) {
    if (!isSha256Digest(digest)) throw new RegistryError(`cannot mount '${digest}': not a sha256 digest`);
    const query = new URLSearchParams({ mount: digest, from });
    const url = `${this.base}/v2/${this.repository}/blobs/uploads/?${query.toString()}`;
    const res = await this.authed(url, { method: "POST", headers: { "content-length": "0" }, idempotent: true }, mountScope(this.repository, from));
    if (res.status === 201) return { mounted: true };
    if (res.status === 202 && res.headers.location) return { mounted: false, location: res.headers.location };
    return this.fail(res, `blob ${digest} (mounted from ${from})`, true);
  }
  /** Whether this repository holds a blob (HEAD; a redirect to storage counts as held). */
  async blobExists(digest) {
    const res = await this.authed(`${this.base}/v2/${this.repository}/blobs/${digest}`, { method: "HEAD" });
    if (res.status === 200 || res.status >= 300 && res.status < 400 && res.headers.location) return true;
    if (res.status === 404) return false;
    return this.fail(res, `blob ${digest}`);
  }
  /**
   * Completes an upload session (a `location` from mountBlob's 202, or from starting an upload) with the whole blob in
   * one PUT (`?digest=`). The registry checks the digest; the answer's Docker-Content-Digest must agree.
   */
  async uploadBlob(location, bytes, digest) {
    if (!matchesDigest(digest, bytes)) throw new RegistryError(`blob bytes hash to ${sha256Digest(bytes)}, not to ${digest}`);
    const url = new URL(location, `${this.base}/v2/${this.repository}/blobs/uploads/`);
    if (url.origin !== new URL(this.base).origin) {
      throw new RegistryError(`registry ${this.registry} opened an upload session on another host (${url.origin}); not sending credentials there`);
    }
    url.searchParams.set("digest", digest);
    const res = await this.authed(url.toString(), {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes
    });
    if (res.status < 200 || res.status >= 300) this.fail(res, `blob ${digest}`, true);
    const header = res.headers["docker-content-digest"]?.trim();
    if (header && header !== digest) {
      throw new RegistryError(`registry ${this.registry} stored blob ${digest} as ${header}`, INCONSISTENT_HINT);
    }
  }
  /** GET a blob, following redirects (Authorization only ever goes to the registry's own origin), hash-verified. */
  async blob(digest) {
    const origin = new URL(this.base).origin;
    let url = `${this.base}/v2/${this.repository}/blobs/${digest}`;
    let res = await this.authed(url, { method: "GET" });
    for (let hops = 0; res.status >= 300 && res.status < 400 && res.headers.location; hops++) {
      if (hops >= MAX_REDIRECTS) throw new RegistryError(`too many redirects fetching blob ${digest} from ${this.registry}`);
      const next = new URL(res.headers.location, url);
      url = next.toString();
      res = next.origin === origin ? await this.authed(url, { method: "GET" }) : await this.send(url, { method: "GET" });
    }
    if (res.status !== 200) this.fail(res, `blob ${digest}`);
    if (!matchesDigest(digest, res.body)) {
      throw new RegistryError(
        `registry ${this.registry} returned inconsistent data: blob ${digest} hashes to ${sha256Digest(res.body)}`,
        INCONSISTENT_HINT
      );
    }
    return res.body;
  }
};

// src/registry/index.ts
function logRetry(event) {
  let path = event.url;
  try {
    const u = new URL(event.url);
    path = `${u.host}${u.pathname}`;
  } catch {
  }
  info(`Retrying ${event.method} ${path} after ${event.cause} (retry ${event.retry}, in ${(event.delayMs / 1e3).toFixed(1)} s)`);
}
function createRegistryFactory(options) {
  const env = options.env ?? process.env;
  const owned = options.transport ? void 0 : new UndiciTransport({ timeoutMs: Number(env.REGISTRY_TIMEOUT_MS) || 3e4, retry: options.retry ?? {}, onRetry: logRetry });
  const counting = new CountingTransport(options.transport ?? owned);
  const transport = counting;
  const credentials = options.credentials;
  const budget = options.budget ?? new RegistryBudget();
  const sending = budgetedTransport(transport, budget);
  const cache = new TokenCache();
  const auths = /* @__PURE__ */ new Map();
  return {
    transport,
    budget,
    requests: counting.requests,
    client(name, clientOptions = {}) {
      const base = registryBase(name.registry);
      let auth = auths.get(name.registry);
      if (!auth) {
        const lookup = () => credentials(name.registry, { signal: budget.signal() });
        auth = new RegistryAuth({ registry: name.registry, base, transport: sending, credentials: lookup, cache });
        auths.set(name.registry, auth);
      }
      return new RegistryClient({ registry: name.registry, repository: name.repository, base, transport: sending, auth, ...clientOptions.push && { push: true } });
    },
    close: async () => {
      budget.stop();
      await owned?.close();
    }
  };
}
function openRegistry(name, options) {
  const factory = createRegistryFactory(options);
  return { client: factory.client(name), budget: factory.budget, close: () => factory.close() };
}

export {
  withCredentials,
  PlatformNotFoundError,
  createRegistryFactory,
  openRegistry
};
