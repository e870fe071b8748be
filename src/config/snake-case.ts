/** The YAML's and the tables' spelling (snake_case) of the core's camelCase config fields. */

/** `nTrain` → `n_train`. */
export const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

/** A value with every object key in snake_case, recursively; undefined members are left out. */
export function snakeKeys(v: unknown): Json {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[snake(k)] = snakeKeys(x);
    return out;
  }
  return v as Json;
}
