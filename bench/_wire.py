"""Worker side of bench/python.ts's protocol measurement: decoding a request in the worker, ours vs Arrow IPC vs MLflow's JSON parse.

    python bench/_wire.py ITERATIONS FRAME_FILE...   (PYTHONPATH=python; each FRAME_FILE has FRAME_FILE.json, the request)

For each frame (written by bench/python.ts from the same request mlserve receives) it times, per request:
  ours     rebuilding the DataFrame from the frame (mlserve_worker.values: numpy reads buffers in place)
  arrow    the same DataFrame sent as Arrow IPC instead: pyarrow reads the stream and converts it to pandas
  json     what the worker would pay parsing the HTTP body itself: MLflow's scoring-server JSON parse
"""

import json
import os
import struct
import sys
import time

import pyarrow as pa
from mlflow.models import Model
from mlflow.pyfunc import scoring_server

from mlserve_worker.engine import read_unit
from mlserve_worker.protocol import buffers

MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "python", "models", "sklearn_pipeline")


def per_call_us(fn, iterations):
    for _ in range(min(50, iterations)):
        fn()
    start = time.perf_counter()
    for _ in range(iterations):
        fn()
    return (time.perf_counter() - start) * 1e6 / iterations


def main(argv):
    iterations = int(argv[1])
    meta = Model.load(os.path.join(MODEL, "MLmodel"))
    schema = meta.get_input_schema()
    for path in argv[2:]:
        with open(path, "rb") as f:
            data = bytearray(f.read())
        (header_length,) = struct.unpack_from("<I", data, 4)
        header = json.loads(bytes(data[8 : 8 + header_length]))
        payload = memoryview(data)[8 + header_length :]
        buf = buffers(header, payload)
        unit = header["units"][0]
        ours = lambda: read_unit(unit, buf)  # noqa: E731
        frame, _ = ours()
        sink = pa.BufferOutputStream()
        table = pa.Table.from_pandas(frame, preserve_index=False)
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        ipc = sink.getvalue()
        arrow = lambda: pa.ipc.open_stream(ipc).read_all().to_pandas()  # noqa: E731
        with open(path + ".json") as f:
            body = f.read()
        parse = lambda: scoring_server._parse_json_data(body, meta, schema)  # noqa: E731
        rows = len(frame)
        print(
            f"  {rows} row{'s' if rows != 1 else ''}: worker decodes ours in {per_call_us(ours, iterations):.0f} µs;"
            f" Arrow IPC ({ipc.size:,} bytes) {per_call_us(arrow, iterations):.0f} µs;"
            f" MLflow's JSON parse of the body {per_call_us(parse, iterations):.0f} µs"
        )


if __name__ == "__main__":
    main(sys.argv)
