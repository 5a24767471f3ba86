#!/usr/bin/env python3
"""The scikit-learn side of the scikit-learn benchmark: its models, its rows, and scikit-learn's own times.

Generates on demand (nothing large is committed) the four models of issue 14's benchmark, as MLflow
model folders, with the rows both sides score:

  random_forest           RandomForestClassifier(n_estimators=100), 20 numeric features, 3 classes
  hist_gradient_boosting  HistGradientBoostingClassifier(max_iter=100), the same features, binary
  logistic_regression     LogisticRegression, the same features, 3 classes (multinomial)
  column_transformer      Pipeline(ColumnTransformer(StandardScaler on 6 numbers,
                          OneHotEncoder(handle_unknown='ignore') on 3 strings), LogisticRegression)

and, timed only when asked for (--model), other families on the same numeric features:

  svc                     SVC(probability=True), RBF kernel, 3 classes
  kneighbors              KNeighborsClassifier(n_neighbors=5), brute force (20 features)
  kneighbors_kd_tree      KNeighborsClassifier(n_neighbors=5, weights='distance') on 8 features: a KD tree
  gaussian_nb             GaussianNB, 3 classes
  pca_logistic            Pipeline(StandardScaler, PCA(10, whiten=True), LogisticRegression)

and times scikit-learn's `predict` on them the way MLflow's pyfunc calls it (a pandas DataFrame):
10,000 rows per call (median over rounds, rows/s by wall clock and by CPU time) and one row per call
(median and p90 over many calls, and the median CPU time of a call: the per-request cost a user of
`mlflow models serve` pays). Prints one JSON object.

  python bench/sklearn-models.py prepare [--dir D]              # models + rows, cached; prints the manifest
  python bench/sklearn-models.py time [--dir D] [--model M ...] # times; prints JSON
  python bench/sklearn-models.py [--dir D]                      # both

Run it with a Python that has scikit-learn, numpy and pandas: the MLflow venv (scikit-learn 1.6.1,
models saved with mlflow.sklearn.save_model) or a venv from the local wheels (e.g. 1.9.1; the folder
is then written with the same MLmodel keys, without MLflow). Thread pools are limited to --threads
(default 1: the benchmark compares one core with one core). The cache folder defaults to
$MLSERVE_BENCH_CACHE or <tmp>/mlserve-bench/sklearn-<scikit-learn version>; it is reused while the
manifest matches, so repeated runs skip training.
"""

import argparse
import os
import sys


def _threads_first():
    # Thread pools read these at import: set before numpy/scikit-learn load.
    n = "1"
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            n = sys.argv[i + 1]
        elif a.startswith("--threads="):
            n = a.split("=", 1)[1]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = n


_threads_first()

import json  # noqa: E402
import pickle  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402

warnings.filterwarnings("ignore")

DEFAULT_MODELS = ["random_forest", "hist_gradient_boosting", "logistic_regression", "column_transformer"]
OTHER_MODELS = ["svc", "kneighbors", "kneighbors_kd_tree", "gaussian_nb", "pca_logistic"]
MODELS = DEFAULT_MODELS + OTHER_MODELS
FORMAT = 3  # bump when the models or rows change, to invalidate caches
N_FEATURES = 20
N_TRAIN = 2000


def default_dir():
    base = os.environ.get("MLSERVE_BENCH_CACHE") or os.path.join(tempfile.gettempdir(), "mlserve-bench")
    return Path(base) / f"sklearn-{sklearn.__version__}"


def numeric(rng, n):
    return pd.DataFrame(rng.normal(size=(n, N_FEATURES)), columns=[f"f{i}" for i in range(N_FEATURES)])


def mixed(rng, n):
    return pd.DataFrame({
        **{f"n{i}": rng.normal(loc=i, scale=1 + i, size=n) for i in range(6)},
        "city": rng.choice([f"city{i}" for i in range(40)], size=n).astype(object),
        "device": rng.choice(["ios", "android", "web", "tv"], size=n).astype(object),
        "plan": rng.choice(["free", "basic", "pro"], size=n, p=[0.6, 0.3, 0.1]).astype(object),
    })


