/** A matcher for names against globs ("line1.*.temp", "spc.*", "*"): `*` is any run of characters. */
export function nameGlob(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.includes('*')) return () => true;
  if (patterns.length === 0) return () => false;
  const re = new RegExp(`^(?:${patterns.map((p) => p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')).join('|')})$`);
  return (name) => re.test(name);
}
