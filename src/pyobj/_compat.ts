// Owns the Python 2 → Python 3 names a protocol 0–2 pickle may use (Python 3 writes Python 2
// names at those protocols and maps them back on load, as CPython's _compat_pickle does). Only
// the names data pickles use are mapped; the GUI, network and dbm modules are left out.

const MODULES: Record<string, string> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  cPickle: 'pickle',
  _abcoll: 'collections.abc',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  StringIO: 'io',
  cStringIO: 'io',
  repr: 'reprlib',
  exceptions: 'builtins',
};

const NAMES: Record<string, readonly [string, string]> = {
  '__builtin__.xrange': ['builtins', 'range'],
  '__builtin__.reduce': ['functools', 'reduce'],
  '__builtin__.intern': ['sys', 'intern'],
  '__builtin__.unichr': ['builtins', 'chr'],
  '__builtin__.unicode': ['builtins', 'str'],
  '__builtin__.long': ['builtins', 'int'],
  '__builtin__.basestring': ['builtins', 'str'],
  'itertools.izip': ['builtins', 'zip'],
  'itertools.imap': ['builtins', 'map'],
  'itertools.ifilter': ['builtins', 'filter'],
  'itertools.ifilterfalse': ['itertools', 'filterfalse'],
  'itertools.izip_longest': ['itertools', 'zip_longest'],
  'UserDict.IterableUserDict': ['collections', 'UserDict'],
  'exceptions.StandardError': ['builtins', 'Exception'],
};

/** The Python 3 module and name for a global of a protocol 0–2 pickle. */
export function fixImport(module: string, name: string): readonly [string, string] {
  return NAMES[`${module}.${name}`] ?? [MODULES[module] ?? module, name];
}
