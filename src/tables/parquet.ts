/**
 * Arrow tables ⇄ Parquet bytes through parquet-wasm (the Rust `parquet` crate compiled to
 * WebAssembly; docs/parquet-writers.md says why this writer), a fast validity check of a Parquet
 * file that reads only its footer, and a content checksum that finds damage the footer cannot.
 *
 * Files are zstd-compressed and keep the Arrow schema (`ARROW:schema` in the footer), so pyarrow,
 * pandas and polars read back the exact Arrow types (dictionary strings, list<float>, int64,
 * timestamp[ms, UTC]) and the schema metadata.
 *
 * The checksum: SHA-256 of every byte before the footer (the leading magic and all column
 * chunks: data and dictionary pages with their headers), as 64 hex digits in the footer's
 * key-value metadata under {@link CHECKSUM_KEY}. The writer reserves the entry with a placeholder
 * of the same length, hashes the bytes the Parquet library wrote, and puts the digest in the
 * placeholder's place: the footer's length and every offset stay as they were. Readers see it as
 * one more metadata entry; {@link verifyParquetChecksum} recomputes it.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import {
  Compression,
  Table as WasmTable,
  WriterPropertiesBuilder,
  readParquet,
  readSchema,
  writeParquet,
} from 'parquet-wasm';

const MAGIC = 0x31524150; // 'PAR1' read as a little-endian uint32
/** Bytes read from the end of a file in one go: the footers of the run folder's tables fit. */
const TAIL_GUESS = 32 * 1024;

/** Footer metadata key of the content checksum (see the module comment). */
export const CHECKSUM_KEY = 'ntk_sweep.data_sha256';
/** Reserved in the footer until the digest is known: as long as a SHA-256 in hex, and not hex. */
const PLACEHOLDER = Buffer.from('?'.repeat(64));
/**
 * The placeholder as the footer encodes it (Thrift compact protocol): the key's bytes, the value
 * field's header (field id +1, type binary: 0x18) and its length (64 as a varint: 0x40), then
 * the placeholder. Matching all of it keeps the placeholder from being found in a column's
 * statistics by chance.
 */
const RESERVED = Buffer.concat([Buffer.from(CHECKSUM_KEY), Buffer.from([0x18, 0x40]), PLACEHOLDER]);

