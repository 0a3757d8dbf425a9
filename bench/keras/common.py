"""What the Keras peer's scripts share: the process set-up (threads, backend), kdlab's models as Keras
models, and the distiller configured as kdlab's `0.3 ce + 0.7 hinton(T)`.

Import this before TensorFlow or Keras is imported anywhere. The peer is Keras 3 on the TensorFlow
backend (KERAS_BACKEND=tensorflow) with `keras.distillation.Distiller` and `LogitsDistillation`.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytorch"))

from runtime import blas_library, memory_kb, thread_environment  # noqa: E402,F401  (re-exported to the scripts)


def configure(threads):
    """Sets the thread counts (TensorFlow's intra-op and inter-op pools both `threads`, as kdlab's
    tfjs-node backend sets them), selects the TensorFlow backend and answers (tf, keras)."""
    thread_environment(threads)
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    import keras

    return tf, keras


def runtime(tf, keras):
    """The framework and threads, in words."""
    return (f"Keras {keras.__version__} ({keras.backend.backend()} backend), TensorFlow {tf.__version__}, "
            f"{tf.config.threading.get_intra_op_parallelism_threads()} intra-op / "
            f"{tf.config.threading.get_inter_op_parallelism_threads()} inter-op thread(s)")


def mlp(keras, hidden, name, inputs=None):
    """kdlab `mlp({ hidden })`: dense + ReLU per hidden layer, linear logits, on flattened 784-pixel
    images (Glorot-uniform kernels and zero biases: Keras' default, and kdlab's). `inputs`: an existing
    `keras.Input` to build on (the distiller's teacher and student share their inputs' shapes)."""
    image = inputs if inputs is not None else keras.Input((784,), name="image")
    x = image
    for index, width in enumerate(hidden):
        x = keras.layers.Dense(width, activation="relu", name=f"{name}_hidden{index + 1}")(x)
    logits = keras.layers.Dense(10, name=f"{name}_logits")(x)
    return keras.Model(image, logits, name=name)


def adam(keras):
    """Adam as kdlab's bench runs it: lr 1e-3, betas 0.9 / 0.999, epsilon 1e-7 (Keras' default epsilon)."""
    return keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7)


def distiller(keras, teacher, student, temperature, hard_weight=0.3):
    """`keras.distillation.Distiller` set up as kdlab's `hard_weight ce + (1 - hard_weight) hinton(T)`.

    Read from keras/src/distillation (3.15.1): the distiller's loss is
    `student_loss_weight * student_loss + (1 - student_loss_weight) * sum(w_i * distillation_loss_i)`,
    so `student_loss_weight=0.3` and one distillation loss of weight 1. `LogitsDistillation` applies
    softmax to both logits divided by T and multiplies by T^2 only when its loss is a
    `keras.losses.KLDivergence` *instance*: its default, the string "kl_divergence", resolves to the
    plain function `keras.losses.kl_divergence`, which it would apply to the scaled logits themselves
    (not probabilities), without T^2. KLDivergence's reduction (mean over the batch of the sum over
    classes) is kdlab's `hinton` (batch mean of T^2 KL(softmax(t/T) || softmax(s/T))). The student's
    loss: sparse cross-entropy on logits, batch mean (kdlab's `ce`). The teacher runs forward on every
    batch (`Distiller.compute_loss` calls it); it is frozen (`teacher.trainable = False`).
    """
    loss = keras.distillation.LogitsDistillation(temperature=temperature, loss=keras.losses.KLDivergence())
    model = keras.distillation.Distiller(teacher=teacher, student=student, distillation_losses=loss, student_loss_weight=hard_weight)
    model.compile(
        optimizer=adam(keras),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    return model
