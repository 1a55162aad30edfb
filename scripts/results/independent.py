"""An independent reimplementation of docs/results.md's data-free rows, in PyTorch: the pretrained
model, the experts, weight averaging, Task Arithmetic (λ 0.3) and TIES (k 20, λ 0.3, dis-sum) on
a suite's full test splits, and Task Arithmetic's uniform-λ sweep with AdaMerging's surrogate (the
entropy of each task's frozen head, summed over tasks). Nothing here comes from mergelab's engine:
the merges are written from the papers (Task Arithmetic, arXiv:2212.04089; TIES-Merging,
arXiv:2306.01708 §3: a global top-k per task vector, sign elected by mass, disjoint sum), the tower
is scripts/bench-vs-torch/torch_bench.py's (Hugging Face's CLIPVisionModelWithProjection written
out), and the images are normalised with CLIP's mean and std.

    /usr/bin/python3 scripts/results/independent.py [SUITE] [RESULTS_JSON]

SUITE defaults to public/zoo/mini8 and RESULTS_JSON to docs/results.json (`npm run results`'s
output on that suite). Prints both sides per task and row and exits 1 when any task's accuracy
differs by more than one test image (a prediction flipped by float32 summation order at a near
tie), or the sweep's entropy by more than 1e-3 relative.
"""
import json
import os
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:
    sys.exit(f"results:torch needs PyTorch and NumPy for {sys.executable} ({e}). On Debian: apt-get install python3-torch python3-numpy")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench-vs-torch"))
from torch_bench import forward, read_config, read_safetensors  # noqa: E402

CLIP_MEAN = torch.tensor([0.48145466, 0.4578275, 0.40821073]).reshape(1, 3, 1, 1)
CLIP_STD = torch.tensor([0.26862954, 0.26130258, 0.27577711]).reshape(1, 3, 1, 1)


def pixels(images):
    """uint8 [N, H, W, 3] → CLIP-normalised float32 [N, 3, H, W] (the suite's images are at the model's size)."""
    x = (images.float() / 255).permute(0, 3, 1, 2)
    return (x - CLIP_MEAN) / CLIP_STD


def task_arithmetic(theta0, taus, lam):
    return {n: theta0[n] + lam * sum(t[n] for t in taus) for n in theta0}


def ties(theta0, taus, k=20, lam=0.3):
    """TIES-Merging, dis-sum: trim each τt to its top k % of |τt| over the whole flattened model
    (the (⌊N·k/100⌋+1)-th largest magnitude kept, ties kept), elect a sign per entry by the summed
    trimmed values (an exact zero takes the sign of the model-wide sum of those signs), add the
    trimmed entries whose sign equals the elected one, θ = θ0 + λ·that."""
    names = list(theta0)
    flat = [torch.cat([t[n].reshape(-1) for n in names]) for t in taus]  # [N] per task
    N = flat[0].numel()
    keep = N * k // 100 + 1
    trimmed = []
    for v in flat:
        threshold = torch.topk(v.abs(), keep).values[-1]
        trimmed.append(torch.where(v.abs() >= threshold, v, torch.zeros_like(v)))
    stack = torch.stack(trimmed)  # [T, N]
    sign = torch.sign(stack.sum(0))
    majority = torch.sign(sign.sum())
    sign = torch.where(sign == 0, majority, sign)
    merged = torch.where(torch.sign(stack) == sign, stack, torch.zeros_like(stack)).sum(0)
    out, o = {}, 0
    for n in names:
        m = theta0[n].numel()
        out[n] = theta0[n] + lam * merged[o:o + m].reshape(theta0[n].shape)
        o += m
    return out


