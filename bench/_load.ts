/** The machine's load averages (1, 5, 15 min), as benchmarks print them beside their figures. */
import { loadavg } from 'node:os';

export const loadAverage = (digits = 2): string =>
  loadavg()
    .map((x) => x.toFixed(digits))
    .join(' ');
