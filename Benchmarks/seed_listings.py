#!/usr/bin/env python3
"""Writes realistic, deterministic seed data for the listing search benchmark as CSV.

    seed_listings.py --engine sqlite|postgres --listings 100000 --out DIR

DIR/users.csv and DIR/listings.csv hold the columns that `Benchmarks/listings-search` loads
(see M001/M002 and M010 for the schema). Dates are epoch seconds for SQLite and ISO-8601 UTC for
PostgreSQL; UUIDs are upper case (as Fluent writes them on SQLite). The same seed gives the same rows.
"""
import argparse
import csv
import os
import random
import uuid
from datetime import datetime, timezone

BUSINESS_TYPES = [  # (type, weight, title nouns)
    ("pharmacy", 22, ["pharmacy", "community pharmacy", "independent pharmacy", "healthy living pharmacy"]),
    ("dental_practice", 18, ["dental practice", "dental surgery", "mixed NHS and private dental practice", "dental clinic"]),
    ("gp_practice", 8, ["GP practice", "general practice", "private GP clinic"]),
    ("optician", 12, ["optician", "optometry practice", "opticians", "eyecare centre"]),
    ("clinic", 14, ["physiotherapy clinic", "aesthetics clinic", "podiatry clinic", "hearing clinic", "private clinic"]),
    ("care_home", 12, ["care home", "residential care home", "nursing home", "dementia care home"]),
    ("veterinary_practice", 9, ["veterinary practice", "vet surgery", "small animal veterinary clinic"]),
    ("other", 5, ["medical supplies business", "mobility aids shop", "laboratory services company", "domiciliary care agency"]),
]

REGIONS = {
    "London": ["Camden", "Islington", "Hackney", "Croydon", "Bromley", "Ealing", "Wimbledon", "Greenwich", "Richmond"],
    "South East": ["Brighton", "Reading", "Oxford", "Guildford", "Maidstone", "Canterbury", "Milton Keynes", "Southampton"],
    "South West": ["Bristol", "Bath", "Exeter", "Plymouth", "Truro", "Cheltenham", "Swindon"],
    "East of England": ["Cambridge", "Norwich", "Ipswich", "Colchester", "Chelmsford", "Peterborough"],
    "West Midlands": ["Birmingham", "Coventry", "Wolverhampton", "Worcester", "Stoke-on-Trent", "Hereford"],
    "East Midlands": ["Nottingham", "Leicester", "Derby", "Lincoln", "Northampton"],
    "Yorkshire": ["Leeds", "Sheffield", "York", "Bradford", "Hull", "Harrogate", "Wakefield"],
    "North West": ["Manchester", "Liverpool", "Preston", "Chester", "Lancaster", "Bolton", "Stockport"],
    "North East": ["Newcastle", "Sunderland", "Durham", "Middlesbrough", "Darlington"],
    "Scotland": ["Edinburgh", "Glasgow", "Aberdeen", "Dundee", "Inverness", "Stirling"],
    "Wales": ["Cardiff", "Swansea", "Newport", "Wrexham", "Aberystwyth"],
    "Northern Ireland": ["Belfast", "Derry", "Lisburn", "Newry"],
}
REGION_WEIGHTS = {"London": 16, "South East": 14, "South West": 9, "East of England": 9, "West Midlands": 9,
                  "East Midlands": 7, "Yorkshire": 9, "North West": 11, "North East": 4, "Scotland": 7,
                  "Wales": 3, "Northern Ireland": 2}

TITLE_ADJECTIVES = ["Established", "Busy", "Thriving", "Profitable", "Well-run", "Modern", "Long-standing",
                    "Award-winning", "Growing", "Town-centre", "Village", "Family-run", "Refurbished"]