def main():
    suite = sys.argv[1] if len(sys.argv) > 1 else "public/zoo/mini8"
    results_path = sys.argv[2] if len(sys.argv) > 2 else "docs/results.json"
    if not os.path.isfile(f"{suite}/manifest.json"):
        sys.exit(f"{suite} is not a suite folder (no manifest.json): give the zoo's folder, e.g. public/zoo/mini8")
    if not os.path.isfile(results_path):
        sys.exit(f"{results_path} is missing: run npm run results on {suite} first (it writes docs/results.json)")
    torch.set_num_threads(os.cpu_count() or 1)
    with open(f"{suite}/manifest.json") as f:
        manifest = json.load(f)
    tasks = [t["name"] for t in manifest["tasks"]]
    scale = manifest.get("logit_scale", 100)
    c = read_config(f"{suite}/{manifest['pretrained']}")
    theta0 = read_safetensors(f"{suite}/{manifest['pretrained']}/model.safetensors")
    experts = [read_safetensors(f"{suite}/{manifest['experts'][t]}/model.safetensors") for t in tasks]
    taus = [{n: e[n] - theta0[n] for n in theta0} for e in experts]
    heads = read_safetensors(f"{suite}/{manifest['heads']}")
    data = {t: read_safetensors(f"{suite}/data/{t}/test.safetensors") for t in tasks}  # images [N, H, W, 3] uint8, labels [N]
    x = {t: pixels(data[t]["images"]) for t in tasks}
    y = {t: data[t]["labels"].long() for t in tasks}

    @torch.no_grad()
    def score(params, t):
        """(top-1 %, mean entropy of softmax(s · normalise(z) · headᵀ)) of task t's test split."""
        z = torch.cat([forward(params, c, x[t][i:i + 64]) for i in range(0, len(x[t]), 64)])
        logits = scale * F.normalize(z, dim=1) @ F.normalize(heads[t], dim=1).T
        logp = torch.log_softmax(logits, 1)
        return 100 * (logits.argmax(1) == y[t]).double().mean().item(), -(logp.exp() * logp).sum(1).mean().item()

    rows = {
        "Pretrained (zero-shot head)": {t: score(theta0, t)[0] for t in tasks},
        "Individual (experts)": {t: score(experts[i], t)[0] for i, t in enumerate(tasks)},
        "Weight averaging": (lambda m: {t: score(m, t)[0] for t in tasks})({n: sum(e[n] for e in experts) / len(experts) for n in theta0}),
        "Task Arithmetic (λ 0.3)": (lambda m: {t: score(m, t)[0] for t in tasks})(task_arithmetic(theta0, taus, 0.3)),
        "TIES (k 20, λ 0.3)": (lambda m: {t: score(m, t)[0] for t in tasks})(ties(theta0, taus)),
    }
    with open(results_path) as f:
        ours = json.load(f)
    engine = {r["label"]: r["tasks"] for r in ours["rows"]}
    one_image = {t: 100 / len(y[t]) for t in tasks}
    bad = []
    print(f"suite {suite}: PyTorch {torch.__version__} (independent) against {results_path} (mergelab's engine, {ours.get('backend')})")
    print(f"| row | {' | '.join(tasks)} | avg |")
    for label, acc in rows.items():
        if label not in engine:
            bad.append(f"{label}: not in {results_path}")
            continue
        cells = []
        for t in tasks:
            a, b = acc[t], engine[label][t]
            cells.append(f"{a:.1f}" if abs(a - b) < 1e-9 else f"{a:.1f} (engine {b:.1f})")
            if abs(a - b) > one_image[t] + 1e-9:
                bad.append(f"{label} on {t}: PyTorch {a:.2f} vs the engine {b:.2f}")
        avg = sum(acc.values()) / len(tasks)
        print(f"| {label} | {' | '.join(cells)} | {avg:.2f} (engine {sum(engine[label].values()) / len(tasks):.2f}) |")
    print("\nTask Arithmetic, uniform λ: average top-1 % and AdaMerging's surrogate (entropy summed over tasks, nats)")
    print("| λ | accuracy PyTorch / engine | entropy PyTorch / engine |")
    for point in ours.get("sweep", []):
        lam = point["lambda"]
        m = task_arithmetic(theta0, taus, lam)
        s = [score(m, t) for t in tasks]
        acc = sum(a for a, _ in s) / len(tasks)
        ent = sum(e for _, e in s)
        print(f"| {lam} | {acc:.2f} / {point['accuracy']:.2f} | {ent:.4f} / {point['entropy']:.4f} |")
        if abs(acc - point["accuracy"]) > max(one_image.values()) + 1e-9:
            bad.append(f"sweep λ {lam}: accuracy {acc:.2f} vs the engine {point['accuracy']:.2f}")
        if abs(ent - point["entropy"]) > 1e-3 * abs(point["entropy"]):
            bad.append(f"sweep λ {lam}: entropy {ent:.5f} vs the engine {point['entropy']:.5f}")
    if bad:
        print("\nDISAGREE:\n  " + "\n  ".join(bad))
        sys.exit(1)
    print("\nagree: every task within one test image, every entropy within 1e-3 relative")


if __name__ == "__main__":
    main()
