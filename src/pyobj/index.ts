// The public face of pyobj/: reading Python's saved objects (pickles, skops files, .npy) into an
// inert tree, and reading that tree. A leaf module: it knows nothing of sklearn, MLflow or HTTP.

export { PickleError, PyTreeError } from './errors.js';
export { DEFAULT_LIMITS, type PyReadLimits } from './limits.js';
export { readPickle, type PickleReadOptions } from './pickle.js';
export { readSkops, SKOPS_PROTOCOL } from './skops.js';
export { readNpy } from './npy.js';
export { readPickleFile, readPythonObject, readPythonObjectFile, sniffFormat, type SavedFormat } from './read.js';
export {
  type PyValue,
  type PyList,
  type PyTuple,
  type PyDict,
  type PySet,
  type PyObjectKind,
  type ByValue,
  PyGlobal,
  PyObject,
  PyFrozenSet,
  PyComplex,
  PySlice,
  PyByteArray,
  PyPersistent,
  EMPTY_TUPLE,
  isTuple,
  isList,
  isPyFloat,
  describeByValue,
} from './tree.js';
export { NdArray, type NdData, halfToNumber } from './ndarray.js';
export { NpDType, type NpKind, type NpByteOrder, type NpField, type NpSubarray } from './dtype.js';
export { PyNode } from './node.js';
export { walkTree, listClasses, stateAttributes, type TreeVisitor } from './walk.js';
export { toTreeJson, type Json, type TreeJsonOptions } from './tree-json.js';
