# Writes model.onnx: a tiny graph (no stored weights) that takes seconds-scale compute per call,
# for measuring /ping latency while a long inference runs. x float[1,1] is expanded to a
# 1024x1024 matrix and multiplied 8 times by a ConstantOfShape(1024x1024) matrix; y = mean.
# Run with Debian's python3-onnx: /usr/bin/python3 bench/models/long-matmul/generate.py
import os
import onnx
from onnx import TensorProto, helper

N = 1024
nodes = [
    helper.make_node("Constant", [], ["shape"], value=helper.make_tensor("s", TensorProto.INT64, [2], [N, N])),
    helper.make_node("ConstantOfShape", ["shape"], ["w"], value=helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0 / N])),
    helper.make_node("Expand", ["x", "shape"], ["m0"]),
]
for i in range(8):
    nodes.append(helper.make_node("MatMul", [f"m{i}", "w"], [f"m{i + 1}"]))
nodes.append(helper.make_node("ReduceMean", ["m8"], ["y"], keepdims=1))
graph = helper.make_graph(
    nodes, "long_matmul",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="mlserve-bench")
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.onnx"))
