"""Frames between mlserve and the worker, over one socket (file descriptor 3).

A frame is ``u32 length | u32 header length | header | payload`` (little-endian). The header is
UTF-8 JSON padded with spaces so that the payload starts 8-byte aligned; ``header["bufs"]`` lists
``[offset, length]`` of each binary buffer inside the payload (also 8-byte aligned), which values
refer to by index. Payloads are read into a ``bytearray`` so numpy arrays built on them are
writable without a copy.
"""

import io
import json
import select
import struct
from collections import deque

_U32 = struct.Struct("<I")
_ALIGN = 8


class ChannelClosed(Exception):
    """mlserve closed its end: the worker should exit."""


class Channel:
    """Reads and writes frames on one file descriptor."""

    def __init__(self, fd):
        self._fd = fd
        self._io = io.FileIO(fd, "r+b", closefd=False)
        self._pending = deque()

    def _read_exact(self, n):
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            k = self._io.readinto(view[got:])
            if not k:
                raise ChannelClosed()
            got += k
        return buf

    def _read_frame(self):
        (length,) = _U32.unpack(self._read_exact(4))
        body = self._read_exact(length)
        (header_length,) = _U32.unpack_from(body, 0)
        header = json.loads(bytes(body[4 : 4 + header_length]))
        payload = memoryview(body)[4 + header_length :]
        return header, payload

    def read(self):
        """The next frame: ``(header, payload)``; raises ChannelClosed at end of input."""
        if self._pending:
            return self._pending.popleft()
        return self._read_frame()

    def poll(self):
        """Reads the frames already waiting, without blocking; returns them (they stay queued for ``read``)."""
        while select.select([self._fd], [], [], 0)[0]:
            self._pending.append(self._read_frame())
        return list(self._pending)

    def take(self, predicate):
        """Removes and returns the first queued frame whose header satisfies ``predicate``, or None."""
        for i, frame in enumerate(self._pending):
            if predicate(frame[0]):
                del self._pending[i]
                return frame
        return None

    def write(self, header, buffers=()):
        """Writes one frame; ``buffers`` are bytes-like objects referenced by index from the header."""
        offsets = []
        size = 0
        for b in buffers:
            size = -(-size // _ALIGN) * _ALIGN
            n = memoryview(b).nbytes
            offsets.append([size, n])
            size += n
        if offsets:
            header = dict(header, bufs=offsets)
        text = json.dumps(header, ensure_ascii=False, allow_nan=True).encode("utf-8")
        text += b" " * (-(4 + len(text)) % _ALIGN)
        parts = [_U32.pack(4 + len(text) + size), _U32.pack(len(text)), text]
        written = 0
        for b, (offset, n) in zip(buffers, offsets):
            if offset > written:
                parts.append(b"\0" * (offset - written))
            parts.append(b)
            written = offset + n
        data = b"".join(parts)
        view = memoryview(data)
        while view:
            k = self._io.write(view)
            view = view[k:]


def buffers(header, payload):
    """A function giving buffer ``i`` of a frame as a memoryview of its payload."""
    spans = header.get("bufs", ())

    def buf(i):
        offset, length = spans[i]
        return payload[offset : offset + length]

    return buf
