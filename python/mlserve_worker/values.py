"""Rebuilds model input sent by mlserve: pandas DataFrames, numpy arrays and plain JSON values.

mlserve decodes each request as MLflow's scoring server parses it (``dataframe_split`` and CSV into
a DataFrame, ``inputs``/``instances`` into numpy arrays, LLM payloads left as JSON values) and
sends the result as a tree of nodes in the frame header:

- ``{"t": "js", "v": <json>, "p": [[path, node], ...]}``: a JSON value. Floats are written with a
  fraction or exponent, so ``json.loads`` gives Python's int or float exactly as MLflow's parse
  did; the values JSON cannot hold (numpy arrays, DataFrames, bytes) sit at ``path`` as nodes.
- ``{"t": "nd", "dt": dtype, "sh": shape, ...}``: a numpy array. Numbers, booleans and datetimes
  are a buffer (``"b"``) read in place; strings are a JSON list (``"v"``); bytes a buffer and an
  offsets buffer (``"b"``, ``"o"``); objects a ``js`` node of the flat list of cells (``"c"``).
- ``{"t": "df", "n": rows, "cols": [{"n": label, <column as an "nd" node>}, ...]}``: a DataFrame.
- ``{"t": "by", "b": index}``: bytes; ``{"t": "ts", "ns": nanoseconds}``: a pandas Timestamp.
"""

_NUMERIC = {
    "bool": "bool",
    "int8": "int8",
    "int16": "int16",
    "int32": "int32",
    "int64": "int64",
    "uint8": "uint8",
    "uint16": "uint16",
    "uint32": "uint32",
    "uint64": "uint64",
    "float16": "float16",
    "float32": "float32",
    "float64": "float64",
    "datetime64": "datetime64[ns]",
}


def decode(node, buf):
    """Python value of ``node``; ``buf(i)`` gives buffer ``i`` of the frame as a memoryview."""
    kind = node["t"]
    if kind == "js":
        return _patched(node["v"], node.get("p"), buf)
    if kind == "nd":
        return _array(node, buf, column=False)
    if kind == "df":
        return _frame(node, buf)
    if kind == "by":
        return bytes(buf(node["b"]))
    if kind == "ts":
        import pandas as pd

        return pd.Timestamp(node["ns"], unit="ns")
    raise ValueError(f"unknown value node {kind!r}")


def _patched(value, patches, buf):
    for path, node in patches or ():
        target = value
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = decode(node, buf)
    return value


def _size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _bytes_list(node, buf, n):
    import numpy as np

    data = buf(node["b"])
    offsets = np.frombuffer(buf(node["o"]), dtype="<u4", count=n + 1)
    return [bytes(data[offsets[i] : offsets[i + 1]]) for i in range(n)]


def _objects(cells, shape):
    import numpy as np

    out = np.empty(shape, dtype=object)
    flat = out.reshape(-1)
    # Element by element: assigning a list of lists to a slice would broadcast it as an array.
    for i, cell in enumerate(cells):
        flat[i] = cell
    return out


def _array(node, buf, column):
    """A numpy array; for a DataFrame ``column``, strings and bytes stay Python objects, as pandas keeps them."""
    import numpy as np

    dtype = node["dt"]
    shape = tuple(node["sh"])
    n = _size(shape)
    if dtype in _NUMERIC:
        np_dtype = np.dtype(_NUMERIC[dtype])
        if n == 0:
            return np.empty(shape, dtype=np_dtype)
        return np.frombuffer(buf(node["b"]), dtype=np_dtype, count=n).reshape(shape)
    if dtype == "str":
        values = node["v"]
        if column:
            return _objects(values, shape)
        return np.array(values, dtype=np.str_).reshape(shape)
    if dtype == "bytes":
        values = _bytes_list(node, buf, n)
        if column:
            return _objects(values, shape)
        return np.array(values, dtype=np.bytes_).reshape(shape)
    if dtype == "object":
        return _objects(decode(node["c"], buf), shape)
    raise ValueError(f"unknown dtype {dtype!r}")


def _frame(node, buf):
    import pandas as pd

    rows = node["n"]
    columns = node["cols"]
    labels = [c["n"] for c in columns]
    data = {i: _array(c, buf, column=True) for i, c in enumerate(columns)}
    frame = pd.DataFrame(data, index=pd.RangeIndex(rows))
    # Default integer labels are a RangeIndex in pandas, as `pd.DataFrame(rows)` makes them.
    if labels == list(range(len(labels))) and all(type(x) is int for x in labels):
        frame.columns = pd.RangeIndex(len(labels))
    else:
        frame.columns = pd.Index(labels, dtype=object)
    return frame


def take_rows(value, start, stop):
    """Rows ``[start, stop)`` of a merged input, as the request alone had them (a fresh 0-based index)."""
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return value.iloc[start:stop].reset_index(drop=True)
    if isinstance(value, np.ndarray):
        return value[start:stop].copy()
    if isinstance(value, dict):
        return {k: take_rows(v, start, stop) for k, v in value.items()}
    raise TypeError(f"cannot take rows of {type(value).__name__}")
