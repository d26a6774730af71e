/** Tags used when the `tags` input is empty: `sha-<first 7 of the commit>`. */
export function defaultTags(commit: string): string[] {
  return [`sha-${commit.slice(0, 7)}`]
}

/** The tags to push: the user's, or the defaults. */
export function resolveTags(userTags: string[], commit: string): string[] {
  return userTags.length > 0 ? userTags : defaultTags(commit)
}