SENTENCES = {
    "pharmacy": [
        "Dispensing around {items} items a month under the NHS contract.",
        "Strong NHS contract income with a growing private services offering, including travel vaccinations.",
        "Healthy living pharmacy accredited, with a consultation room and a busy repeat prescription service.",
        "Pharmacy First, flu vaccination and blood pressure checks bring in steady service income.",
        "The pharmacy sits next to a large GP surgery with {patients} registered patients.",
        "Over-the-counter and retail sales of around £{retail}k a year.",
    ],
    "dental_practice": [
        "{surgeries} surgeries, mixed NHS and private patients, with {udas} UDAs on the NHS contract.",
        "A private dental practice with an established Denplan list and a hygienist team.",
        "Digital x-ray, an OPG and an intraoral scanner were installed in the last three years.",
        "Cosmetic dentistry, implants and orthodontics referrals add to private income.",
        "The dental team includes associates, dental nurses and a practice manager who wish to stay.",
    ],
    "gp_practice": [
        "A private GP clinic with {patients} registered patients and a strong corporate health contract.",
        "Occupational health and travel clinic services run alongside general practice.",
        "The premises include {rooms} consulting rooms, a treatment room and on-site parking.",
        "Long-standing partners retiring; the NHS contract and staff would transfer.",
    ],
    "optician": [
        "Independent optician with {rooms} testing rooms, an OCT scanner and a loyal recall base.",
        "NHS sight tests and private eye examinations, with contact lens and dispensing income.",
        "Domiciliary eyecare visits to care homes in the area add steady revenue.",
        "Designer frames and a strong dispensing conversion rate.",
    ],
    "clinic": [
        "A private clinic offering physiotherapy, sports massage and podiatry from {rooms} treatment rooms.",
        "Aesthetics treatments and skin clinics with a strong online booking presence.",
        "Hearing tests and hearing aid dispensing with NHS referral work.",
        "Self-pay and insured patients, with contracts from local employers and insurers.",
        "The clinic shares a building with a dental practice and a pharmacy.",
    ],
    "care_home": [
        "A {beds}-bed residential care home rated Good by the CQC.",
        "Nursing and dementia care with high occupancy and local authority contracts.",
        "Registered for {beds} residents, with a mix of private and council-funded placements.",
        "Recently refurbished rooms, most with en-suite facilities, and landscaped gardens.",
        "Experienced registered manager and a stable care team in place.",
    ],
    "veterinary_practice": [
        "A small animal veterinary practice with {rooms} consulting rooms and a full theatre.",
        "Pet health plan members provide recurring monthly income.",
        "Digital radiography, in-house laboratory and dental equipment for animals.",
        "Out-of-hours cover is provided by a local partner, keeping rotas light.",
    ],
    "other": [
        "Supplying medical equipment and consumables to GP surgeries, dental practices and care homes.",
        "Mobility aids retail and rental with a showroom and online sales.",
        "Laboratory testing services for private clinics and occupational health providers.",
        "Domiciliary care agency with local authority and NHS contracts.",
    ],
}
COMMON = [
    "The business is located in {town} and serves a wide catchment area.",
    "Freehold premises are available by separate negotiation.",
    "Leasehold premises on a long lease at a modest rent.",
    "Accounts show steady growth over the last three years.",
    "The owner is retiring after {years} years and will support a handover.",
    "Good transport links and parking close by.",
    "Staff are experienced and most have been with the business for many years.",
    "Strong reputation with excellent online reviews.",
    "There is room to extend opening hours and add private services.",
    "Ideal for a first-time buyer or an expanding group.",
    "Full financial information is available to verified buyers.",
]
REASONS = ["Retirement", "Relocation", "Health reasons", "Focusing on other business interests",
           "Partnership dissolution", "Group restructuring", None]
STATUSES = [("published", 90), ("pending_approval", 3), ("draft", 3), ("sold", 2), ("archived", 1), ("rejected", 1)]
FIRST = ["Amelia", "Oliver", "Priya", "Mohammed", "Sophie", "James", "Chloe", "Harry", "Fatima", "Thomas",
         "Emily", "Daniel", "Aisha", "George", "Hannah", "Rajesh", "Grace", "William", "Zara", "Owen"]
LAST = ["Patel", "Smith", "Jones", "Khan", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson",
        "Thomas", "Roberts", "Ahmed", "Walker", "Wright", "Thompson", "Singh", "Hughes", "Green", "Clarke"]

