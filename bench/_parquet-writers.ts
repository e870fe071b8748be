/**
 * The Parquet writer comparison behind docs/parquet-writers.md (not part of `npm run bench`: the
 * leading underscore skips it). Candidates: apache-arrow + parquet-wasm (what src/tables uses),
 * `parquetjs` (the original plan), `@dsnp/parquetjs` (its maintained fork) and DuckDB `COPY … TO`
 * through `@duckdb/node-api`.
 *
 * The two parquetjs packages are not dependencies of the project; install them beside it first:
 *   npm install --prefix .cache/parquet-candidates --ignore-scripts parquetjs@0.11.2 @dsnp/parquetjs@1.8.7
 * then: npx tsx bench/_parquet-writers.ts
 *
 * Measures, for one realistic trial (kernels 64×64 × 3 snapshots = 192 list<float32> rows, and 300
 * curve rows): the median time to write both files and their sizes; and, for type fidelity, what
 * pyarrow reads back from each writer's file of the four delicate types (int64, timestamp[ms, UTC],
 * a dictionary string, list<float32>) and whether the values survive.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, FLOAT, LIST, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { arrowToParquet } from '../src/tables/parquet.js';
import { makeTable } from '../src/tables/arrow-rows.js';
import type { CurveRow, KernelRow } from '../src/tables/rows.js';
import { writeTrialTables } from '../src/tables/write.js';
import { syntheticTrialTables } from '../test/helpers/synthetic-trial.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CANDIDATES = path.join(ROOT, '.cache', 'parquet-candidates');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const REPS = Number(process.env.NTK_BENCH_REPS ?? 20);

/* eslint-disable @typescript-eslint/no-explicit-any -- the parquetjs packages are loaded untyped from outside the project */
type Loaded = { name: string; version: string; lib: any } | { name: string; missing: string };

function loadCandidate(name: string): Loaded {
  try {
    const req = createRequire(path.join(CANDIDATES, 'package.json'));
    const version = (JSON.parse(readFileSync(req.resolve(`${name}/package.json`), 'utf8')) as { version: string })
      .version;
    return { name, version, lib: req(name) };
  } catch (e) {
    return { name, missing: (e as Error).message.split('\n')[0] };
  }
}

/** A writer of the benchmark's two tables: kernels and curves, to two files. */
interface Writer {
  name: string;
  compression: string;
  write(dir: string, kernels: KernelRow[], curves: CurveRow[]): Promise<void>;
  close?(): Promise<void>;
}

const CURVE_FIELDS = [
  'train_loss',
  'test_loss',
  'pred_train_loss_analytic',
  'pred_test_loss_analytic',
  'pred_train_loss_linear',
  'pred_test_loss_linear',
  'weight_change',
  'kernel_rel_err',
  'kernel_drift',
  'pred_gap_analytic',
  'pred_gap_linear',
  'pred_gap_analytic_rel',
  'pred_gap_linear_rel',
] as const;

function arrowWriter(): Writer {
  return {
    name: 'apache-arrow + parquet-wasm',
    compression: 'ZSTD',
    async write(dir, kernels, curves) {
      writeFileSync(path.join(dir, 'kernels.parquet'), arrowToParquet(makeTable('kernels', kernels)));
      writeFileSync(path.join(dir, 'curves.parquet'), arrowToParquet(makeTable('curves', curves)));
    },
  };
}

/** parquetjs and @dsnp/parquetjs share an API; `list` says how the kernel row is declared. */
function parquetjsWriter(c: { name: string; version: string; lib: any }, list: 'repeated' | 'LIST'): Writer {
  const p = c.lib;
  const compression = 'GZIP'; // neither package offers zstd; GZIP compresses best of what they have
  const opt = (type: string) => ({ type, optional: true, compression });
  const values =
    list === 'LIST'
      ? {
          type: 'LIST',
          compression,
          fields: { list: { repeated: true, fields: { element: { type: 'FLOAT', compression } } } },
        }
      : { type: 'FLOAT', repeated: true, compression };
  const kernelSchema = new p.ParquetSchema({
    trial_id: { type: 'UTF8', compression },
    step: { type: 'INT32', compression },
    kind: { type: 'UTF8', compression },
    split: { type: 'UTF8', compression },
    row: { type: 'INT32', compression },
    values,
  });
  const curveSchema = new p.ParquetSchema({
    trial_id: { type: 'UTF8', compression },
    step: { type: 'INT32', compression },
    ...Object.fromEntries(CURVE_FIELDS.map((f) => [f, opt('DOUBLE')])),
  });
  return {
    name: `${c.name} ${c.version}`,
    compression,
    async write(dir, kernels, curves) {
      const wk = await p.ParquetWriter.openFile(kernelSchema, path.join(dir, 'kernels.parquet'));
      for (const r of kernels) {
        const v = Array.from(r.values);
        await wk.appendRow({ ...r, values: list === 'LIST' ? { list: v.map((element) => ({ element })) } : v });
      }
      await wk.close();
      const wc = await p.ParquetWriter.openFile(curveSchema, path.join(dir, 'curves.parquet'));
      for (const r of curves) {
        // parquetjs marks a missing optional value by leaving it out.
        await wc.appendRow(Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));
      }
      await wc.close();
    },
  };
}

