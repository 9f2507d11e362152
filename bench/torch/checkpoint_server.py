"""The original's own checkpoint path, for bench/torch-compare.ts: torch.save / torch.load
with dill as the pickle module (as Avalanche's save_checkpoint / maybe_load_checkpoint),
on the profiling case's state: SimpleMLP(3072 -> 512 -> 100) and SGD with momentum after
a few steps. Reads commands on stdin, one per line, and answers each with one JSON line:

  save PATH   torch.save to PATH.tmp, flush, fsync, rename to PATH (durable and atomic,
              as reprise's save is) -> {"ms": ..., "bytes": ...}
  load PATH   torch.load(PATH) back to a model and optimizer state -> {"ms": ...}
  quit

Times are measured here, around the calls, with time.perf_counter.
"""
import json
import os
import sys
import time

import dill
import torch
from torch import nn

torch.manual_seed(1234)
torch.set_num_threads(1)


def build():
    model = nn.Sequential(nn.Linear(3072, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 100))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(16, 3072)
    y = torch.randint(0, 100, (16,))
    for _ in range(3):  # "after a few steps": momentum buffers exist
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    return model, optimizer


model, optimizer = build()
state = {"model": model, "optimizer": optimizer, "exp_counter": 1, "rng": torch.get_rng_state()}


def save(path):
    t = time.perf_counter()
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        torch.save(state, f, pickle_module=dill)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    ms = (time.perf_counter() - t) * 1000
    return {"ms": ms, "bytes": os.path.getsize(path)}


def load(path):
    t = time.perf_counter()
    loaded = torch.load(path, pickle_module=dill, weights_only=False)
    ms = (time.perf_counter() - t) * 1000
    assert loaded["model"][0].weight.shape == (512, 3072)
    return {"ms": ms}


for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "quit":
        break
    result = save(arg) if cmd == "save" else load(arg) if cmd == "load" else {"error": f"unknown command {cmd}"}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
