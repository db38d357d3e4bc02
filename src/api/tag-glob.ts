/**
 * Matcher for a stream subscription pattern: an exact tag id, or a glob where
 * `*` matches any run of characters (dots included, so "line1.*" is all of
 * line 1) and `?` one character.
 */
export function tagMatcher(pattern: string): (id: string) => boolean {
  if (!/[*?]/.test(pattern)) return (id) => id === pattern;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  const re = new RegExp(`^${source}$`);
  return (id) => re.test(id);
}

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}
