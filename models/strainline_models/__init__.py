"""Strainline's reference models: PyTorch definitions, training, ONNX export (see models/README.md)."""
