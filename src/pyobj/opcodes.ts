// Owns the pickle opcodes of protocols 0–5 (CPython's Lib/pickletools.py documents each one).

/** Every opcode of CPython's pickle machine, by name. */
export const OP = {
  MARK: 0x28, // (  push a mark
  STOP: 0x2e, // .  end of pickle
  POP: 0x30, // 0
  POP_MARK: 0x31, // 1
  DUP: 0x32, // 2
  FLOAT: 0x46, // F  text float line
  INT: 0x49, // I  text int line (00/01 are False/True)
  BININT: 0x4a, // J  int32
  BININT1: 0x4b, // K  uint8
  LONG: 0x4c, // L  text long line
  BININT2: 0x4d, // M  uint16
  NONE: 0x4e, // N
  PERSID: 0x50, // P  text persistent id
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  STRING: 0x53, // S  quoted Python 2 str
  BINSTRING: 0x54, // T  Python 2 str, int32 length
  SHORT_BINSTRING: 0x55, // U  Python 2 str, uint8 length
  UNICODE: 0x56, // V  raw-unicode-escape line
  BINUNICODE: 0x58, // X  utf-8, uint32 length
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c  module\nname\n
  DICT: 0x64, // d
  EMPTY_DICT: 0x7d, // }
  APPENDS: 0x65, // e
  GET: 0x67, // g  text memo index
  BINGET: 0x68, // h
  INST: 0x69, // i  module\nname\n, args since mark
  LONG_BINGET: 0x6a, // j
  LIST: 0x6c, // l
  EMPTY_LIST: 0x5d, // ]
  OBJ: 0x6f, // o
  PUT: 0x70, // p  text memo index
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  EMPTY_TUPLE: 0x29, // )
  SETITEMS: 0x75, // u
  BINFLOAT: 0x47, // G  float64 big-endian
  // Protocol 2
  PROTO: 0x80,
  NEWOBJ: 0x81,
  EXT1: 0x82,
  EXT2: 0x83,
  EXT4: 0x84,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  // Protocol 3
  BINBYTES: 0x42, // B
  SHORT_BINBYTES: 0x43, // C
  // Protocol 4
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  NEWOBJ_EX: 0x92,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  // Protocol 5
  BYTEARRAY8: 0x96,
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
} as const;

/** Opcode names by byte value (undefined for bytes that are not opcodes). */
export const OPCODE_NAMES: readonly (string | undefined)[] = (() => {
  const names: (string | undefined)[] = new Array(256).fill(undefined);
  for (const [name, code] of Object.entries(OP)) names[code] = name;
  return names;
})();

/** The highest pickle protocol. */
export const HIGHEST_PROTOCOL = 5;
