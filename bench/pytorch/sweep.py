"""The end-to-end sweep of `npm run bench` as a plain PyTorch loop.

    /usr/bin/python3 bench/pytorch/sweep.py --data DIR --teacher-epochs 2 --epochs 2 --threads 2
    .kdlab/bench/venv/bin/python bench/pytorch/sweep.py ...   (PyTorch 2.13: the same script)

Trains what `kdlab run bench/sweep/experiment.ts` trains, on the same split (written to DIR by
bench/run.ts from kdlab's mnist-10k loader: {train,val,test}_{x.f32,y.i32}): an MLP teacher
784-1200-1200-10 on cross-entropy; per student seed a baseline 784-800-800-10 on cross-entropy; per
temperature and seed a distilled 784-800-800-10 on 0.3 ce + 0.7 hinton(T), the frozen teacher
running forward on every batch (no logit cache). Adam (lr 1e-3, eps 1e-7), batch 128, shuffled each
epoch; validation accuracy after every epoch, test accuracy of the last and the best-validation
weights at the end, as kdlab's trainer does. Prints one line `@@bench <json>` with the wall time and
the accuracies.
"""
import argparse
import copy
import json
import os
import sys
import time

from runtime import blas_description, configure_threads, memory_kb

BATCH = 128


def load(directory, torch):
    import numpy

    def split(name):
        x = numpy.fromfile(os.path.join(directory, f"{name}_x.f32"), dtype=numpy.float32).reshape(-1, 784)
        y = numpy.fromfile(os.path.join(directory, f"{name}_y.i32"), dtype=numpy.int32).astype(numpy.int64)
        return torch.from_numpy(x), torch.from_numpy(y)

    return split("train"), split("val"), split("test")


def accuracy(model, x, y, torch):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x[i:i + 512])[0].argmax(1) == y[i:i + 512]).sum().item() for i in range(0, len(x), 512))
    return correct / len(x)


def train(model, data, epochs, seed, torch, teacher=None, temperature=None):
    import losses

    (x, y), (val_x, val_y), (test_x, test_y) = data
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    generator = torch.Generator().manual_seed(seed)
    best, best_state = -1.0, None
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), BATCH):
            batch = order[start:start + BATCH]
            inputs, labels = x[batch], y[batch]
            optimizer.zero_grad(set_to_none=True)
            logits, _ = model(inputs)
            loss = losses.ce(logits, labels)
            if teacher is not None:
                with torch.no_grad():
                    target = teacher(inputs)[0]
                loss = 0.3 * loss + 0.7 * losses.hinton(logits, target, temperature)
            loss.backward()
            optimizer.step()
            loss.item()  # read back every step, as kdlab's trainer does
        score = accuracy(model, val_x, val_y, torch)
        if score > best:
            best, best_state = score, copy.deepcopy(model.state_dict())
    last = accuracy(model, test_x, test_y, torch)
    model.load_state_dict(best_state)
    return {"test": last, "testBest": accuracy(model, test_x, test_y, torch)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--teacher-epochs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--temperatures", default="1,2,4,8")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--threads", type=int, default=2)
    options = parser.parse_args()
    started = time.perf_counter()
    torch = configure_threads(options.threads)
    import models

    data = load(options.data, torch)
    torch.manual_seed(0)
    teacher = models.Mlp([1200, 1200])
    results = {"teacher": train(teacher, data, options.teacher_epochs, 0, torch)}
    teacher.eval()
    for parameter in teacher.parameters():
        parameter.requires_grad_(False)
    seeds = [int(seed) for seed in options.seeds.split(",")]
    for seed in seeds:
        torch.manual_seed(seed)
        results[f"baseline seed={seed}"] = train(models.Mlp([800, 800]), data, options.epochs, seed, torch)
    for temperature in [float(value) for value in options.temperatures.split(",")]:
        for seed in seeds:
            torch.manual_seed(seed)
            results[f"distilled T={temperature:g} seed={seed}"] = train(models.Mlp([800, 800]), data, options.epochs, seed, torch, teacher, temperature)
    peak, _ = memory_kb()
    sys.stdout.write("@@bench " + json.dumps({
        "seconds": time.perf_counter() - started,
        "runtime": f"PyTorch {torch.__version__}, {torch.get_num_threads()} intra-op thread(s), BLAS {blas_description(torch)}",
        "peakRssKb": peak,
        "results": results,
    }) + "\n")


if __name__ == "__main__":
    main()
