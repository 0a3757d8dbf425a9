"""The KD training step of `npm run bench` with Keras 3's distiller on TensorFlow, served over
stdin/stdout like bench/pytorch/step_worker.py (the protocol in bench/steps/protocol.ts).

    python bench/keras/step_worker.py --workload kd --threads 1 [--teacher-forward]

The workload is kdlab's `kd`: a frozen MLP 1200-1200 teacher, an MLP 800-800 student, 0.3 ce + 0.7
hinton(T = 4), Adam 1e-3 (epsilon 1e-7), one fixed batch of 128 flattened 28x28 images. It trains a
`keras.distillation.Distiller` with `LogitsDistillation` (bench/keras/common.py) one batch per step
with `train_on_batch`, which runs Keras' compiled train step (a `tf.function`; no XLA on CPU, Keras'
default) and reads back the loss terms and the accuracy, as kdlab's trainer reads back its loss and
hits. The distiller runs its teacher forward on every step; with cached logits (the default, kdlab's
mode) the teacher is a Keras model on the inputs (image, example index) that gathers the logits
computed once before training, so the step is the distiller's own, the teacher's forward pass a lookup.
"""
import argparse
import json
import sys
import time

from common import configure, distiller, memory_kb, mlp, runtime

BATCH = 128


def send(message):
    sys.stdout.write("@@bench " + json.dumps(message) + "\n")
    sys.stdout.flush()


def build_kd(tf, keras, teacher_forward):
    generator = tf.random.Generator.from_seed(0)
    image = generator.normal((BATCH, 784))
    labels = tf.cast(generator.uniform((BATCH,), 0, 10, dtype=tf.int32), tf.int32)
    teacher = mlp(keras, [1200, 1200], "teacher")
    if teacher_forward:
        student = mlp(keras, [800, 800], "student")
        model = distiller(keras, teacher, student, 4.0)
        inputs = image
        mode = "teacher forward every step"
    else:
        table = teacher(image, training=False)  # the teacher's logits, computed once

        class CachedLogits(keras.layers.Layer):
            """The teacher's cached logits of the examples whose indices it is given (kdlab's CachedTeacherLogits)."""

            def __init__(self, logits, **kwargs):
                super().__init__(**kwargs)
                self.logits = self.add_weight(shape=tuple(logits.shape), initializer="zeros", trainable=False, name="logits")
                self.logits.assign(logits)

            def call(self, indices):
                return keras.ops.take(self.logits, indices, axis=0)

        class ImageOf(keras.layers.Layer):
            """Passes the image through (the student reads the image; the index is for the teacher)."""

            def call(self, inputs):
                return inputs[0]

        pixels = keras.Input((784,), name="image")
        index = keras.Input((), dtype="int32", name="index")
        cached = keras.Model([pixels, index], CachedLogits(table, name="cached_logits")(index), name="cached_teacher")
        body = mlp(keras, [800, 800], "student_body")
        student = keras.Model([pixels, index], body(ImageOf()([pixels, index])), name="student")
        model = distiller(keras, cached, student, 4.0)
        indices = tf.random.shuffle(tf.range(BATCH, dtype=tf.int32), seed=1)
        inputs = [image, indices]
        mode = "cached teacher logits (gathered per batch)"

    def step():
        # Keras' train step; the metrics (loss terms, accuracy) come back as numbers
        return model.train_on_batch(inputs, labels, return_dict=True)

    return f"KD 1200-1200 -> 800-800, keras.distillation.Distiller + LogitsDistillation(T=4, KLDivergence), student_loss_weight 0.3, {mode}", step


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--teacher-forward", action="store_true")
    parser.add_argument("--warmup", type=int, default=3)
    options = parser.parse_args()
    if options.workload != "kd":
        raise SystemExit(f"bench/keras/step_worker.py: only the kd workload has a Keras distiller peer, got '{options.workload}'")
    tf, keras = configure(options.threads)
    keras.utils.set_random_seed(0)
    description, step = build_kd(tf, keras, options.teacher_forward)
    for _ in range(options.warmup):
        step()
    send({"ready": True, "description": description, "batchSize": BATCH, "runtime": runtime(tf, keras)})
    for line in sys.stdin:
        command = line.split()
        if not command:
            continue
        if command[0] == "run":
            budget_ms, min_steps = float(command[1]), int(command[2])
            times, cpu_times = [], []
            started = time.perf_counter()
            while len(times) < min_steps or (time.perf_counter() - started) * 1000 < budget_ms:
                begin, cpu = time.perf_counter(), time.process_time()
                step()
                times.append((time.perf_counter() - begin) * 1000)
                cpu_times.append((time.process_time() - cpu) * 1000)
            send({"times": times, "cpuTimes": cpu_times})
        elif command[0] == "quit":
            peak, rss = memory_kb()
            send({"peakRssKb": peak, "rssKb": rss})
            return


if __name__ == "__main__":
    main()
