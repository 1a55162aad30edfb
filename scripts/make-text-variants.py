#!/usr/bin/python3
"""Writes e2e/fixtures/text-variants/: the text tower of e2e/fixtures/text-a in other layouts,
dtypes and configs, with golden outputs of an independent float64 PyTorch forward pass.

Run with Debian's python3-torch (transformers is not needed): /usr/bin/python3 scripts/make-text-variants.py

- open-clip-f16/: open_clip names (token_embedding, positional_embedding, packed attn.in_proj_*,
  ln_final, text_projection [D, P] used as x @ P, logit_scale), weights stored F16, an open_clip
  config.json (embed_dim, quick_gelu, text_cfg), vocab.json + merges.txt. open_clip pools at the
  largest token id.
- hf-bf16-eos/: a CLIPTextModelWithProjection whose names lack the "text_model." prefix, stored BF16,
  with an integer position_ids buffer and no logit_scale, and only text-a's first layer (to keep
  the fixtures small); its vocabulary swaps the ids of the start
  and end tokens with those of two ordinary tokens (start 5, end 6) and the token embedding rows
  with them, so the config's eos_token_id is 6 (not the legacy 2): pooling must take the first
  position holding 6; the largest id lies elsewhere, and the script checks that the two rules
  disagree. Its context length is 32 (config.json), so the long prompt is truncated there.

Each folder gets tokens.json (ids of text-a's prompts, unpadded) and text-golden.safetensors
(text_embeds [N, P], pooler_output [N, D], F32) computed from the weights as stored (rounded).
The forward pass is first checked against text-a's own goldens.
"""
import json, os, shutil, struct
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'e2e', 'fixtures')
SRC = os.path.join(ROOT, 'text-a')
OUT = os.path.join(ROOT, 'text-variants')
DT = {'F32': (torch.float32, 4), 'F16': (torch.float16, 2), 'BF16': (torch.bfloat16, 2), 'I64': (torch.int64, 8)}
NAMES = {v[0]: k for k, v in DT.items()}


def read_st(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        dtype, size = DT[info['dtype']]
        a, b = info['data_offsets']
        raw = bytearray(data[a:b])
        t = torch.frombuffer(raw, dtype=dtype) if b > a else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info['shape']).clone()
    return out


