#!/usr/bin/env python3
"""Distinct GET /api/v1/listings query strings, drawn as listings-queries.lua draws its distinct kinds
(same words file, filters, bands, sorts and pages), one a line as `kind<TAB>query`, no two alike.
For `eaglehurst-server search-costs`, which times them inside the index.

    distinct_queries.py WORDS_FILE [COUNT_PER_KIND] [SEED]
"""
import random
import sys

words = [w.strip() for w in open(sys.argv[1]) if w.strip()]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 12)
types = ["pharmacy", "dental_practice", "gp_practice", "optician", "clinic", "care_home", "veterinary_practice", "other"]
regions = ["London", "South%20East", "South%20West", "East%20of%20England", "West%20Midlands", "East%20Midlands",
           "Yorkshire", "North%20West", "North%20East", "Scotland", "Wales", "Northern%20Ireland"]
sorts = ["newest", "price_asc", "price_desc"]
pick = rng.choice


def type_filters():
    parts = ["business_type=" + pick(types)]
    if rng.random() < 0.5:
        parts.append("business_type=" + pick(types))
    return "&".join(parts)


def price_band():
    low = rng.randint(0, 60) * 25000
    parts = []
    if rng.random() < 0.7:
        parts.append(f"min_price={low}")
    if rng.random() < 0.7:
        parts.append(f"max_price={low + rng.randint(4, 120) * 25000}")
    return "&".join(parts or [f"min_price={low}"])


def revenue_band():
    low = rng.randint(0, 40) * 50000
    if rng.random() < 0.5:
        return f"min_revenue={low}"
    return f"min_revenue={low}&max_revenue={low + rng.randint(4, 80) * 50000}"


def page():
    return f"page={rng.randint(1, 10)}"


def distinct_text():
    parts = ["q=" + "%20".join(pick(words) for _ in range(rng.randint(1, 3)))]
    if rng.random() < 0.4:
        r = rng.random()
        parts.append("region=" + pick(regions) if r < 0.4 else type_filters() if r < 0.7 else price_band())
    if rng.random() < 0.3:
        parts.append("sort=" + pick(sorts))
    parts.append(page())
    return "&".join(parts)


def distinct_filters():
    parts = []
    if rng.random() < 0.7:
        parts.append(type_filters())
    if rng.random() < 0.5:
        parts.append("region=" + pick(regions))
    if rng.random() < 0.5:
        parts.append(price_band())
    if rng.random() < 0.25:
        parts.append(revenue_band())
    if not parts:
        parts.append(type_filters())
    if rng.random() < 0.75:
        parts.append("sort=" + pick(sorts))
    parts.append(page())
    return "&".join(parts)


def distinct_browse():
    parts = []
    if rng.random() < 0.75:
        parts.append("sort=" + pick(sorts))
    parts.append(f"per_page={rng.randint(2, 100)}")
    parts.append(f"page={rng.randint(1, 500)}")
    return "&".join(parts)


seen = set()
for kind, make in [("text", distinct_text), ("filters", distinct_filters), ("browse", distinct_browse)]:
    made = 0
    while made < count:
        query = make()
        if query in seen:
            continue
        seen.add(query)
        made += 1
        print(f"{kind}\t{query}")
