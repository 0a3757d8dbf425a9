"""One PyTorch training-step workload of `npm run bench`, served over stdin/stdout.

    /usr/bin/python3 bench/pytorch/step_worker.py --workload kd --threads 1 [--teacher-forward]
    .kdlab/bench/venv/bin/python bench/pytorch/step_worker.py ...   (PyTorch 2.13: the same script)

Builds the workload (the same architecture, loss, batch size and optimizer as kdlab's), runs warm-up
steps, then answers the orchestrator's commands, one per line on stdin:
    run <milliseconds> <min steps>   steps until both are reached; answers the step times
    quit                             answers VmHWM / VmRSS of this process and exits
Every answer is one line `@@bench <json>` on stdout.
"""
import argparse
import json
import sys
import time

from runtime import blas_description, configure_threads, memory_kb

BATCH = 128


def send(message):
    sys.stdout.write("@@bench " + json.dumps(message) + "\n")
    sys.stdout.flush()


def build(workload, teacher_forward, torch):
    from torch import nn
    import losses
    import models

    generator = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 10, (BATCH,), generator=generator)
    image = torch.randn(BATCH, 1, 28, 28, generator=generator)

    def adam(parameters):
        return torch.optim.Adam(parameters, lr=1e-3, eps=1e-7)

    def trainer(model, parameters, loss_of):
        optimizer = adam(parameters)

        def step():
            model.train()
            optimizer.zero_grad(set_to_none=True)
            total, logits = loss_of()
            total.backward()
            optimizer.step()
            # the loss and accuracy read back every step, as kdlab's trainer does
            return total.item(), (logits.argmax(1) == labels).sum().item()

        return step

    if workload == "mlp":
        model = models.Mlp([1200, 1200])
        x = torch.flatten(image, 1)

        def loss_of():
            logits, _ = model(x)
            return losses.ce(logits, labels), logits

        return "MLP 784-1200-1200-10, ce", trainer(model, model.parameters(), loss_of)
    if workload == "kd":
        teacher, student = models.Mlp([1200, 1200]).eval(), models.Mlp([800, 800])
        for parameter in teacher.parameters():
            parameter.requires_grad_(False)
        x = torch.flatten(image, 1)
        with torch.no_grad():
            cached = teacher(x)[0]
        indices = torch.randperm(BATCH, generator=generator)

        def teacher_logits():
            if teacher_forward:
                with torch.no_grad():
                    return teacher(x)[0]
            return cached[indices]  # gathered per batch, as kdlab's cached logits are

        def loss_of():
            target = teacher_logits()
            logits, _ = student(x)
            return 0.3 * losses.ce(logits, labels) + 0.7 * losses.hinton(logits, target, 4.0), logits

        mode = "teacher forward every step" if teacher_forward else "cached teacher logits"
        return f"KD 1200-1200 -> 800-800, 0.3 ce + 0.7 hinton(T=4), {mode}", trainer(student, student.parameters(), loss_of)
    if workload == "hint":
        teacher, student = models.Cnn().eval(), models.FitNet()
        for parameter in teacher.parameters():
            parameter.requires_grad_(False)
        regressor = nn.Conv2d(32, 64, 1)

        def loss_of():
            with torch.no_grad():
                target = teacher(image)[1]["block2"]
            logits, features = student(image)
            return losses.hint(features["block4"], target, regressor), logits

        parameters = student.parameters_up_to(4) + list(regressor.parameters())
        return "FitNets stage 1: fitnet(depth 9, width 16) block4 -> cnn[32,64] block2, 1x1 regressor, teacher forward", trainer(student, parameters, loss_of)
    if workload == "cnn":
        model = models.Cnn(pool=("none", "max"))

        def loss_of():
            logits, _ = model(image)
            return losses.ce(logits, labels), logits

        return "CNN conv32-conv64-pool-128-10, ce", trainer(model, model.parameters(), loss_of)
    if workload == "transformer":
        model = models.PatchTransformer()

        def loss_of():
            logits, _ = model(image)
            return losses.ce(logits, labels), logits

        return "patch transformer (patch 4, hidden 64, 2 layers, 4 heads, 50 tokens), ce", trainer(model, model.parameters(), loss_of)
    raise SystemExit(f"step_worker.py: unknown workload '{workload}' (known: mlp, kd, hint, cnn, transformer)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--teacher-forward", action="store_true")
    parser.add_argument("--warmup", type=int, default=3)
    options = parser.parse_args()
    torch = configure_threads(options.threads)
    torch.manual_seed(0)
    description, step = build(options.workload, options.teacher_forward, torch)
    for _ in range(options.warmup):
        step()
    send({
        "ready": True,
        "description": description,
        "batchSize": BATCH,
        "runtime": f"PyTorch {torch.__version__}, {torch.get_num_threads()} intra-op thread(s), BLAS {blas_description(torch)}",
    })
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
