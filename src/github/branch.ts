/** Branch names: what git accepts as a ref name (git check-ref-format), and a safe name made from an image. */

/** Why `name` cannot be a branch, or undefined when it can. */
export function branchProblem(name: string): string | undefined {
  if (name === '') return 'is empty'
  if (name === '@') return "'@' alone is not a branch name"
  const control = [...name].some((ch) => ch.charCodeAt(0) <= 32 || ch.charCodeAt(0) === 127)
  if (control || /[~^:?*[\\]/.test(name)) return 'contains a space, a control character or one of ~ ^ : ? * [ \\'
  if (name.includes('..')) return "contains '..'"
  if (name.includes('@{')) return "contains '@{'"
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return "has an empty path component (a leading, trailing or doubled '/')"
  if (name.endsWith('.')) return "ends with '.'"
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `has a component starting with '.' (${part})`
    if (part.endsWith('.lock')) return `has a component ending with '.lock' (${part})`
  }
  if (name.startsWith('-')) return "starts with '-'"
  return undefined
}

/**
 * `pin/<what>` with every character outside [A-Za-z0-9._-] turned into '-': `ghcr.io/acme/app` → `pin/ghcr.io-acme-app`.
 * The slashes of the image go too, so that two images where one's path extends the other's (acme/app and
 * acme/app/worker) never ask for branches git cannot hold side by side (pin/…/app and pin/…/app/worker).
 */
export function pinBranchFor(what: string): string {
  const safe = what
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/\.lock$/, '-lock')
    .replace(/^[.-]+|[.-]+$/g, '')
  return `pin/${safe || 'images'}`
}
