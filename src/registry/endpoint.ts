import { apiHost } from '../reference'

/**
 * http for loopback registries (docker treats 127.0.0.0/8 and localhost as insecure registries and talks plain http
 * to them), https everywhere else.
 */
export function defaultScheme(registry: string): 'http' | 'https' {
  const host = registry.replace(/:\d+$/, '')
  return host === 'localhost' || /^127\./.test(host) || host === '[::1]' ? 'http' : 'https'
}

/** The base URL of a registry's distribution API: `https://registry-1.docker.io` for `docker.io`. */
export function registryBase(registry: string, scheme: 'http' | 'https' = defaultScheme(registry)): string {
  return `${scheme}://${apiHost(registry)}`
}
