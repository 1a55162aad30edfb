#!/usr/bin/python3
"""Writes the PyTorch-pickle fixtures under e2e/fixtures/pickle/ from e2e/fixtures/tiny-a.

Run with Debian's python3-torch (1.13): /usr/bin/python3 scripts/make-pickle-fixtures.py
The files it writes are committed; the tests never run Python.

- tiny-a-bin/        pytorch_model.bin: the HF state dict (F32, zip format) + config.json
- tiny-a-tree/       finetuned.pt: a task_vectors-style ImageEncoder pickled whole (torch.save(model)),
                     open_clip-style visual + text towers, classes defined HERE under fake module names
                     (src.modeling, open_clip.*), so nothing that reads the file can import them
- tiny-a-bf16/, tiny-a-f16/  the state dict in BF16 / F16 with goldens of the widened weights
- tiny-a-views/      q/k/v as slices of one shared storage, fc2 as a transposed (non-contiguous) view
- tiny-a-sharded/    pytorch_model-0000{1,2}-of-00002.bin + pytorch_model.bin.index.json
- tiny-a-legacy/     the pre-1.6 format (_use_new_zipfile_serialization=False)
- head_Tiny.pt       a pickled task_vectors ClassificationHead (rows = unit class embeddings × exp(logit_scale))
Every folder holds inputs.safetensors and golden.safetensors (goldens recomputed here in float64 by an
independent forward pass, checked against tiny-a's own golden first).
"""
import json, math, os, shutil, struct, sys, types, enum
from collections import OrderedDict
import torch
import torch.nn as nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e', 'fixtures')
SRC = os.path.join(ROOT, 'tiny-a')
OUT = os.path.join(ROOT, 'pickle')
DT = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I32': torch.int32, 'U8': torch.uint8, 'I64': torch.int64}


def read_st(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n])
    out = OrderedDict()
    for k, v in h.items():
        if k == '__metadata__':
            continue
        s, e = v['data_offsets']
        raw = bytearray(b[8 + n + s:8 + n + e])
        out[k] = torch.frombuffer(raw, dtype=DT[v['dtype']]).reshape(v['shape']).clone() if e > s else torch.zeros(v['shape'], dtype=DT[v['dtype']])
    return out


def write_st(path, tensors):
    header, blobs, off = {}, [], 0
    for k, t in tensors.items():
        t = t.contiguous().to(torch.float32)
        raw = t.numpy().tobytes()
        header[k] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    j = json.dumps(header).encode()
    j += b' ' * ((8 - len(j) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(j)) + j + b''.join(blobs))


cfg = json.load(open(os.path.join(SRC, 'config.json')))
D, H, L = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_hidden_layers']
P, M = cfg['patch_size'], cfg['intermediate_size']
sd = read_st(os.path.join(SRC, 'model.safetensors'))
pixels = read_st(os.path.join(SRC, 'inputs.safetensors'))['pixel_values']
golden = read_st(os.path.join(SRC, 'golden.safetensors'))