def train(name, rng):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    if name == "column_transformer":
        X = mixed(rng, N_TRAIN)
        score = X["n0"] + (X["device"] == "ios") * 1.5 - (X["plan"] == "free") + rng.normal(scale=0.5, size=N_TRAIN)
        y = np.digitize(score, [-0.5, 0.7])
        model = Pipeline([
            ("prep", ColumnTransformer([("num", StandardScaler(), [f"n{i}" for i in range(6)]),
                                        ("cat", OneHotEncoder(handle_unknown="ignore"), ["city", "device", "plan"])])),
            ("clf", LogisticRegression(max_iter=500)),
        ])
        return model.fit(X, y), mixed
    X = numeric(rng, N_TRAIN)
    W = rng.normal(size=(N_FEATURES, 3))
    logits = X.to_numpy() @ W + rng.normal(scale=1.0, size=(N_TRAIN, 3))
    y = np.argmax(logits, axis=1)
    if name == "random_forest":
        return RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y), numeric
    if name == "hist_gradient_boosting":
        return HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(X, (y == 0).astype(int)), numeric
    if name == "logistic_regression":
        return LogisticRegression(max_iter=500).fit(X, y), numeric
    return train_other(name, X, y)


def train_other(name, X, y):
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    if name == "svc":
        return SVC(probability=True, random_state=0).fit(X, y), numeric
    if name == "kneighbors":
        return KNeighborsClassifier(n_neighbors=5).fit(X, y), numeric
    if name == "kneighbors_kd_tree":
        cols = [f"f{i}" for i in range(8)]
        return KNeighborsClassifier(n_neighbors=5, weights="distance").fit(X[cols], y), lambda rng, n: numeric(rng, n)[cols]
    if name == "gaussian_nb":
        return GaussianNB().fit(X, y), numeric
    if name == "pca_logistic":
        model = Pipeline([("scale", StandardScaler()), ("pca", PCA(n_components=10, whiten=True)), ("clf", LogisticRegression(max_iter=500))])
        return model.fit(X, y), numeric
    raise ValueError(name)


def save_folder(model, path, rows):
    """An MLflow model folder: with MLflow's save_model where it is importable, else the same MLmodel
    keys (sklearn + python_function flavors, signature) written here."""
    if path.exists():
        shutil.rmtree(path)
    try:
        import mlflow.sklearn
        from mlflow.models import infer_signature

        sig = infer_signature(rows.head(100), model.predict(rows.head(100)))
        mlflow.sklearn.save_model(model, str(path), serialization_format="cloudpickle", signature=sig,
                                  pip_requirements=[f"scikit-learn=={sklearn.__version__}"])
        return "mlflow.sklearn.save_model"
    except ImportError:
        pass
    import yaml

    path.mkdir(parents=True)
    with open(path / "model.pkl", "wb") as f:
        pickle.dump(model, f, protocol=pickle.DEFAULT_PROTOCOL)
    types = {"float64": "double", "int64": "long", "object": "string", "str": "string", "bool": "boolean"}
    inputs = [{"type": types[str(rows[c].dtype)], "name": c, "required": True} for c in rows.columns]
    out = np.asarray(model.predict(rows.head(2)))
    outputs = [{"type": "tensor", "tensor-spec": {"dtype": str(out.dtype), "shape": [-1]}}]
    mlmodel = {
        "flavors": {
            "python_function": {"env": {"virtualenv": "python_env.yaml"}, "loader_module": "mlflow.sklearn",
                                "model_path": "model.pkl", "predict_fn": "predict",
                                "python_version": platform.python_version()},
            "sklearn": {"code": None, "pickled_model": "model.pkl", "serialization_format": "pickle",
                        "sklearn_version": sklearn.__version__},
        },
        "signature": {"inputs": json.dumps(inputs), "outputs": json.dumps(outputs), "params": None},
    }
    (path / "MLmodel").write_text(yaml.safe_dump(mlmodel, default_flow_style=False))
    (path / "requirements.txt").write_text(f"scikit-learn=={sklearn.__version__}\n")
    return "sklearn-models.py"


def rows_body(df):
    data = [[v.item() if isinstance(v, np.generic) else v for v in row] for row in df.itertuples(index=False)]
    return {"dataframe_split": {"columns": list(df.columns), "data": data}}


