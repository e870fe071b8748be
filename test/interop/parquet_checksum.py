"""The content checksum of ntk-sweep's Parquet files (src/tables/parquet.ts), recomputed
independently: pyarrow reads the footer's key-value metadata, hashlib hashes every byte before
the footer. Input: {"files": [...]}; output: per file, the footer's value and the recomputed one."""
import hashlib
import json
import struct
import sys

import pyarrow.parquet as pq

KEY = b"ntk_sweep.data_sha256"

out = []
for f in json.load(sys.stdin)["files"]:
    data = open(f, "rb").read()
    (footer_len,) = struct.unpack("<I", data[-8:-4])
    footer_start = len(data) - 8 - footer_len
    kv = pq.ParquetFile(f).metadata.metadata or {}
    out.append({
        "file": f,
        "footer": kv.get(KEY, b"").decode(),
        "recomputed": hashlib.sha256(data[:footer_start]).hexdigest(),
        "rows": pq.read_table(f).num_rows,
    })
print(json.dumps(out))
