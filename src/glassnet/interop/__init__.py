"""Models that travel: a glassnet model out to ONNX (with the table's preprocessing
inside) and to Keras's ``.keras`` format, and a Keras ``Sequential`` in.

``keras_file`` reads and writes ``.keras`` zips with ``h5py`` alone (no Keras needed);
``onnx_graph`` builds the ONNX graph with the ``onnx`` package; ``loading`` opens either
kind of model file; ``export`` chooses the format. Each optional package is imported only
when its format is used, and its absence is a one-line error naming the extra.

May import: base, io, engine, training, data.
"""
