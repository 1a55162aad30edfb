"""PyTorch half of `npm run bench:vs-torch` (scripts/bench-vs-torch.ts): the same computations as
mergelab's engine, on the same files, with the same thread count, timed the same way.

    /usr/bin/python3 scripts/bench-vs-torch/torch_bench.py SPEC.json

SPEC (written by the TypeScript half): {"threads": n, "rows": [...]}, each row one of
  {"kind": "forward", "model": dir, "inputs": file, "batch": B, "runs": R}
  {"kind": "adamerging", "granularity": "task"|"layer", ...}, {"kind": "tinting", ...},
  {"kind": "intervmerge", ...}, {"kind": "surgery", ...}
with the pool ("pretrained", "experts"), the inputs file (pixels, head, teacher, logits, the
interventions' and Surgery's initial values), the sizes, "lr", "warm" and "steps". Prints one JSON
line per row: {"id", "ms" (per step or per batch), "loss" (the first step's loss, or the forward's
mean embedding, to check that both sides computed the same thing)}.

The tower is Hugging Face's CLIPVisionModelWithProjection written out (pre-LN blocks, q scaled
before q·kᵀ, quick_gelu or gelu from config.json), as src/engine/model/clip-vit/forward.ts does;
the methods follow src/engine/trained/*.ts: AdaMerging (arXiv:2310.02575) θ = θ0 + Σt clamp(λt, 0,
1)·τt, entropy of the frozen head, 2 batches per task per step; Model Tinting (arXiv:2412.19098)
layer-wise λ and a per-task head, cross-entropy against the individual model's argmax (no
filter); IntervMerge (arXiv:2412.17023) LoReFT at the CLS of every block's attention output, L1
to the teacher features; Representation Surgery (arXiv:2402.02705) ẑ = z − U·ReLU(D·z), L1.
Adam as torch.optim.Adam (betas 0.9/0.999, eps 1e-8).
"""
import json
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "I32": np.int32, "I64": np.int64, "U8": np.uint8}