/** Bytes before the footer of a whole Parquet file (`bytes` ends with footer length and 'PAR1'). */
function footerStart(bytes: Uint8Array): number {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.length - 8 - view.readUInt32LE(view.length - 8);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Parquet bytes of an Arrow table, zstd-compressed, Arrow schema and metadata kept, with its content checksum. Inverse: {@link parquetToArrow}. */
export function arrowToParquet(table: arrow.Table): Uint8Array {
  const wasmTable = WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  // Parquet dictionary encoding only for string columns: on float columns (most of the bytes) it
  // made files 45% larger and writing 4× slower (docs/parquet-writers.md), and polars (1.9) cannot
  // read an Arrow dictionary column whose pages are not dictionary-encoded.
  let builder = new WriterPropertiesBuilder()
    .setCompression(Compression.ZSTD)
    .setDictionaryEnabled(false)
    .setKeyValueMetadata(new Map([[CHECKSUM_KEY, PLACEHOLDER.toString()]]));
  for (const f of table.schema.fields) {
    if (arrow.DataType.isUtf8(f.type) || arrow.DataType.isDictionary(f.type))
      builder = builder.setColumnDictionaryEnabled(f.name, true);
  }
  const props = builder.build();
  // writeParquet consumes both wasm objects (their memory is freed by the call).
  const bytes = writeParquet(wasmTable, props);
  const start = footerStart(bytes);
  const footer = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
  const at = footer.indexOf(RESERVED);
  if (at < 0 || footer.indexOf(RESERVED, at + 1) >= 0)
    throw new Error('arrowToParquet: the checksum entry is not once in the footer');
  footer.write(sha256(bytes.subarray(0, start)), at + RESERVED.length - PLACEHOLDER.length, 'latin1');
  return bytes;
}

/** What {@link verifyParquetChecksum} found. */
export type ChecksumCheck = { ok: true } | { ok: false; reason: string } | { ok: 'absent' };

/**
 * Recomputes the content checksum of a Parquet file whose footer is valid (reads the whole
 * file) and compares it with the one its footer holds (`metadata`, from
 * {@link inspectParquetFile}). `absent` for files written without one.
 */
export function verifyParquetChecksum(file: string, metadata: ReadonlyMap<string, string>): ChecksumCheck {
  const want = metadata.get(CHECKSUM_KEY);
  if (want === undefined) return { ok: 'absent' };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const got = sha256(bytes.subarray(0, footerStart(bytes)));
  return got === want
    ? { ok: true }
    : { ok: false, reason: `content checksum ${got.slice(0, 12)}… does not match the footer's ${want.slice(0, 12)}…` };
}

/** An Arrow table from Parquet bytes (inverse of {@link arrowToParquet}). */
export function parquetToArrow(bytes: Uint8Array): arrow.Table {
  const wasmTable = readParquet(bytes);
  return arrow.tableFromIPC(wasmTable.intoIPCStream());
}

/** What {@link inspectParquetFile} found: the schema metadata of a valid file, or why it is not one. */
export type ParquetFileCheck = { ok: true; metadata: Map<string, string> } | { ok: false; reason: string };

/**
 * Checks that `file` is a whole Parquet file without reading its data: 'PAR1' at both ends, a
 * footer length that fits in the file, and a footer that the Parquet library parses into an Arrow
 * schema. A file truncated at any byte fails (the trailing magic or the footer is gone). Returns
 * the schema metadata on success. Data pages are not checked: a bit flip inside them is found by
 * {@link verifyParquetChecksum}.
 */
export function inspectParquetFile(file: string): ParquetFileCheck {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    return { ok: false, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message };
  }
  try {
    const size = fstatSync(fd).size;
    // header magic + footer length + trailing magic = 12 bytes at least.
    if (size < 12) return { ok: false, reason: `too short (${size} bytes)` };
    const head = Buffer.alloc(4);
    if (readSync(fd, head, 0, 4, 0) !== 4) return { ok: false, reason: 'short read' };
    if (head.readUInt32LE(0) !== MAGIC) return { ok: false, reason: 'no PAR1 at the start' };
    // One read for the end of the file, footer included unless it is unusually large: framed as
    // a file of its own ('PAR1' + footer + length + 'PAR1'), from which the library reads the
    // metadata without touching the (absent) data pages.
    const guess = Math.min(size - 4, TAIL_GUESS);
    let framed = Buffer.alloc(guess + 4);
    if (readSync(fd, framed, 4, guess, size - guess) !== guess) return { ok: false, reason: 'short read' };
    if (framed.readUInt32LE(framed.length - 4) !== MAGIC)
      return { ok: false, reason: 'no PAR1 at the end (truncated?)' };
    const footerLength = framed.readUInt32LE(framed.length - 8);
    if (footerLength === 0 || footerLength > size - 12)
      return { ok: false, reason: `footer length ${footerLength} does not fit in ${size} bytes` };
    if (footerLength + 8 <= guess) {
      framed = framed.subarray(guess - footerLength - 8);
    } else {
      framed = Buffer.alloc(footerLength + 12);
      if (readSync(fd, framed, 4, footerLength + 8, size - 8 - footerLength) !== footerLength + 8)
        return { ok: false, reason: 'short read' };
    }
    framed.writeUInt32LE(MAGIC, 0);
    try {
      const schema = readSchema(framed);
      const metadata = schema.metadata() as Map<string, string>;
      schema.free();
      return { ok: true, metadata };
    } catch (e) {
      return { ok: false, reason: `footer does not parse: ${String(e)}` };
    }
  } finally {
    closeSync(fd);
  }
}