def write_st(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * g + b


def forward(w, cfg, ids, pool):
    """Float64 CLIP text forward of one unpadded sequence; w: canonical HF names -> float64."""
    D, H = cfg['hidden'], cfg['heads']
    hd = D // H
    S = len(ids)
    x = w['text_model.embeddings.token_embedding.weight'][torch.tensor(ids)] + w['text_model.embeddings.position_embedding.weight'][:S]
    mask = torch.triu(torch.full((S, S), float('-inf'), dtype=torch.float64), diagonal=1)
    for i in range(cfg['layers']):
        p = lambda n: w[f'text_model.encoder.layers.{i}.{n}']
        h = layer_norm(x, p('layer_norm1.weight'), p('layer_norm1.bias'))
        q = (h @ p('self_attn.q_proj.weight').T + p('self_attn.q_proj.bias')).reshape(S, H, hd).transpose(0, 1)
        k = (h @ p('self_attn.k_proj.weight').T + p('self_attn.k_proj.bias')).reshape(S, H, hd).transpose(0, 1)
        v = (h @ p('self_attn.v_proj.weight').T + p('self_attn.v_proj.bias')).reshape(S, H, hd).transpose(0, 1)
        att = torch.softmax(q @ k.transpose(1, 2) / hd ** 0.5 + mask, -1) @ v
        x = x + att.transpose(0, 1).reshape(S, D) @ p('self_attn.out_proj.weight').T + p('self_attn.out_proj.bias')
        h = layer_norm(x, p('layer_norm2.weight'), p('layer_norm2.bias'))
        u = h @ p('mlp.fc1.weight').T + p('mlp.fc1.bias')
        u = u * torch.sigmoid(1.702 * u)  # quick_gelu
        x = x + u @ p('mlp.fc2.weight').T + p('mlp.fc2.bias')
    x = layer_norm(x, w['text_model.final_layer_norm.weight'], w['text_model.final_layer_norm.bias'])
    at = pool(ids)
    pooled = x[at]
    return pooled @ w['text_projection.weight'].T, pooled


def run(w, cfg, all_ids, pool):
    outs = [forward(w, cfg, ids, pool) for ids in all_ids]
    return torch.stack([o[0] for o in outs]), torch.stack([o[1] for o in outs])


argmax = lambda ids: max(range(len(ids)), key=lambda i: (ids[i], -i))
first = lambda eos: (lambda ids: ids.index(eos))


def golden(folder, prompts, ids, w, cfg, pool):
    te, po = run(w, cfg, ids, pool)
    json.dump({'prompts': prompts, 'input_ids': ids}, open(os.path.join(folder, 'tokens.json'), 'w'), ensure_ascii=False)
    write_st(os.path.join(folder, 'text-golden.safetensors'), {'text_embeds': te.float(), 'pooler_output': po.float()})
    return te


def main():
    model = read_st(os.path.join(SRC, 'model', 'model.safetensors'))
    text = {k: v for k, v in model.items() if k.startswith('text_model.') and not k.endswith('position_ids')}
    text['text_projection.weight'] = model['text_projection.weight']
    cfg = {'hidden': 32, 'heads': 4, 'layers': 2}
    tokens = json.load(open(os.path.join(SRC, 'tokens.json')))
    prompts, ids = tokens['prompts'], tokens['input_ids']

    # The forward pass reproduces text-a's goldens (argmax pooling, eos_token_id 2).
    g = read_st(os.path.join(SRC, 'text-golden.safetensors'))
    te, po = run({k: v.double() for k, v in text.items()}, cfg, ids, argmax)
    assert (te - g['text_embeds'].double()).abs().max() < 1e-5 and (po - g['pooler_output'].double()).abs().max() < 1e-5

    shutil.rmtree(OUT, ignore_errors=True)

    # open_clip, F16
    d = os.path.join(OUT, 'open-clip-f16')
    os.makedirs(d)
    half = {k: v.half() for k, v in text.items()}
    oc = {'token_embedding.weight': half['text_model.embeddings.token_embedding.weight'],
          'positional_embedding': half['text_model.embeddings.position_embedding.weight']}
    for i in range(cfg['layers']):
        p = lambda n: half[f'text_model.encoder.layers.{i}.{n}']
        r = f'transformer.resblocks.{i}.'
        oc[r + 'attn.in_proj_weight'] = torch.cat([p('self_attn.q_proj.weight'), p('self_attn.k_proj.weight'), p('self_attn.v_proj.weight')])
        oc[r + 'attn.in_proj_bias'] = torch.cat([p('self_attn.q_proj.bias'), p('self_attn.k_proj.bias'), p('self_attn.v_proj.bias')])
        for a, b in [('attn.out_proj', 'self_attn.out_proj'), ('ln_1', 'layer_norm1'), ('mlp.c_fc', 'mlp.fc1'), ('mlp.c_proj', 'mlp.fc2'), ('ln_2', 'layer_norm2')]:
            oc[f'{r}{a}.weight'] = p(f'{b}.weight')
            oc[f'{r}{a}.bias'] = p(f'{b}.bias')
    oc['ln_final.weight'] = half['text_model.final_layer_norm.weight']
    oc['ln_final.bias'] = half['text_model.final_layer_norm.bias']
    oc['text_projection'] = half['text_projection.weight'].T.contiguous()  # [D, P], used as x @ P
    oc['logit_scale'] = model['logit_scale'].half()
    write_st(os.path.join(d, 'open_clip_model.safetensors'), oc)
    json.dump({'embed_dim': 16, 'quick_gelu': True, 'text_cfg': {'context_length': 77, 'vocab_size': 740, 'width': 32, 'heads': 4, 'layers': 2, 'mlp_ratio': 2.0}}, open(os.path.join(d, 'config.json'), 'w'), indent=1)
    for f in ['vocab.json', 'merges.txt']:
        shutil.copy(os.path.join(SRC, 'model', f), d)
    golden_dir = d + '-golden'
    os.makedirs(golden_dir)
    golden(golden_dir, prompts, ids, {k: v.double() for k, v in half.items()}, cfg, argmax)

    # Hugging Face without the text_model. prefix, BF16, eos_token_id 6 with swapped ids, context 32
    d = os.path.join(OUT, 'hf-bf16-eos')
    os.makedirs(d)
    swap = {738: 5, 739: 6, 5: 738, 6: 739}
    perm = torch.arange(740)
    for a, b in swap.items():
        perm[a] = b  # new row a holds old row b (a swap is its own inverse)
    ctx = 32
    bf = {k: v.bfloat16() for k, v in text.items() if '.layers.1.' not in k}  # one layer: the folder stays small
    bf['text_model.embeddings.token_embedding.weight'] = bf['text_model.embeddings.token_embedding.weight'][perm].contiguous()
    bf['text_model.embeddings.position_embedding.weight'] = bf['text_model.embeddings.position_embedding.weight'][:ctx].contiguous()
    stored = {k[len('text_model.'):] if k.startswith('text_model.') else k: v for k, v in bf.items()}
    stored['embeddings.position_ids'] = torch.arange(ctx, dtype=torch.int64).reshape(1, ctx)
    write_st(os.path.join(d, 'model.safetensors'), stored)
    json.dump({'architectures': ['CLIPTextModelWithProjection'], 'model_type': 'clip_text_model', 'vocab_size': 740, 'hidden_size': 32,
               'intermediate_size': 64, 'num_hidden_layers': 1, 'num_attention_heads': 4, 'max_position_embeddings': ctx,
               'hidden_act': 'quick_gelu', 'layer_norm_eps': 1e-05, 'projection_dim': 16, 'bos_token_id': 5, 'eos_token_id': 6,
               'pad_token_id': 6, 'torch_dtype': 'bfloat16'}, open(os.path.join(d, 'config.json'), 'w'), indent=1)
    vocab = json.load(open(os.path.join(SRC, 'model', 'vocab.json')))
    json.dump({t: swap.get(i, i) for t, i in vocab.items()}, open(os.path.join(d, 'vocab.json'), 'w'), ensure_ascii=False)
    for f in ['merges.txt', 'special_tokens_map.json']:
        shutil.copy(os.path.join(SRC, 'model', f), d)
    new_ids = [[swap.get(t, t) for t in (s if len(s) <= ctx else s[:ctx - 1] + [s[-1]])] for s in ids]
    w = {k: v.double() for k, v in bf.items()}
    golden_dir = d + '-golden'
    os.makedirs(golden_dir)
    one = {**cfg, 'layers': 1}
    right = golden(golden_dir, prompts, new_ids, w, one, first(6))
    wrong, _ = run(w, one, new_ids, argmax)
    differ = [(right[i] - wrong[i]).abs().max().item() for i in range(len(new_ids))]
    assert all(x > 1e-2 for x in differ[:9]), differ  # every prompt with words: the rules disagree
    print('wrote', OUT, '; argmax-vs-first-eos differences', [round(x, 3) for x in differ])


main()