def prepare(root, rows):
    root.mkdir(parents=True, exist_ok=True)
    manifest_path = root / "manifest.json"
    want = {"format": FORMAT, "sklearn": sklearn.__version__, "rows": rows}
    if manifest_path.exists():
        have = json.loads(manifest_path.read_text())
        if {k: have.get(k) for k in want} == want and all((root / m / "model" / "MLmodel").exists() for m in MODELS):
            return have
    manifest = dict(want, models={})
    for name in MODELS:
        rng = np.random.default_rng(MODELS.index(name) + 1)
        model, make_rows = train(name, rng)
        batch = make_rows(np.random.default_rng(1000 + MODELS.index(name)), rows)
        mdir = root / name
        mdir.mkdir(exist_ok=True)
        written_by = save_folder(model, mdir / "model", batch)
        (mdir / "rows.json").write_text(json.dumps(rows_body(batch)))
        batch.to_csv(mdir / "rows.csv", index=False)
        (mdir / "one.json").write_text(json.dumps(rows_body(batch.head(1))))
        with open(mdir / "expected-predict.json", "w") as f:
            json.dump(np.asarray(model.predict(batch)).tolist(), f)
        manifest["models"][name] = {
            "dir": str(mdir / "model"), "rows": str(mdir / "rows.json"), "csv": str(mdir / "rows.csv"),
            "one": str(mdir / "one.json"), "expected": str(mdir / "expected-predict.json"),
            "writtenBy": written_by, "estimator": f"{type(model).__module__}.{type(model).__qualname__}",
            "modelBytes": os.path.getsize(mdir / "model" / "model.pkl"),
        }
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def load_model(mdir):
    import yaml

    conf = yaml.safe_load((Path(mdir) / "MLmodel").read_text())["flavors"]["sklearn"]
    with open(Path(mdir) / conf["pickled_model"], "rb") as f:
        return pickle.load(f)  # our own file, written above


def frame(body_path):
    split = json.loads(Path(body_path).read_text())["dataframe_split"]
    return pd.DataFrame(split["data"], columns=split["columns"])


def time_model(entry, rounds, calls):
    model = load_model(entry["dir"])
    batch = frame(entry["rows"])
    one = frame(entry["one"])
    model.predict(batch.head(100))  # warm-up
    batch_s, batch_cpu = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        model.predict(batch)
        batch_s.append(time.perf_counter() - t0)
        batch_cpu.append(time.process_time() - c0)
    for _ in range(10):
        model.predict(one)
    single, single_cpu = [], []
    for _ in range(calls):
        t0, c0 = time.perf_counter(), time.process_time()
        model.predict(one)
        single.append(time.perf_counter() - t0)
        single_cpu.append(time.process_time() - c0)
    single.sort()
    med = statistics.median(batch_s)
    return {
        "batch": {"rows": len(batch), "seconds": batch_s, "medianSeconds": med, "rowsPerSecond": len(batch) / med,
                  "cpuSeconds": batch_cpu, "rowsPerCpuSecond": len(batch) / statistics.median(batch_cpu)},
        "single": {"calls": calls, "medianMs": statistics.median(single) * 1e3,
                   "p90Ms": single[int(0.9 * (calls - 1))] * 1e3,
                   "cpuMedianMs": statistics.median(single_cpu) * 1e3},
    }


def threadpools():
    try:
        from threadpoolctl import threadpool_info
        return [{k: p.get(k) for k in ("user_api", "internal_api", "num_threads", "architecture")} for p in threadpool_info()]
    except ImportError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", nargs="?", choices=["prepare", "time", "all"], default="all")
    ap.add_argument("--dir", type=Path, default=None, help="cache folder (see above)")
    ap.add_argument("--rows", type=int, default=10_000, help="rows per batch call (default 10000)")
    ap.add_argument("--rounds", type=int, default=5, help="batch calls timed (default 5)")
    ap.add_argument("--calls", type=int, default=300, help="single-row calls timed (default 300)")
    ap.add_argument("--model", nargs="*", choices=MODELS, help=f"time only these (default {', '.join(DEFAULT_MODELS)})")
    ap.add_argument("--threads", type=int, default=1, help="OpenMP/BLAS threads (default 1)")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes: does it still run?")
    args = ap.parse_args()
    if args.smoke:
        args.rows, args.rounds, args.calls = 200, 1, 5
        args.dir = args.dir or Path(tempfile.mkdtemp(prefix="mlserve-bench-smoke-"))
    root = args.dir or default_dir()
    manifest = prepare(root, args.rows)
    result = {"sklearn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__,
              "python": platform.python_version(), "threads": args.threads, "threadpools": threadpools(),
              "dir": str(root), "manifest": manifest}
    if args.command in ("time", "all"):
        result["timings"] = {m: time_model(manifest["models"][m], args.rounds, args.calls) for m in (args.model or DEFAULT_MODELS)}
    print(json.dumps(result, indent=1))
    if args.smoke:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
