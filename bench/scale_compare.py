#!/usr/bin/env python3
"""Story membership of two storyfold stores: prints equality, articles, stories, lost and
duplicated articles. Usage: scale_compare.py REFERENCE.db OTHER.db"""
import sqlite3, sys

def membership(path):
    db = sqlite3.connect(path)
    alias = dict(db.execute("SELECT id, alias_of FROM stories WHERE alias_of IS NOT NULL"))
    def root(s):
        while s in alias:
            s = alias[s]
        return s
    stories = {}
    per_article = {}
    for article, story in db.execute("SELECT article, story FROM story_members"):
        stories.setdefault(root(story), set()).add(article)
        per_article[article] = per_article.get(article, 0) + 1
    # Duplicated = an article appearing in more than one story record's member list.
    listed = {}
    import json
    for sid, js in db.execute("SELECT id, story FROM stories WHERE alias_of IS NULL"):
        try:
            for a in json.loads(js).get("articles", []):
                listed[a] = listed.get(a, 0) + 1
        except Exception:
            pass
    dups = sum(1 for c in listed.values() if c > 1)
    return {frozenset(s) for s in stories.values()}, set(per_article), dups

ref, ref_articles, _ = membership(sys.argv[1])
got, got_articles, dups = membership(sys.argv[2])
lost = len(ref_articles - got_articles)
print(f"equal={ref == got} articles={len(got_articles)}/{len(ref_articles)} "
      f"stories={len(got)}/{len(ref)} lost={lost} duplicated={dups}")
sys.exit(0 if ref == got and lost == 0 and dups == 0 else 1)
