/**
 * ISA-95 equipment hierarchy. An asset path is slash-separated, from the
 * enterprise down: enterprise/site/area/line/cell/device. Segments are
 * lower-case identifiers so paths work as MQTT topics, URLs and SQL literals.
 */
export const ISA95_LEVELS = ['enterprise', 'site', 'area', 'line', 'cell', 'device'] as const;
export type Isa95Level = (typeof ISA95_LEVELS)[number];

export const ASSET_SEGMENT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function parseAssetPath(path: string): string[] | null {
  const segments = path.split('/');
  if (segments.length === 0 || segments.length > ISA95_LEVELS.length) return null;
  return segments.every((s) => ASSET_SEGMENT.test(s)) ? segments : null;
}

export function isAssetPath(path: string): boolean {
  return parseAssetPath(path) !== null;
}

/** The ISA-95 level of the last segment of a path ("line" for a/b/c/d). */
export function assetLevel(path: string): Isa95Level | undefined {
  return ISA95_LEVELS[path.split('/').length - 1];
}

/** True when `path` is `prefix` or lies below it. */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** The value of one level in a path, e.g. level "line" of a/b/c/l1/x → "l1". */
export function assetSegment(path: string, level: Isa95Level): string | undefined {
  return path.split('/')[ISA95_LEVELS.indexOf(level)];
}
