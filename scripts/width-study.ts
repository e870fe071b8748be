/**
 * The in-process width study behind `npm run quickstart` until sweeps run through Temporal:
 * for every width of a config's grid (other axes at every value of `seed`, the rest at their
 * first value), the mean kernel_rel_err of the empirical NTK at initialisation and after
 * `train.steps` steps, and the fitted log-log slope beside the theory's −1/2.
 */
import { loadConfig, resolveTrial } from '../src/config/index.js';
import { kernelsForConfig } from '../src/kernels-for-config.js';
import { kernelRelErr } from '../src/metrics/index.js';
import { reportError } from '../src/cli/report-error.js';

async function study(file: string): Promise<void> {
  const loaded = loadConfig(file);
  const widthAxis = loaded.config.grid.find((a) => a.path === 'model.width');
  const seedAxis = loaded.config.grid.find((a) => a.path === 'seed');
  const widths = (widthAxis?.values ?? [loaded.config.model.width]) as number[];
  const seeds = (seedAxis?.values ?? [loaded.config.seed]) as number[];
  const steps = loaded.config.train.steps;
  console.log(`width study of ${file}: widths ${widths.join(', ')}, seeds ${seeds.join(', ')}, ${steps} steps`);
  console.log('width  rel_err(t=0)  rel_err(t=T)');
  const logW: number[] = [];
  const logE: number[] = [];
  for (const width of widths) {
    let e0 = 0;
    let eT = 0;
    let nT = 0;
    for (const seed of seeds) {
      const config = resolveTrial(loaded, [
        { path: 'model.width', value: width },
        { path: 'seed', value: seed },
      ]);
      const { kernels, training } = await kernelsForConfig(config, { configDir: loaded.dir, steps });
      const inf = kernels.find((k) => k.kind === 'analytic_ntk')!.kernel;
      const emp = kernels.filter((k) => k.kind === 'empirical');
      e0 += kernelRelErr(emp[0].kernel, inf);
      if (emp.length > 1 && training?.status === 'ok') {
        eT += kernelRelErr(emp[1].kernel, inf);
        nT++;
      }
    }
    e0 /= seeds.length;
    logW.push(Math.log(width));
    logE.push(Math.log(e0));
    const tCol = nT > 0 ? (eT / nT).toFixed(4) : 'diverged';
    console.log(`${String(width).padStart(5)}  ${e0.toFixed(4).padStart(12)}  ${tCol.padStart(12)}`);
  }
  if (widths.length > 1) {
    const mx = logW.reduce((a, b) => a + b) / logW.length;
    const my = logE.reduce((a, b) => a + b) / logE.length;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < logW.length; i++) {
      sxy += (logW[i] - mx) * (logE[i] - my);
      sxx += (logW[i] - mx) ** 2;
    }
    console.log(`fitted slope of log rel_err(t=0) on log width: ${(sxy / sxx).toFixed(3)} (theory: -0.5)`);
  }
}

study(process.argv[2] ?? 'configs/quickstart.yaml').then(
  () => process.exit(0),
  (e) => process.exit(reportError(e)),
);
