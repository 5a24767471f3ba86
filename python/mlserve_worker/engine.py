"""Runs one MLflow model the way ``mlflow models serve`` does, request by request or one merged batch at a time.

Each request reaches ``PyFuncModel.predict`` with the data and params MLflow's scoring server
would have parsed, and errors become the answers MLflow's ``invocations`` gives: an
``MlflowException`` keeps its code with the ``Failed to predict data '...'`` prefix, anything else
is the generic ``BAD_REQUEST`` with the traceback. A merged batch (several requests of a row-wise
model, concatenated by mlserve) is predicted once and split by the requests' row counts; if it
fails, or its answer has not one row per input row, each request is predicted alone, so only a
bad request fails and its message names its own data.
"""

import inspect
import json
import os
import sys
import traceback

from . import outputs
from .values import decode, take_rows

GENERIC_MESSAGE = (
    "Encountered an unexpected error while evaluating the model. Verify"
    " that the serialized input Dataframe is compatible with the model for"
    " inference."
)


def _load(model_dir):
    try:
        from mlflow.pyfunc.scoring_server import load_model_with_mlflow_config as load
    except ImportError:  # pragma: no cover - older MLflow
        from mlflow.pyfunc import load_model as load
    return load(model_dir)


def read_unit(node, buf):
    """The data and params of a unit: buffer ``node["v"]`` holds ``{"in": <value node>, "pa": <value node>}``."""
    values = json.loads(bytes(buf(node["v"])))
    return decode(values["in"], buf), decode(values["pa"], buf)


def unreadable(exc):
    """The answer for values the worker cannot rebuild (JSON nested deeper than Python's recursion limit)."""
    if isinstance(exc, RecursionError):
        return {
            "code": "BAD_REQUEST",
            "status": 400,
            "message": f"The request nests lists or objects deeper than Python can read ({sys.getrecursionlimit()} levels).",
        }
    return {"code": "INTERNAL_ERROR", "status": 500, "message": f"The Python worker could not read the request: {type(exc).__name__}: {exc}"}


class Outcome:
    """One request's answer: MLflow's JSON text and a shape hint, or an error."""

    __slots__ = ("text", "hint", "error")

    def __init__(self, text=None, hint=None, error=None):
        self.text = text
        self.hint = hint
        self.error = error


class ModelRunner:
    """The loaded model and how to call it."""

    def __init__(self, model_dir):
        self.model = _load(model_dir)
        # As `mlflow.pyfunc.scoring_server.init` does once the model is loaded.
        os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "true"
        self._takes_params = "params" in inspect.signature(self.model.predict).parameters
        self.can_stream = getattr(self.model, "_predict_stream_fn", None) is not None

    def _predict(self, data, params):
        if self._takes_params:
            return self.model.predict(data, params=params)
        return self.model.predict(data)

    @staticmethod
    def failure(exc, data):
        """MLflow's answer to an exception raised while predicting ``data`` (scoring_server.invocations)."""
        from mlflow.exceptions import MlflowException

        if isinstance(exc, MlflowException):
            error = {
                "code": exc.error_code,
                "status": exc.get_http_status_code(),
                "message": f"Failed to predict data '{data}'. \nError: {exc.message}",
            }
            trace = getattr(exc, "json_kwargs", {}).get("stack_trace")
            if trace is not None:
                error["trace"] = trace
            return error
        return {
            "code": "BAD_REQUEST",
            "status": 400,
            "message": GENERIC_MESSAGE,
            "trace": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            "raised": {"name": type(exc).__name__, "message": str(exc)},
        }

    @staticmethod
    def answer(raw):
        """The outcome for a prediction: MLflow's JSON, or INTERNAL_ERROR when it cannot be written (MLflow answers 500)."""
        try:
            return Outcome(text=outputs.predictions_text(raw), hint=outputs.hint(raw))
        except Exception as exc:  # noqa: BLE001 - any writer failure is the model output's fault
            return Outcome(
                error={
                    "code": "INTERNAL_ERROR",
                    "status": 500,
                    "message": f"Model output of type {type(raw).__name__} cannot be written as JSON: {exc}",
                }
            )

    def one(self, data, params):
        """Predicts one request."""
        try:
            raw = self._predict(data, params)
        except Exception as exc:  # noqa: BLE001 - every model failure becomes an answer
            return Outcome(error=self.failure(exc, data))
        return self.answer(raw)

    def unit(self, node, buf):
        """Outcomes of one unit of a predict message: a request, or requests merged by mlserve."""
        counts = node.get("n")
        try:
            data, params = read_unit(node, buf)
        except Exception as exc:  # noqa: BLE001 - the request's values, not the worker, are at fault
            return [Outcome(error=unreadable(exc))] * max(1, len(counts or ()))
        if not counts:
            return [self.one(data, params)]
        try:
            parts = outputs.split(self._predict(data, params), counts)
        except Exception:  # noqa: BLE001 - retried request by request below
            parts = None
        if parts is not None:
            return [self.answer(p) for p in parts]
        found = []
        start = 0
        for n in counts:
            found.append(self.one(take_rows(data, start, start + n), params))
            start += n
        return found

    def stream(self, node, buf):
        """Starts a streaming prediction: returns an iterator of JSON chunk texts (errors raise)."""
        try:
            data, params = read_unit(node, buf)
        except Exception as exc:  # noqa: BLE001
            raise StreamError(unreadable(exc)) from exc
        try:
            chunks = iter(self.model.predict_stream(data, params=params))
        except Exception as exc:  # noqa: BLE001
            raise StreamError(self.failure(exc, data)) from exc
        return _StreamChunks(chunks, self, data)


class StreamError(Exception):
    """A streaming prediction failed; ``error`` is the answer."""

    def __init__(self, error):
        super().__init__(error["message"])
        self.error = error


class _StreamChunks:
    def __init__(self, chunks, runner, data):
        self._chunks = chunks
        self._runner = runner
        self._data = data

    def __iter__(self):
        return self

    def __next__(self):
        try:
            chunk = next(self._chunks)
        except StopIteration:
            raise
        except Exception as exc:  # noqa: BLE001
            raise StreamError(self._runner.failure(exc, self._data)) from exc
        try:
            return outputs.predictions_text(chunk)
        except Exception as exc:  # noqa: BLE001
            raise StreamError(
                {"code": "INTERNAL_ERROR", "status": 500, "message": f"A stream chunk of type {type(chunk).__name__} cannot be written as JSON: {exc}"}
            ) from exc

    def close(self):
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
