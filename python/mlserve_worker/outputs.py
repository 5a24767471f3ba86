"""Model answers: MLflow's own JSON text, a shape hint for mlserve, and splitting a merged answer per request."""

import io
import json

_writer = None


def _json_writer():
    """MLflow's writer of unwrapped answers (imported on first use: the worker checks ``import mlflow`` first)."""
    global _writer
    if _writer is None:
        try:  # MLflow >= 2.11
            from mlflow.pyfunc.scoring_server import unwrapped_predictions_to_json as write
        except ImportError:  # pragma: no cover - older MLflow: the same two steps
            from mlflow.utils.proto_json_utils import NumpyEncoder, _get_jsonable_obj

            def write(raw_predictions, output):
                json.dump(_get_jsonable_obj(raw_predictions, pandas_orient="records"), output, cls=NumpyEncoder)

        _writer = write
    return _writer


def predictions_text(raw):
    """The JSON text MLflow's scoring server writes for ``raw`` (inside ``{"predictions": ...}`` unless unwrapped)."""
    out = io.StringIO()
    _json_writer()(raw, out)
    return out.getvalue()


def _dtype_name(dtype):
    kind = dtype.kind
    if kind in "biuf" and dtype.name in (
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float16", "float32", "float64",
    ):
        return dtype.name
    if kind == "U":
        return "str"
    if kind == "S":
        return "bytes"
    if kind == "M":
        return "datetime64"
    return "object"


def hint(raw):
    """What ``raw`` was, so that mlserve can rebuild typed values from the JSON (V2 answers, CSV/Parquet output)."""
    import numpy as np
    import pandas as pd

    if isinstance(raw, np.ndarray):
        return {"t": "nd", "dt": _dtype_name(raw.dtype), "sh": list(raw.shape)}
    if isinstance(raw, pd.Series):
        raw = pd.DataFrame(raw)
    if isinstance(raw, pd.DataFrame):
        cols = []
        for name, dtype in raw.dtypes.items():
            name = name if isinstance(name, (str, int)) else str(name)
            cols.append([name, _dtype_name(dtype) if isinstance(dtype, np.dtype) else "object"])
        return {"t": "df", "cols": cols}
    if isinstance(raw, dict) and all(isinstance(k, str) for k in raw):
        return {"t": "dict", "v": {k: hint(v) for k, v in raw.items()}}
    return {"t": "js"}


def _length(raw):
    import numpy as np
    import pandas as pd

    if isinstance(raw, np.ndarray):
        return raw.shape[0] if raw.ndim >= 1 else None
    if isinstance(raw, (pd.DataFrame, pd.Series, list)):
        return len(raw)
    if isinstance(raw, dict) and raw:
        lengths = {_length(v) for v in raw.values()}
        return lengths.pop() if len(lengths) == 1 else None
    return None


def _slice(raw, start, stop):
    import pandas as pd

    if isinstance(raw, (pd.DataFrame, pd.Series)):
        return raw.iloc[start:stop]
    if isinstance(raw, dict):
        return {k: _slice(v, start, stop) for k, v in raw.items()}
    return raw[start:stop]


def split(raw, counts):
    """One answer per request, by the requests' row counts; None when ``raw`` has not one row per input row."""
    total = sum(counts)
    if _length(raw) != total:
        return None
    parts = []
    start = 0
    for n in counts:
        parts.append(_slice(raw, start, start + n))
        start += n
    return parts