def forward(w):
    """HF CLIPVisionModelWithProjection in float64 (quick_gelu), independent of the lab's code."""
    w = {k: v.to(torch.float64) for k, v in w.items()}
    g = lambda n: w['vision_model.' + n]
    x = torch.nn.functional.conv2d(pixels.to(torch.float64), g('embeddings.patch_embedding.weight'), stride=P)
    x = x.flatten(2).transpose(1, 2)
    B = x.shape[0]
    x = torch.cat([g('embeddings.class_embedding').expand(B, 1, D), x], 1) + g('embeddings.position_embedding.weight')
    ln = lambda t, n: torch.nn.functional.layer_norm(t, (D,), g(n + '.weight'), g(n + '.bias'), cfg['layer_norm_eps'])
    x = ln(x, 'pre_layrnorm')
    for i in range(L):
        p = f'encoder.layers.{i}.'
        h = ln(x, p + 'layer_norm1')
        lin = lambda t, n: t @ g(p + n + '.weight').T + g(p + n + '.bias')
        S = h.shape[1]
        q = (lin(h, 'self_attn.q_proj') * (D // H) ** -0.5).view(B, S, H, D // H).transpose(1, 2)
        k = lin(h, 'self_attn.k_proj').view(B, S, H, D // H).transpose(1, 2)
        v = lin(h, 'self_attn.v_proj').view(B, S, H, D // H).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2), -1) @ v
        x = x + lin(a.transpose(1, 2).reshape(B, S, D), 'self_attn.out_proj')
        h = lin(ln(x, p + 'layer_norm2'), 'mlp.fc1')
        h = h * torch.sigmoid(1.702 * h)
        x = x + lin(h, 'mlp.fc2')
    pooled = ln(x[:, 0], 'post_layernorm')
    return OrderedDict(last_hidden_state=x, pooler_output=pooled, image_embeds=pooled @ w['visual_projection.weight'].T)


ref = forward(sd)
for k, v in ref.items():
    err = (v - golden[k].to(torch.float64)).abs().max().item()
    assert err < 1e-5, (k, err)


def folder(name, golden_of=None, config=True):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    shutil.copy(os.path.join(SRC, 'inputs.safetensors'), d)
    if config:
        shutil.copy(os.path.join(SRC, 'config.json'), d)
    write_st(os.path.join(d, 'golden.safetensors'), forward(golden_of) if golden_of is not None else ref)
    return d


# 1. HF state dict, as transformers' save_pretrained(safe_serialization=False) writes it.
torch.save(sd, os.path.join(folder('tiny-a-bin'), 'pytorch_model.bin'))

# 2. BF16 / F16: goldens of the widened weights.
for tag, dt in (('bf16', torch.bfloat16), ('f16', torch.float16)):
    low = OrderedDict((k, v.to(dt)) for k, v in sd.items())
    torch.save(low, os.path.join(folder(f'tiny-a-{tag}', low), 'pytorch_model.bin'))

# 3. Shared storages and non-contiguous views.
views = OrderedDict(sd)
for i in range(L):
    p = f'vision_model.encoder.layers.{i}.'
    qkv = torch.cat([sd[p + 'self_attn.q_proj.weight'], sd[p + 'self_attn.k_proj.weight'], sd[p + 'self_attn.v_proj.weight']])
    views[p + 'self_attn.q_proj.weight'] = qkv[0:D]
    views[p + 'self_attn.k_proj.weight'] = qkv[D:2 * D]
    views[p + 'self_attn.v_proj.weight'] = qkv[2 * D:]
    views[p + 'mlp.fc2.weight'] = sd[p + 'mlp.fc2.weight'].t().contiguous().t()
    assert not views[p + 'mlp.fc2.weight'].is_contiguous()
torch.save(views, os.path.join(folder('tiny-a-views'), 'pytorch_model.bin'))

# 4. Sharded.
d = folder('tiny-a-sharded')
names = list(sd.keys())
half = len(names) // 2
shards = {'pytorch_model-00001-of-00002.bin': names[:half], 'pytorch_model-00002-of-00002.bin': names[half:]}
for f, ns in shards.items():
    torch.save(OrderedDict((n, sd[n]) for n in ns), os.path.join(d, f))
json.dump({'metadata': {'total_size': sum(t.numel() * 4 for t in sd.values())}, 'weight_map': {n: f for f, ns in shards.items() for n in ns}},
          open(os.path.join(d, 'pytorch_model.bin.index.json'), 'w'), indent=2)

# 5. Legacy (pre-1.6) format.
torch.save(sd, os.path.join(folder('tiny-a-legacy'), 'pytorch_model.bin'), _use_new_zipfile_serialization=False)


# 6. A task_vectors ImageEncoder pickled whole. The classes live in fake modules that exist only
#    while this script runs: the reader sees their names, never importable code.
def fake_module(name):
    parts = name.split('.')
    for i in range(1, len(parts) + 1):
        sys.modules.setdefault('.'.join(parts[:i]), types.ModuleType('.'.join(parts[:i])))
    return sys.modules[name]


oc = fake_module('open_clip.transformer')
ocm = fake_module('open_clip.model')
srcm = fake_module('src.modeling')
tvf = fake_module('torchvision.transforms.functional')
tvt = fake_module('torchvision.transforms.transforms')


def put(mod, cls):
    cls.__module__ = mod.__name__
    setattr(mod, cls.__name__, cls)
    return cls


@lambda c: put(oc, c)
class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


@lambda c: put(oc, c)
class ResidualAttentionBlock(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(OrderedDict([('c_fc', nn.Linear(d, mlp)), ('gelu', QuickGELU()), ('c_proj', nn.Linear(mlp, d))]))


@lambda c: put(oc, c)
class Transformer(nn.Module):
    def __init__(self, d, layers, heads, mlp):
        super().__init__()
        self.width, self.layers = d, layers
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(d, heads, mlp) for _ in range(layers)])


@lambda c: put(oc, c)
class VisionTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, D, P, P, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(D))
        self.positional_embedding = nn.Parameter(torch.zeros((cfg['image_size'] // P) ** 2 + 1, D))
        self.ln_pre = nn.LayerNorm(D)
        self.transformer = Transformer(D, L, H, M)
        self.ln_post = nn.LayerNorm(D)
        self.proj = nn.Parameter(torch.zeros(D, cfg['projection_dim']))


@lambda c: put(ocm, c)
class CLIP(nn.Module):
    def __init__(self):
        super().__init__()
        self.visual = VisionTransformer()
        self.transformer = Transformer(32, 1, 2, 64)  # the text tower, ignored by the lab
        self.token_embedding = nn.Embedding(50, 32)
        self.positional_embedding = nn.Parameter(torch.randn(8, 32))
        self.ln_final = nn.LayerNorm(32)
        self.text_projection = nn.Parameter(torch.randn(32, cfg['projection_dim']))
        self.logit_scale = nn.Parameter(torch.tensor(math.log(100.0)))
        self.register_buffer('attn_mask', torch.full((8, 8), float('-inf')).triu(1), persistent=False)


@lambda c: put(tvf, c)
class InterpolationMode(enum.Enum):
    BICUBIC = 'bicubic'


@lambda c: put(tvt, c)
class Resize:
    def __init__(self, size):
        self.size, self.interpolation = size, InterpolationMode.BICUBIC


@lambda c: put(tvt, c)
class Compose:
    def __init__(self, transforms):
        self.transforms = transforms


@lambda c: put(srcm, c)
class ImageEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = CLIP()
        self.train_preprocess = Compose([Resize(cfg['image_size'])])
        self.val_preprocess = self.train_preprocess
        self.cache_dir = None


@lambda c: put(srcm, c)
class ClassificationHead(nn.Linear):
    def __init__(self, normalize, weights, biases=None):
        out, inp = weights.shape
        super().__init__(inp, out)
        self.normalize = normalize
        self.weight = nn.Parameter(weights.clone())
        self.bias = nn.Parameter(biases.clone() if biases is not None else torch.zeros_like(self.bias))


torch.manual_seed(0)
enc = ImageEncoder()
v = enc.model.visual
with torch.no_grad():
    g = lambda n: sd['vision_model.' + n]
    v.conv1.weight.copy_(g('embeddings.patch_embedding.weight'))
    v.class_embedding.copy_(g('embeddings.class_embedding'))
    v.positional_embedding.copy_(g('embeddings.position_embedding.weight'))
    for ours, hf in (('ln_pre', 'pre_layrnorm'), ('ln_post', 'post_layernorm')):
        getattr(v, ours).weight.copy_(g(hf + '.weight'))
        getattr(v, ours).bias.copy_(g(hf + '.bias'))
    for i, blk in enumerate(v.transformer.resblocks):
        p = f'encoder.layers.{i}.'
        blk.attn.in_proj_weight.copy_(torch.cat([g(p + f'self_attn.{x}_proj.weight') for x in 'qkv']))
        blk.attn.in_proj_bias.copy_(torch.cat([g(p + f'self_attn.{x}_proj.bias') for x in 'qkv']))
        blk.attn.out_proj.weight.copy_(g(p + 'self_attn.out_proj.weight'))
        blk.attn.out_proj.bias.copy_(g(p + 'self_attn.out_proj.bias'))
        for ours, hf in (('ln_1', 'layer_norm1'), ('ln_2', 'layer_norm2')):
            getattr(blk, ours).weight.copy_(g(p + hf + '.weight'))
            getattr(blk, ours).bias.copy_(g(p + hf + '.bias'))
        blk.mlp.c_fc.weight.copy_(g(p + 'mlp.fc1.weight'))
        blk.mlp.c_fc.bias.copy_(g(p + 'mlp.fc1.bias'))
        blk.mlp.c_proj.weight.copy_(g(p + 'mlp.fc2.weight'))
        blk.mlp.c_proj.bias.copy_(g(p + 'mlp.fc2.bias'))
# open_clip keeps proj as [D, P]: a transposed (non-contiguous) view of the HF projection.
v.proj = nn.Parameter(sd['visual_projection.weight'].t())
assert not v.proj.is_contiguous()
torch.save(enc, os.path.join(folder('tiny-a-tree', config=False), 'finetuned.pt'))

# 7. A classification head: rows are unit class embeddings × exp(logit_scale) = 100.
emb = torch.randn(3, cfg['projection_dim'], generator=torch.Generator().manual_seed(1))
emb = emb / emb.norm(dim=-1, keepdim=True)
torch.save(ClassificationHead(True, emb * 100.0), os.path.join(OUT, 'head_Tiny.pt'))
write_st(os.path.join(OUT, 'head_Tiny.expected.safetensors'), OrderedDict(Tiny=emb))

# 8. Plain data at every pickle protocol 0-5 (no torch): the opcode coverage of the unpickler.
import pickle
shared = [9]
data = {'int': 7, 'neg': -300, 'big': 2 ** 70, 'float': 2.5, 'str': 'h\u00e9llo \u2603', 'bytes': b'\x00\xff', 'none': None,
        't': True, 'f': False, 'tuple': (1, 2, 3), 'list': [1, [2, 3]], 'set': {4}, 'frozenset': frozenset({5}),
        'od': OrderedDict([('a', 1), ('b', 2)]), 'shared': [shared, shared], 'long_str': 'x' * 300}
os.makedirs(os.path.join(OUT, 'protocols'), exist_ok=True)
for proto in range(6):
    with open(os.path.join(OUT, 'protocols', f'p{proto}.pkl'), 'wb') as f:
        pickle.dump(data, f, protocol=proto)
print('wrote', OUT)
