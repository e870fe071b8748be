import { formatValue } from '../src/report/format.js';
for (const x of [0, 1, -3, 0.5, -0.49871, 123456.7, 1e-7, -2.5e8, 0.001, 999999, 0.00099, 1234.5678, 99999.5]) console.log(x, formatValue({ value: x }), formatValue({ value: x, format: 'sig3' }));
