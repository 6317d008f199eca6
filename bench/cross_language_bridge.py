#!/usr/bin/env python3
"""How much a bilingual dictionary would tell cross-language story pairs apart (issue 6).

Measures a signal, changes nothing in storyfold. Reads SemEval 2022 task 8's labelled article pairs,
keeps those labelled same event (Overall <= 1.5) or different (>= 3), and scores each pair by the
TF-IDF cosine of its words, read two ways: `raw` (the words as written: across languages only names,
numbers and shared spellings match) and `bridge` (each word of a non-English article also stands for
the English words of its first glosses in the FreeDict dictionary of its language, from Debian's
`dict-freedict-XXX-eng` packages in /usr/share/dictd). Prints the same-vs-different AUC per half
(dev = even data rows, test = odd, as `events` splits them) and per language pair.

    apt-get install dict-freedict-{deu,spa,fra,ita,pol,tur,ara}-eng
    python3 bench/cross_language_bridge.py ../shared/data/semeval2022-task8/training_set.csv
"""
import csv, gzip, re, math, sys, collections
DICTD = sys.argv[2] if len(sys.argv) > 2 else '/usr/share/dictd'
B64 = {c: i for i, c in enumerate('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}
def b64(s):
    n = 0
    for c in s: n = n * 64 + B64[c]
    return n
STOP = set("""a an the of to in on at for by with from and or but not no as is are was were be been being this that these those it its
he she they we you i his her their our your my me him them us who whom which what when where why how than then there here also
into onto over under about after before between against during without within up down out off again further once all any both
each few more most other some such only own same so too very can will just do does did doing have has had having would could
should may might must shall one see sth sb someone something""".split())
WORD = re.compile(r"\w+", re.U)
def load(name):
    d = gzip.open(f'{DICTD}/freedict-{name}.dict.dz').read()
    out = collections.defaultdict(set)
    for line in open(f'{DICTD}/freedict-{name}.index', encoding='utf-8'):
        parts = line.rstrip('\n').split('\t')
        if len(parts) < 3 or parts[0].startswith('00-database'): continue
        head, off, ln = parts[0], b64(parts[1]), b64(parts[2])
        text = d[off:off+ln].decode('utf-8', 'replace')
        lines = text.split('\n')
        glosses = []
        for l in lines[1:]:
            s = l.strip()
            if not s or s.startswith(('Note:', 'Synonyms:', 'see:', 'Example', 'Antonym')) or l.startswith('   '): continue
            s = re.sub(r'<[^>]*>', '', s)
            s = re.sub(r'^\d+\.\s*', '', s)
            glosses.append(s)
        words = set()
        for g in glosses[:2]:
            for sense in g.split(',')[:3]:
                for w in WORD.findall(sense.lower()):
                    if w not in STOP and len(w) > 1: words.add(w)
        if words and ' ' not in head.strip():
            out[head.strip().lower()] |= words
    return out
LANG = {'de': 'deu-eng', 'es': 'spa-eng', 'fr': 'fra-eng', 'it': 'ita-eng', 'pl': 'pol-eng', 'tr': 'tur-eng', 'ar': 'ara-eng'}
DICTS = {l: load(n) for l, n in LANG.items()}
print('loaded', {l: len(v) for l, v in DICTS.items()}, file=sys.stderr)
SUFFIXES = ['en', 'er', 'es', 'em', 'e', 'n', 's', 'ern', 'ung', 'ów', 'ach', 'ami', 'om', 'ie', 'y', 'i', 'a', 'ą', 'ę', 'u', 'ego', 'ej', 'ym', 'ich']
def stem(w):  # a crude English stem, enough to meet the glosses' inflections
    for suf in ('ies', 'ing', 'ed', 'es', 's'):
        if len(w) > len(suf) + 3 and w.endswith(suf): return w[:-len(suf)]
    return w
def translate(word, lang, mode):
    lw = word.lower()
    if lang == 'en' or mode == 'raw':
        return [stem(lw)] if lw not in STOP else []
    d = DICTS.get(lang)
    if d is None: return [lw]
    hit = d.get(lw)
    if hit is None:
        for suf in SUFFIXES:
            if len(lw) > len(suf) + 3 and lw.endswith(suf) and lw[:-len(suf)] in d:
                hit = d[lw[:-len(suf)]]; break
    out = [lw]  # the surface form stays: names and numbers cross languages unchanged
    if hit: out += [stem(w) for w in hit]
    return out
def bag(text, lang, mode):
    c = collections.Counter()
    for w in WORD.findall(text[:6000]):
        for t in translate(w, lang, mode):
            c[t] += 1
    return c
rows = list(csv.DictReader(open(sys.argv[1])))
def auc(pos, neg):
    s = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return s / (len(pos) * len(neg))
for half in ('dev', 'test', 'all'):
    sel = [r for i, r in enumerate(rows) if half == 'all' or (i % 2 == 0) == (half == 'dev')]
    for kind in ('cross', 'same'):
        pairs = [r for r in sel if (r['lang1'] != r['lang2']) == (kind == 'cross') and (float(r['Overall']) <= 1.5 or float(r['Overall']) >= 3)]
        if kind == 'same':  # non-English same-language pairs: what a bridge might cost them
            pairs = [r for r in pairs if r['lang1'] not in ('en', 'zh')]
        for mode in ('raw', 'bridge'):
            bags = []
            for r in pairs:
                bags.append((bag(r['text1'], r['lang1'], mode), bag(r['text2'], r['lang2'], mode), float(r['Overall']) <= 1.5, r['lang1'] + r['lang2']))
            df = collections.Counter()
            for a, b, _, _ in bags:
                df.update(set(a)); df.update(set(b))
            N = 2 * len(bags)
            def vec(c): return {t: (1 + math.log(v)) * math.log(N / df[t]) for t, v in c.items()}
            def cos(a, b):
                va, vb = vec(a), vec(b)
                dot = sum(v * vb.get(t, 0) for t, v in va.items())
                na = math.sqrt(sum(v * v for v in va.values())); nb = math.sqrt(sum(v * v for v in vb.values()))
                return dot / (na * nb) if na and nb else 0
            scores = collections.defaultdict(lambda: ([], []))
            for a, b, same, lp in bags:
                s = cos(a, b)
                scores['all'][0 if same else 1].append(s)
                scores[lp][0 if same else 1].append(s)
            print(half, kind, mode, ' '.join(f"{k}:{auc(*v):.3f}({len(v[0])}/{len(v[1])})" for k, v in sorted(scores.items()) if v[0] and v[1]))