async function duckdbWriter(): Promise<Writer> {
  const instance = await DuckDBInstance.create(':memory:');
  const con: DuckDBConnection = await instance.connect();
  const version = (await con.runAndReadAll('SELECT version()')).getRows()[0][0] as string;
  await con.run(
    `CREATE TABLE kernels (trial_id VARCHAR, step INTEGER, kind VARCHAR, split VARCHAR, "row" INTEGER, "values" FLOAT[])`,
  );
  await con.run(
    `CREATE TABLE curves (trial_id VARCHAR, step INTEGER, ${CURVE_FIELDS.map((f) => `${f} DOUBLE`).join(', ')})`,
  );
  return {
    name: `DuckDB ${version} COPY (@duckdb/node-api appender)`,
    compression: 'ZSTD',
    async write(dir, kernels, curves) {
      await con.run('DELETE FROM kernels; DELETE FROM curves');
      const ak = await con.createAppender('kernels');
      for (const r of kernels) {
        ak.appendVarchar(r.trial_id);
        ak.appendInteger(r.step);
        ak.appendVarchar(r.kind);
        ak.appendVarchar(r.split);
        ak.appendInteger(r.row);
        ak.appendList(listValue(Array.from(r.values)), LIST(FLOAT));
        ak.endRow();
      }
      ak.closeSync();
      const ac = await con.createAppender('curves');
      for (const r of curves) {
        ac.appendVarchar(r.trial_id);
        ac.appendInteger(r.step);
        for (const f of CURVE_FIELDS) {
          const v = r[f];
          if (v === null) ac.appendNull();
          else ac.appendDouble(v);
        }
        ac.endRow();
      }
      ac.closeSync();
      for (const t of ['kernels', 'curves']) {
        const file = path.join(dir, `${t}.parquet`).replaceAll("'", "''");
        await con.run(`COPY ${t} TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
      }
    },
    async close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Time `REPS` writes of both tables (after 3 warm-ups): minimum and median wall time, and median
 * CPU time of this process (all its threads), in ms; on a shared machine the minimum is the
 * steadiest of the three.
 */
async function timeWriter(
  w: Writer,
  kernels: KernelRow[],
  curves: CurveRow[],
): Promise<{ ms: number; minMs: number; cpuMs: number; kernelsKiB: number; curvesKiB: number; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pq-bench-'));
  for (let i = 0; i < 3; i++) await w.write(dir, kernels, curves);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await w.write(dir, kernels, curves);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const kib = (f: string): number => statSync(path.join(dir, f)).size / 1024;
  return {
    ms: median(times),
    minMs: Math.min(...times),
    cpuMs: median(cpu),
    kernelsKiB: kib('kernels.parquet'),
    curvesKiB: kib('curves.parquet'),
    dir,
  };
}

/** What pyarrow reads from each kernels file: the `values` type, row count, and whether the floats survived. */
function pyarrowCheck(files: Record<string, string>, expected: number[][]): Record<string, string> {
  const code = `
import json, sys, pyarrow.parquet as pq, numpy as np
inp = json.load(sys.stdin)
exp = inp['expected']
out = {}
for name, f in inp['files'].items():
    try:
        t = pq.read_table(f)
        v = t.column('values').to_pylist()
        same = len(v) == len(exp) and all(np.array_equal(np.float32(a), np.float32(b)) for a, b in zip(v, exp))
        out[name] = f"{t.schema.field('values').type} rows={t.num_rows} values_equal={same}"
    except Exception as e:
        out[name] = 'ERROR ' + str(e)[:200]
print(json.dumps(out))
`;
  const res = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify({ files, expected }), encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as Record<string, string>;
}

/** The four delicate types through each writer, as pyarrow, polars and DuckDB (Python) read them back. */
async function typeFidelity(
  candidates: { name: string; version: string; lib: any }[],
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pq-types-'));
  const rows = [
    {
      seed: 2 ** 40 + 7,
      started_at: new Date(Date.UTC(2026, 10, 3, 12, 34, 56, 789)),
      activation: 'relu',
      values: Float32Array.of(0.1, -2.5, 3e-8),
    },
    { seed: 4294967295, started_at: new Date(0), activation: 'erf', values: Float32Array.of(1 / 3) },
    { seed: 0, started_at: new Date(Date.UTC(2000, 0, 1)), activation: 'relu', values: new Float32Array(0) },
  ];
  const files: Record<string, string> = {};
  // apache-arrow + parquet-wasm: the trials-table column kinds
  {
    const arrow = await import('apache-arrow');
    const { arrowType } = await import('../src/tables/schemas.js');
    const schema = new arrow.Schema([
      new arrow.Field('seed', arrowType('int64'), false),
      new arrow.Field('started_at', arrowType('timestamp_ms'), false),
      new arrow.Field('activation', arrowType('dict'), false),
      new arrow.Field('values', arrowType('list_float32'), false),
    ]);
    const cols = schema.fields.map((f) => {
      const b = arrow.makeBuilder({ type: f.type, nullValues: [null] });
      for (const r of rows) {
        const v = (r as Record<string, unknown>)[f.name];
        b.append(f.name === 'seed' ? BigInt(v as number) : f.name === 'values' ? Array.from(v as Float32Array) : v);
      }
      return b.finish().flush();
    });
    const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, children: cols });
    const file = path.join(dir, 'arrow.parquet');
    writeFileSync(file, arrowToParquet(new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)])));
    files['apache-arrow + parquet-wasm'] = file;
  }
  for (const c of candidates) {
    const p = c.lib;
    const schema = new p.ParquetSchema({
      seed: { type: 'INT64' },
      started_at: { type: 'TIMESTAMP_MILLIS' },
      activation: { type: 'UTF8' },
      values:
        c.name === '@dsnp/parquetjs'
          ? { type: 'LIST', fields: { list: { repeated: true, fields: { element: { type: 'FLOAT' } } } } }
          : { type: 'FLOAT', repeated: true },
    });
    const file = path.join(dir, `${c.name.replace(/[@/]/g, '_')}.parquet`);
    const w = await p.ParquetWriter.openFile(schema, file);
    for (const r of rows) {
      const v = Array.from(r.values);
      await w.appendRow({
        ...r,
        values: c.name === '@dsnp/parquetjs' ? { list: v.map((element) => ({ element })) } : v,
      });
    }
    await w.close();
    files[c.name] = file;
  }
  {
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    await con.run(`CREATE TYPE act AS ENUM ('relu', 'erf')`);
    await con.run(`CREATE TABLE t (seed BIGINT, started_at TIMESTAMPTZ, activation act, "values" FLOAT[])`);
    const a = await con.createAppender('t');
    for (const r of rows) {
      a.appendBigInt(BigInt(r.seed));
      a.appendVarchar(r.started_at.toISOString());
      a.appendVarchar(r.activation);
      a.appendList(listValue(Array.from(r.values)), LIST(FLOAT));
      a.endRow();
    }
    a.closeSync();
    const file = path.join(dir, 'duckdb.parquet');
    await con.run(`COPY t TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    con.closeSync();
    instance.closeSync();
    files['DuckDB COPY'] = file;
  }
  const code = `
import json, sys, pyarrow.parquet as pq, polars as pl, duckdb, numpy as np
inp = json.load(sys.stdin)
exp = inp['rows']
out = {}
for name, f in inp['files'].items():
    r = {}
    try:
        t = pq.read_table(f)
        r['pyarrow'] = {fld.name: str(fld.type) for fld in t.schema}
        seeds = t.column('seed').to_pylist()
        ts = [int(x.timestamp() * 1000) if x is not None else None for x in t.column('started_at').to_pylist()]
        tz = [x.tzinfo is not None for x in t.column('started_at').to_pylist()]
        vals = t.column('values').to_pylist()
        r['values_equal'] = {
            'seed': seeds == [e['seed'] for e in exp],
            'started_at_ms': ts == [e['started_at_ms'] for e in exp],
            'started_at_has_tz': all(tz),
            'activation': [str(x) for x in t.column('activation').to_pylist()] == [e['activation'] for e in exp],
            'values': all(np.array_equal(np.float32(a or []), np.float32(b)) for a, b in zip(vals, [e['values'] for e in exp])),
        }
    except Exception as e:
        r['pyarrow'] = 'ERROR ' + str(e)[:300]
    try:
        r['polars'] = {k: str(v) for k, v in pl.read_parquet(f).schema.items()}
    except Exception as e:
        r['polars'] = 'ERROR ' + str(e)[:300]
    try:
        r['duckdb'] = dict(zip(*[[d[0] for d in duckdb.sql(f"select * from read_parquet('{f}')").description], [str(x) for x in duckdb.sql(f"select * from read_parquet('{f}')").types]]))
    except Exception as e:
        r['duckdb'] = 'ERROR ' + str(e)[:300]
    out[name] = r
print(json.dumps(out))
`;
  const expected = rows.map((r) => ({
    seed: r.seed,
    started_at_ms: r.started_at.getTime(),
    activation: r.activation,
    values: Array.from(r.values),
  }));
  const res = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify({ files, rows: expected }), encoding: 'utf8' });
  if (res.status !== 0) throw new Error(res.stderr);
  rmSync(dir, { recursive: true, force: true });
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

export async function run(): Promise<void> {
  console.log(
    `# Parquet writers — ${new Date().toISOString()} — node ${process.version} — ${cpus()[0]?.model} × ${cpus().length}`,
  );
  const t = syntheticTrialTables({
    trialId: 'bench0000001',
    nTrain: 64,
    nTest: 0,
    snapshots: [0, 1000, 2990],
    steps: 2990,
    logEvery: 10,
  });
  const kernels = t.kernels;
  const curves = t.curves;
  console.log(
    `workload: ${kernels.length} kernel rows × ${kernels[0].values.length} float32, ${curves.length} curve rows`,
  );

  const loaded = [loadCandidate('parquetjs'), loadCandidate('@dsnp/parquetjs')];
  const present = loaded.filter((c): c is { name: string; version: string; lib: any } => 'lib' in c);
  for (const c of loaded) if ('missing' in c) console.log(`(${c.name} not installed in ${CANDIDATES}: ${c.missing})`);

  const writers: Writer[] = [arrowWriter()];
  for (const c of present) writers.push(parquetjsWriter(c, c.name === '@dsnp/parquetjs' ? 'LIST' : 'repeated'));
  writers.push(await duckdbWriter());

  console.log(
    `\nload average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `\n| writer | compression | write kernels + curves: wall, min / median of ${REPS} (ms) | CPU time, median (ms) | kernels file (KiB) | curves file (KiB) | pyarrow reads \`values\` as |`,
  );
  console.log('|---|---|---:|---:|---:|---:|---|');
  const expected = kernels.map((r) => Array.from(r.values));
  for (const w of writers) {
    const r = await timeWriter(w, kernels, curves);
    const check = pyarrowCheck({ [w.name]: path.join(r.dir, 'kernels.parquet') }, expected)[w.name];
    console.log(
      `| ${w.name} | ${w.compression} | ${r.minMs.toFixed(1)} / ${r.ms.toFixed(1)} | ${r.cpuMs.toFixed(1)} | ${r.kernelsKiB.toFixed(1)} | ${r.curvesKiB.toFixed(1)} | ${check} |`,
    );
    rmSync(r.dir, { recursive: true, force: true });
    await w.close?.();
  }

  // The whole trial through src/tables (all six tables + analytic, temp files, fsyncs, renames).
  const full = syntheticTrialTables({
    trialId: 'bench0000002',
    nTrain: 64,
    nTest: 64,
    snapshots: [0, 1000, 2990],
    steps: 2990,
    logEvery: 10,
  });
  const runDir = mkdtempSync(path.join(tmpdir(), 'pq-run-'));
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPS + 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await writeTrialTables(runDir, full);
    const c = process.cpuUsage(c0);
    if (i >= 3) {
      times.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  rmSync(runDir, { recursive: true, force: true });
  console.log(
    `\nwriteTrialTables, whole trial (${full.kernels.length} kernel rows, ${full.curves.length} curves, ${full.predictions.length} predictions, ` +
      `${full.modes.length} modes, ${full.analytic.length} analytic rows; temp file, fsync, rename): wall min ${Math.min(...times).toFixed(1)} / median ${median(times).toFixed(1)} ms, CPU median ${median(cpu).toFixed(1)} ms`,
  );
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );

  console.log(
    '\n## type fidelity (int64 seed, timestamp ms UTC, dictionary string, list<float32>), as read back in Python\n',
  );
  console.log(JSON.stringify(await typeFidelity(present), null, 2));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run();
