/**
 * The manifest.json entries the report lists (versions, hashes, counts, dates): every scalar leaf
 * as a JSON path DuckDB's `json_extract_string` understands, except inside the resolved config
 * (the report prints config.yaml itself).
 */

export interface ManifestEntry {
  /** Dotted path for people (`versions.node`). */
  label: string;
  /** JSON path for DuckDB (`$.versions.node`, `$."odd key"`). */
  path: string;
  value: string | number | null;
}

/** Sub-trees left out: the config (printed from config.yaml) and long listings. */
const SKIP = new Set(['config', 'resolved', 'resolved_config', 'grid', 'axes', 'trials']);
const MAX_ENTRIES = 60;

const pathPart = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key));

/** The scalar leaves of the manifest, in document order. Unparseable text gives no entries. */
export function manifestEntries(text: string): ManifestEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const out: ManifestEntry[] = [];
  const walk = (v: unknown, label: string[], path: string): void => {
    if (out.length >= MAX_ENTRIES) return;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      if (label.length) out.push({ label: label.join('.'), path, value: typeof v === 'boolean' ? String(v) : v });
      return;
    }
    if (Array.isArray(v) || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (SKIP.has(k)) continue;
      walk(child, [...label, k], `${path}.${pathPart(k)}`);
    }
  };
  walk(doc, [], '$');
  return out;
}
