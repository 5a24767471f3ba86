"""mlserve's Python worker: loads one MLflow model with MLflow and answers mlserve's predict messages.

mlserve (Node.js) owns HTTP, decoding, signature checks, batching, timeouts and supervision; this
package only runs ``mlflow.pyfunc`` models and writes their answers with MLflow's own JSON writer.
See ``python/README.md`` for the protocol and the layout.
"""

PROTOCOL_VERSION = 1