PRICE_RANGES = {  # asking price range in pounds, revenue multiple
    "pharmacy": (150_000, 2_500_000, 1.6), "dental_practice": (250_000, 3_500_000, 1.3),
    "gp_practice": (200_000, 2_000_000, 1.5), "optician": (80_000, 900_000, 1.8),
    "clinic": (50_000, 1_500_000, 1.5), "care_home": (600_000, 8_000_000, 0.6),
    "veterinary_practice": (300_000, 4_000_000, 1.2), "other": (40_000, 1_200_000, 2.0),
}


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def fill(rng, text, town):
    return text.format(items=rng.randrange(4, 16) * 1000, patients=rng.randrange(3, 18) * 1000,
                       retail=rng.randrange(30, 400), surgeries=rng.randrange(2, 9), udas=rng.randrange(5, 30) * 1000,
                       rooms=rng.randrange(2, 7), beds=rng.randrange(18, 90), town=town, years=rng.randrange(12, 40))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--sellers", type=int, default=4_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    now = datetime(2025, 11, 1, tzinfo=timezone.utc).timestamp()

    def when(epoch):
        if args.engine == "sqlite":
            return repr(round(epoch, 6))
        return datetime.fromtimestamp(epoch, timezone.utc).isoformat()

    def flag(value):
        return ("1" if value else "0") if args.engine == "sqlite" else ("true" if value else "false")

    os.makedirs(args.out, exist_ok=True)
    # A fixed bcrypt hash: these sellers never sign in during the benchmark.
    password_hash = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5VKBa3qxhVYVJmfsHpOyHTvi6KDa3Ge"
    sellers = []
    with open(os.path.join(args.out, "users.csv"), "w", newline="") as f:
        out = csv.writer(f)
        for n in range(args.sellers):
            sid = str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()
            first, last = rng.choice(FIRST), rng.choice(LAST)
            created = now - rng.uniform(400, 1200) * 86400
            suspended = rng.random() < 0.02  # a few suspended sellers whose listings must not show
            sellers.append(sid)
            out.writerow([sid, f"seller{n}@bench.eaglehurst.test", password_hash, "seller", first, last,
                          flag(True), flag(suspended), "fake documents" if suspended else "", when(created),
                          when(created), "verified", when(created), when(created)])

    type_pairs = [(t, w) for t, w, _ in BUSINESS_TYPES]
    nouns = {t: n for t, _, n in BUSINESS_TYPES}
    region_pairs = list(REGION_WEIGHTS.items())
    with open(os.path.join(args.out, "listings.csv"), "w", newline="") as f:
        out = csv.writer(f)
        for _ in range(args.listings):
            lid = str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()
            btype = weighted(rng, type_pairs)
            region = weighted(rng, region_pairs)
            town = rng.choice(REGIONS[region])
            noun = rng.choice(nouns[btype])
            title = f"{rng.choice(TITLE_ADJECTIVES)} {noun} in {town}"
            if rng.random() < 0.15:
                title += rng.choice([" with NHS contract", " – freehold", " with parking", " near the high street",
                                     " – retiring owner", " with growth potential"])
            sentences = rng.sample(SENTENCES[btype], k=min(len(SENTENCES[btype]), rng.randrange(2, 5)))
            sentences += rng.sample(COMMON, k=rng.randrange(2, 5))
            rng.shuffle(sentences)
            description = " ".join(fill(rng, s, town) for s in sentences)
            low, high, multiple = PRICE_RANGES[btype]
            price = int(round(rng.uniform(low, high), -3))
            revenue = int(round(price * multiple * rng.uniform(0.6, 1.5), -3)) if rng.random() < 0.92 else None
            profit = int(round(revenue * rng.uniform(0.08, 0.28), -3)) if revenue else None
            status = weighted(rng, STATUSES)
            created = now - rng.uniform(1, 730) * 86400
            published = created + rng.uniform(0.2, 5) * 86400 if status in ("published", "sold", "archived") else None
            published = min(published, now) if published else None
            updated = published or created
            tenure = rng.choice(["freehold", "leasehold", "leasehold", None])
            out.writerow([
                lid, rng.choice(sellers), title, description, btype, town, region, price,
                "" if revenue is None else revenue, "" if profit is None else profit, rng.randrange(2, 80),
                tenure or "", rng.randrange(1950, 2023), rng.choice(REASONS) or "",
                f"{rng.randrange(1, 300)} High Street, {town}", f"{town[:2].upper()}{rng.randrange(1, 30)} {rng.randrange(1, 9)}AB",
                f"{town} {noun.title()}", status, "Photos missing" if status == "rejected" else "",
                rng.randrange(0, 2000), rng.randrange(0, 60), "" if published is None else when(published),
                when(created), when(updated),
            ])


if __name__ == "__main__":
    main()
