/**
 * The CLI as it started before commands loaded their libraries on use and before dist/: tsx on the
 * sources, with every module the old src/cli/main.ts imported at start (each command's
 * implementation and, through the backend names, TensorFlow.js) loaded before main runs — and,
 * for `status`, the launch and worker modules its handler pulled in. Run by bench/cli.ts only:
 * `node --import tsx/esm bench/_cli-eager.ts ARGS`.
 */
await Promise.all([
  import('../src/backend/select.js'),
  import('../src/config/loader.js'),
  import('../src/config/expand.js'),
  import('../src/config/summary.js'),
  import('../src/aggregate/index.js'),
  import('../src/query/index.js'),
  import('../src/report/index.js'),
  import('../src/report/format.js'),
  import('../workflows/shared.js'),
]);
const args = process.argv.slice(2);
if (args[0] === 'status') await Promise.all([import('../orchestration/launch.js'), import('@temporalio/worker')]);
const { main } = await import('../cli/main.js');
process.exitCode = await main(args);