def read_safetensors(path):
    """{name: float32/int/uint8 tensor} from a safetensors file (numpy, no safetensors package needed)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=DTYPES[info["dtype"]]).reshape(info["shape"]).copy())
    return out


def read_config(model_dir):
    with open(f"{model_dir}/config.json") as f:
        c = json.load(f)
    v = c.get("vision_config", c)
    return {"D": v["hidden_size"], "L": v["num_hidden_layers"], "heads": v["num_attention_heads"], "patch": v["patch_size"],
            "eps": v.get("layer_norm_eps", 1e-5), "act": v.get("hidden_act", "quick_gelu")}


VM = "vision_model."


def linear(x, p, name):
    b = p.get(f"{name}.bias")
    return F.linear(x, p[f"{name}.weight"], b)


def block(p, c, i, x, hook=None):
    pre = f"{VM}encoder.layers.{i}."
    B, S, D = x.shape
    H = c["heads"]
    hd = D // H
    h = F.layer_norm(x, (D,), p[pre + "layer_norm1.weight"], p[pre + "layer_norm1.bias"], c["eps"])
    q = linear(h, p, pre + "self_attn.q_proj") * hd ** -0.5
    k = linear(h, p, pre + "self_attn.k_proj")
    v = linear(h, p, pre + "self_attn.v_proj")
    heads = lambda t: t.reshape(B, S, H, hd).transpose(1, 2)  # [B, H, S, hd]
    probs = torch.softmax(heads(q) @ heads(k).transpose(-1, -2), dim=-1)
    ctx = (probs @ heads(v)).transpose(1, 2).reshape(B, S, D)
    a = linear(ctx, p, pre + "self_attn.out_proj")
    if hook is not None:
        a = hook(i, a)
    x = x + a
    h = F.layer_norm(x, (D,), p[pre + "layer_norm2.weight"], p[pre + "layer_norm2.bias"], c["eps"])
    u = linear(h, p, pre + "mlp.fc1")
    u = u * torch.sigmoid(1.702 * u) if c["act"] == "quick_gelu" else F.gelu(u)
    return x + linear(u, p, pre + "mlp.fc2")


def forward(p, c, pixels, hook=None):
    """pixels [B, 3, H, W] → image_embeds [B, P] (pooler output without a projection)."""
    D = c["D"]
    B = pixels.shape[0]
    x = F.conv2d(pixels, p[f"{VM}embeddings.patch_embedding.weight"], stride=c["patch"]).flatten(2).transpose(1, 2)  # [B, N, D]
    cls = p[f"{VM}embeddings.class_embedding"].reshape(1, 1, D).expand(B, 1, D)
    x = torch.cat([cls, x], 1) + p[f"{VM}embeddings.position_embedding.weight"]
    x = F.layer_norm(x, (D,), p[f"{VM}pre_layrnorm.weight"], p[f"{VM}pre_layrnorm.bias"], c["eps"])
    for i in range(c["L"]):
        x = block(p, c, i, x, hook)
    pooled = F.layer_norm(x[:, 0], (D,), p[f"{VM}post_layernorm.weight"], p[f"{VM}post_layernorm.bias"], c["eps"])
    return pooled @ p["visual_projection.weight"].T if "visual_projection.weight" in p else pooled


def entropy(logits):
    logp = torch.log_softmax(logits, 1)
    return -(logp.exp() * logp).sum(1).mean()


def frozen_logits(z, head, scale):
    return scale * F.normalize(z, dim=1) @ head.T


def timed(step, warm, steps):
    """Runs warm steps, then `steps` timed ones; (ms per timed step, the first step's loss)."""
    first = None
    for _ in range(warm):
        v = step()
        first = v if first is None else first
    t0 = time.perf_counter()
    for _ in range(steps):
        v = step()
        first = v if first is None else first
    return 1000 * (time.perf_counter() - t0) / steps, first


class Pool:
    """θ0 and the task vectors τt = θt − θ0 of the row's pool (float32)."""

    def __init__(self, row):
        self.c = read_config(row["pretrained"])
        self.theta0 = read_safetensors(f"{row['pretrained']}/model.safetensors")
        self.names = list(row.get("tensors", self.theta0.keys()))  # the checkpoint's tensor order: the columns of a layer-wise λ
        self.tau = []
        for e in row["experts"]:
            t = read_safetensors(f"{e}/model.safetensors")
            self.tau.append({n: t[n] - self.theta0[n] for n in self.names})

    def merged(self, lam):
        """θ(l) = θ0(l) + Σt clamp(λ[t, l or 0], 0, 1)·τt(l), differentiable in λ [T, 1|L]."""
        lc = lam.clamp(0, 1)
        out = {}
        for l, n in enumerate(self.names):
            col = lc[:, l if lc.shape[1] > 1 else 0]
            out[n] = self.theta0[n] + sum(col[t] * self.tau[t][n] for t in range(len(self.tau)))
        for n, v in self.theta0.items():
            out.setdefault(n, v)
        return out


def run_forward(row):
    c = read_config(row["model"])
    p = read_safetensors(f"{row['model']}/model.safetensors")
    pixels = read_safetensors(row["inputs"])["pixels"][: row["batch"]]
    with torch.no_grad():
        means = []
        ms, _ = timed(lambda: means.append(forward(p, c, pixels).mean().item()), row["warm"], row["runs"])
    return {"ms": ms, "loss": means[0]}


def run_adamerging(row, pool, inputs):
    T = len(pool.tau)
    lam = torch.full((T, len(pool.names) if row["granularity"] == "layer" else 1), 0.3, requires_grad=True)
    opt = torch.optim.Adam([lam], lr=row["lr"])
    pixels, head = inputs["pixels"][: row["batch"]], inputs["head"]

    def step():
        opt.zero_grad()
        total = 0.0
        for _t in range(T):
            for _k in range(2):  # 2 batches per task, gradients summed, one step
                loss = entropy(frozen_logits(forward(pool.merged(lam), pool.c, pixels), head, row["scale"]))
                loss.backward()
                total += loss.item()
        opt.step()
        return total

    return timed(step, row["warm"], row["steps"])


def run_tinting(row, pool, inputs):
    T = len(pool.tau)
    lam = torch.full((T, len(pool.names)), 0.3, requires_grad=True)
    W = (row["scale"] * inputs["head"]).clone().requires_grad_(True)
    b = torch.zeros(W.shape[0], requires_grad=True)
    opt = torch.optim.Adam([lam, W, b], lr=row["lr"])
    pixels = inputs["pixels"][: row["batch"]]
    labels = inputs["individual_logits"][: row["batch"]].argmax(1)

    def step():
        opt.zero_grad()
        z = forward(pool.merged(lam), pool.c, pixels)
        loss = F.cross_entropy(F.normalize(z, dim=1) @ W.T + b, labels)
        loss.backward()
        opt.step()
        return loss.item()

    return timed(step, row["warm"], row["steps"])


def run_intervmerge(row, pool, inputs):
    p = pool.theta0  # the frozen base under the interventions
    for v in p.values():
        v.requires_grad_(False)
    w = [inputs[f"intervmerge.{k}"].clone().requires_grad_(True) for k in ("w1", "b1", "w2", "b2")]  # [L, r, D], [L, r], …
    opt = torch.optim.Adam(w, lr=row["lr"])
    pixels, teacher = inputs["pixels"][: row["batch"]], inputs["teacher"][: row["batch"]]

    def hook(l, h):  # LoReFT on the CLS row: h + W2ᵀ((W1 h + b1) − (W2 h + b2))
        cls = h[:, 0]
        w1, b1, w2, b2 = (x[l] for x in w)
        cls = cls + ((cls @ w1.T + b1) - (cls @ w2.T + b2)) @ w2
        return torch.cat([cls[:, None], h[:, 1:]], 1)

    def step():
        opt.zero_grad()
        loss = (forward(p, pool.c, pixels, hook) - teacher).abs().mean()
        loss.backward()
        opt.step()
        return loss.item()

    return timed(step, row["warm"], row["steps"])


def run_surgery(row, inputs):
    z, target = inputs["surgery.merged"], inputs["surgery.individual"]
    D = inputs["surgery.down"].clone().requires_grad_(True)  # [r, P]
    U = torch.zeros(D.shape[1], D.shape[0], requires_grad=True)  # [P, r]
    opt = torch.optim.Adam([D, U], lr=row["lr"])

    def step():
        opt.zero_grad()
        loss = ((z - torch.relu(z @ D.T) @ U.T) - target).abs().mean()
        loss.backward()
        opt.step()
        return loss.item()

    return timed(step, row["warm"], row["steps"])


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    pools = {}
    for row in spec["rows"]:
        if row["kind"] == "forward":
            r = run_forward(row)
        else:
            inputs = read_safetensors(row["inputs"])
            if row["kind"] == "surgery":
                ms, loss = run_surgery(row, inputs)
            else:
                key = (row["pretrained"], tuple(row["experts"]))
                if key not in pools:
                    pools.clear()  # one pool in memory at a time
                    pools[key] = Pool(row)
                run = {"adamerging": run_adamerging, "tinting": run_tinting, "intervmerge": run_intervmerge}[row["kind"]]
                ms, loss = run(row, pools[key], inputs)
            r = {"ms": ms, "loss": loss}
        print(json.dumps({"id": row["id"], **r, "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
