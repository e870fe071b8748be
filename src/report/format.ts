/**
 * How the report prints numbers: integers in full, others to 4 significant digits (3 for CIs;
 * rounded to a whole number from 10⁴ on), scientific notation outside [1e-3, 1e6), and the minus
 * sign U+2212 as in print.
 * Tests parse these back (test/report/numbers.test.ts), so the grammar is kept small:
 * `−?digits(.digits)?(e−?digits)?`, `nan`, `inf` (`∞`), and `—` for a missing value.
 */
import type { Value } from './content.js';

export const MISSING = '—';

function minus(text: string): string {
  return text.replace(/-/g, '−');
}

/** Prints `x` with `digits` significant digits, trailing zeros removed. */
export function formatSignificant(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) {
    const [m, e] = x.toExponential(digits - 1).split('e');
    return minus(`${m.replace(/\.?0+$/, '')}e${Number(e)}`);
  }
  // toPrecision would switch to exponent form from 10^digits on; whole numbers read better there.
  if (a >= 10 ** digits) return minus(String(Math.round(x)));
  const fixed = x.toPrecision(digits);
  return minus(fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed);
}

/** The printed form of a value. */
export function formatValue(v: Pick<Value, 'value' | 'format'>): string {
  if (v.value === null || v.value === undefined) return MISSING;
  if (typeof v.value === 'string') return v.value;
  const x = v.value;
  if (v.format === 'int' || (v.format === undefined && Number.isInteger(x) && Math.abs(x) < 1e15)) {
    return Number.isFinite(x) ? minus(String(Math.round(x))) : formatSignificant(x, 4);
  }
  return formatSignificant(x, v.format === 'sig3' ? 3 : 4);
}

/** Parses a printed number back (for tests and checks): the inverse of {@link formatValue} on numbers. */
export function parsePrinted(text: string): number | null {
  const t = text.trim().replace(/−/g, '-');
  if (t === MISSING) return null;
  if (t === '∞') return Infinity;
  if (t === '-∞') return -Infinity;
  if (t === 'NaN') return NaN;
  return /^-?\d+(\.\d+)?(e-?\d+)?$/.test(t) ? Number(t) : null;
}
