"""The worker's life: start-up checks, load the model, then answer messages until mlserve closes the channel."""

import os
import signal
import sys
import traceback

from . import PROTOCOL_VERSION
from .engine import ModelRunner, Outcome, StreamError
from .protocol import Channel, ChannelClosed, buffers

CHANNEL_FD = 3


def _die_with_parent():
    """On Linux, ask the kernel to kill this process if mlserve dies (a hung model would otherwise outlive it)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; end of input on the channel still stops the worker
        pass


def _results(channel, header, payload, runner):
    buf = buffers(header, payload)
    out = []
    texts = []
    for unit in header["units"]:
        try:
            outcomes = runner.unit(unit, buf)
        except Exception as exc:  # noqa: BLE001 - a bug here must fail the request, not the worker
            error = {"code": "INTERNAL_ERROR", "status": 500, "message": f"The Python worker failed: {type(exc).__name__}: {exc}"}
            outcomes = [Outcome(error=error)] * max(1, len(unit.get("n") or ()))
        for outcome in outcomes:
            if outcome.error is not None:
                out.append({"ok": 0, "e": outcome.error})
            else:
                out.append({"ok": 1, "b": len(texts), "h": outcome.hint})
                texts.append(outcome.text.encode("utf-8"))
    channel.write({"k": "results", "id": header["id"], "out": out}, texts)


def _stream(channel, header, payload, runner):
    buf = buffers(header, payload)
    sid = header["id"]
    try:
        chunks = runner.stream(header["unit"], buf)
        for text in chunks:
            channel.write({"k": "chunk", "id": sid, "b": 0}, [text.encode("utf-8")])
            channel.poll()
            if channel.take(lambda h: h.get("k") == "cancel" and h.get("id") == sid):
                chunks.close()
                channel.write({"k": "end", "id": sid, "cancelled": 1})
                return
        channel.write({"k": "end", "id": sid})
    except StreamError as exc:
        channel.write({"k": "end", "id": sid, "e": exc.error})
    except Exception as exc:  # noqa: BLE001 - a bug here must end the stream, not the worker
        channel.write({"k": "end", "id": sid, "e": {"code": "INTERNAL_ERROR", "status": 500, "message": f"The Python worker failed: {type(exc).__name__}: {exc}"}})


def main(argv):
    """Serves the model in ``argv[1]`` over file descriptor 3; returns the exit code."""
    # mlserve owns the lifecycle: Ctrl-C in a terminal and a SIGTERM to the whole process group
    # must not kill workers while mlserve drains; end of input (or SIGKILL) stops them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    os.set_blocking(CHANNEL_FD, True)
    channel = Channel(CHANNEL_FD)
    try:
        import mlflow
    except Exception as exc:  # noqa: BLE001
        channel.write({"k": "fatal", "why": "mlflow", "message": f"{type(exc).__name__}: {exc}", "executable": sys.executable})
        return 3
    channel.write(
        {
            "k": "hello",
            "protocol": PROTOCOL_VERSION,
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "mlflow": getattr(mlflow, "__version__", "unknown"),
        }
    )
    try:
        runner = ModelRunner(argv[1])
    except Exception as exc:  # noqa: BLE001
        channel.write(
            {"k": "fatal", "why": "load", "message": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        )
        return 4
    channel.write({"k": "ready", "stream": runner.can_stream})
    while True:
        try:
            header, payload = channel.read()
        except ChannelClosed:
            return 0
        kind = header.get("k")
        if kind == "predict":
            _results(channel, header, payload, runner)
        elif kind == "stream":
            _stream(channel, header, payload, runner)
        elif kind == "exit":
            return 0
        # "cancel" for a stream that already ended: nothing to do.
