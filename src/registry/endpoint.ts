import { apiHost } from './reference'

/**
 * http for loopback registries (docker treats 127.0.0.0/8 and localhost as insecure registries and talks plain http
 * to them), https everywhere else.
 */
export function defaultScheme(registry: string): 'http' | 'https' {
  return isLoopback(registry.replace(/:\d+$/, '')) ? 'http' : 'https'
}

/** `localhost`, 127.0.0.0/8 or [::1] (a host name, without port). */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || /^127\./.test(hostname) || hostname === '[::1]'
}

/** The base URL of a registry's distribution API: `https://registry-1.docker.io` for `docker.io`. */
export function registryBase(registry: string, scheme: 'http' | 'https' = defaultScheme(registry)): string {
  return `${scheme}://${apiHost(registry)}`
}
