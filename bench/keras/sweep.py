"""The end-to-end sweep of `npm run bench` with Keras 3 and its distiller, on TensorFlow.

    python bench/keras/sweep.py --data DIR --teacher-epochs 2 --epochs 2 --threads 1

Trains what `kdlab run bench/sweep/experiment.ts` and bench/pytorch/sweep.py train, on the same split
(written to DIR by bench/run.ts from kdlab's mnist-10k loader: {train,val,test}_{x.f32,y.i32}), the way
a Keras user would: an MLP teacher 784-1200-1200-10 with `model.fit` on cross-entropy; per student seed a
baseline 784-800-800-10 with `fit`; per temperature and seed a distilled 784-800-800-10 with
`keras.distillation.Distiller` + `LogitsDistillation` (0.3 ce + 0.7 hinton(T), bench/keras/common.py),
whose teacher runs forward on every batch. Adam (lr 1e-3, eps 1e-7), batch 128, shuffled each epoch,
`validation_data` evaluated after every epoch; test accuracy of the last and of the best-validation
weights (kept in memory by a callback) at the end, as kdlab's trainer and the PyTorch loop do. Prints
one line `@@bench <json>` with the wall time, peak memory and the accuracies.
"""
import argparse
import json
import os
import sys
import time

from common import configure, distiller, memory_kb, mlp, runtime

BATCH = 128


def load(directory, numpy):
    def split(name):
        x = numpy.fromfile(os.path.join(directory, f"{name}_x.f32"), dtype=numpy.float32).reshape(-1, 784)
        y = numpy.fromfile(os.path.join(directory, f"{name}_y.i32"), dtype=numpy.int32)
        return x, y

    return split("train"), split("val"), split("test")


def accuracy(model, x, y, numpy):
    predictions = model.predict(x, batch_size=512, verbose=0)
    return float((numpy.argmax(predictions, axis=1) == y).mean())


def train(keras, numpy, model, target, data, epochs):
    """Fits `model` (a plain model or a Distiller whose student is `target`); answers the test accuracy of
    `target`'s last and best-validation weights."""
    (x, y), (val_x, val_y), (test_x, test_y) = data

    class KeepBest(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.best, self.weights = -1.0, None

        def on_epoch_end(self, epoch, logs=None):
            score = (logs or {}).get("val_accuracy", -1.0)
            if score > self.best:
                self.best, self.weights = score, target.get_weights()

    keep = KeepBest()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=True, validation_data=(val_x, val_y), callbacks=[keep], verbose=0)
    last = accuracy(target, test_x, test_y, numpy)
    if keep.weights is not None:
        target.set_weights(keep.weights)
    return {"test": last, "testBest": accuracy(target, test_x, test_y, numpy), "valBest": keep.best}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--teacher-epochs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--temperatures", default="1,2,4,8")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()
    started = time.perf_counter()
    tf, keras = configure(options.threads)
    import numpy

    from common import adam

    data = load(options.data, numpy)

    def plain(hidden, name):
        model = mlp(keras, hidden, name)
        model.compile(optimizer=adam(keras), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
        return model

    keras.utils.set_random_seed(0)
    teacher = plain([1200, 1200], "teacher")
    results = {"teacher": train(keras, numpy, teacher, teacher, data, options.teacher_epochs)}
    seeds = [int(seed) for seed in options.seeds.split(",")]
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        baseline = plain([800, 800], f"baseline_{seed}")
        results[f"baseline seed={seed}"] = train(keras, numpy, baseline, baseline, data, options.epochs)
    for temperature in [float(value) for value in options.temperatures.split(",")]:
        for seed in seeds:
            keras.utils.set_random_seed(seed)
            student = mlp(keras, [800, 800], f"student_t{temperature:g}_{seed}")
            model = distiller(keras, teacher, student, temperature)
            results[f"distilled T={temperature:g} seed={seed}"] = train(keras, numpy, model, student, data, options.epochs)
    peak, _ = memory_kb()
    sys.stdout.write("@@bench " + json.dumps({
        "seconds": time.perf_counter() - started,
        "runtime": runtime(tf, keras),
        "peakRssKb": peak,
        "results": results,
    }) + "\n")


if __name__ == "__main__":
    main()
