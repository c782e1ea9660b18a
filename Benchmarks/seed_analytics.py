#!/usr/bin/env python3
"""A year of marketplace events for the admin dashboard benchmark (issue 16), as CSV files.

    seed_analytics.py --engine sqlite|postgres --users 100000 --days 365 --out DIR [--plans plans.csv]

Writes one CSV per table in load order (users, listings, user_subscriptions, payments, connections,
messages, listing_views, search_queries, user_activities, conversion_funnel); each file's first line
names its columns. Dates are epoch seconds for SQLite and ISO-8601 UTC for PostgreSQL, booleans
1/0 or true/false, UUIDs upper case as Swift writes them. `plans.csv` (id,code,price_pence,
yearly_price_pence) lists the paid plans read from the migrated database. Deterministic (seeded).
"""
import argparse, csv, os, random, time, uuid
from datetime import datetime, timezone

DAY = 86400


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--plans", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(16)
    now = time.time()
    start = now - args.days * DAY

    def when(epoch):
        if epoch is None:
            return ""
        if args.engine == "sqlite":
            return repr(round(epoch, 6))
        return datetime.fromtimestamp(epoch, timezone.utc).isoformat()

    def flag(value):
        return ("1" if value else "0") if args.engine == "sqlite" else ("true" if value else "false")

    def day_key(epoch):
        return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d")

    def new_id():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()

    files, writers = {}, {}

    def writer(table, columns):
        f = open(os.path.join(args.out, f"{table}.csv"), "w", newline="")
        files[table] = f
        w = csv.writer(f)
        w.writerow(columns)
        writers[table] = w
        return w

    with open(args.plans) as f:
        plans = [row for row in csv.DictReader(f)]

    users = writer("users", ["id", "email", "password_hash", "user_type", "first_name", "last_name", "email_verified",
                             "is_suspended", "last_login_at", "created_at", "updated_at", "verification_status", "email_verified_at"])
    funnel = writer("conversion_funnel", ["id", "user_id", "step_name", "completed_at"])
    activities = writer("user_activities", ["id", "user_id", "activity_type", "metadata", "activity_date", "created_at"])
    buyers, sellers = [], []
    for i in range(args.users):
        uid = new_id()
        created = start + (args.days * DAY) * (i / args.users) + rng.random() * 600
        kind = "admin" if i % 10_000 == 0 else ("seller" if rng.random() < 0.2 else "buyer")
        verified = rng.random() < 0.9
        status = rng.choices(["unverified", "pending", "verified"], [69, 1, 30])[0]
        last_login = min(now - 60, created + rng.random() * (now - created))
        users.writerow([uid, f"bench{i}@example.test", "x", kind, "Bench", f"User {i}", flag(verified),
                        flag(rng.random() < 0.005), when(last_login), when(created), when(created), status,
                        when(created + 900) if verified else ""])
        funnel.writerow([new_id(), uid, "registered", when(created)])
        if verified:
            funnel.writerow([new_id(), uid, "email_verified", when(created + 900)])
        (buyers if kind == "buyer" else sellers if kind == "seller" else []).append((uid, created, verified))
        # Sign-ins: about one every fifteen days from joining.
        t = created
        while True:
            t += rng.expovariate(1 / (15 * DAY))
            if t >= now:
                break
            activities.writerow([new_id(), uid, "sign_in", "{}", day_key(t), when(t)])

    listings = writer("listings", ["id", "seller_id", "title", "description", "business_type", "location", "region",
                                   "asking_price", "status", "view_count", "save_count", "published_at", "created_at", "updated_at"])
    kinds = ["pharmacy", "dental_practice", "gp_practice", "optician", "clinic", "care_home"]
    published = []
    for seller, created, _ in sellers[: max(1, len(sellers) * 3 // 4)]:
        for _ in range(1 if rng.random() < 0.8 else 2):
            lid = new_id()
            made = created + rng.random() * (now - created)
            status = rng.choices(["published", "pending_approval", "draft", "sold", "rejected", "archived"], [70, 5, 10, 8, 3, 4])[0]
            published_at = made + DAY if status in ("published", "sold") and made + DAY < now else None
            listings.writerow([lid, seller, f"Practice {lid[:8]}", "A well-run medical business with loyal patients.",
                               rng.choice(kinds), "Town", "London", rng.randrange(100_000, 2_000_000), status, 0, 0,
                               when(published_at), when(made), when(made)])
            if status == "published" and published_at:
                published.append((lid, seller, published_at))

    subs = writer("user_subscriptions", ["id", "user_id", "subscription_id", "status", "started_at", "expires_at",
                                         "cancelled_at", "created_at", "billing_cycle", "current_period_start",
                                         "current_period_end", "cancel_at_period_end", "failed_payment_attempts"])
    payments = writer("payments", ["id", "user_id", "user_subscription_id", "plan_id", "kind", "billing_cycle", "net_pence",
                                   "vat_pence", "vat_rate_percent", "amount_pence", "currency", "status", "gateway",
                                   "claim_key", "description", "created_at", "paid_at"])
    for uid, created, verified in buyers + sellers:
        if not verified or rng.random() > 0.1:
            continue
        plan = rng.choice(plans)
        sid = new_id()
        began = created + rng.random() * min(30 * DAY, now - created)
        ends = began + rng.random() * (now - began) if rng.random() < 0.3 else None
        t, kind = began, "purchase"
        while t < (ends or now):
            price = int(plan["price_pence"])
            status = "failed" if rng.random() < 0.03 else ("refunded" if rng.random() < 0.01 else "succeeded")
            payments.writerow([new_id(), uid, sid, plan["id"], kind, "monthly", price, price // 5, 20, price + price // 5, "GBP",
                               status, "local", new_id(), "Benchmark payment", when(t), when(t) if status != "failed" else ""])
            t, kind = t + 30 * DAY, "renewal"
        period_end = t
        subs.writerow([sid, uid, plan["id"], "cancelled" if ends else "active", when(began), when(ends), when(ends),
                       when(began), "monthly", when(period_end - 30 * DAY), when(period_end), flag(False), 0])
        funnel.writerow([new_id(), uid, "subscribed", when(began)])

    connections = writer("connections", ["id", "listing_id", "buyer_id", "seller_id", "status", "initial_message",
                                         "responded_at", "last_message_at", "created_at", "updated_at"])
    messages = writer("messages", ["id", "connection_id", "sender_id", "content", "message_type", "created_at", "seq"])
    views = writer("listing_views", ["id", "listing_id", "viewer_id", "viewer_key", "view_date", "viewed_at"])
    searches = writer("search_queries", ["id", "user_id", "query_text", "filters", "results_count", "searched_at"])
    seen = set()
    seq = 0
    active_buyers = [b for b in buyers if b[2]]
    for uid, created, _ in active_buyers:
        # Searches and views: about one search every fifteen days, one view every ten.
        t, searched, requested = created, False, False
        while True:
            t += rng.expovariate(1 / (15 * DAY))
            if t >= now:
                break
            q = rng.choice(["pharmacy", "dental", "optician leeds", "gp", "clinic"])
            searches.writerow([new_id(), uid, q, f"q={q}", rng.randrange(0, 200), when(t)])
            activities.writerow([new_id(), uid, "search", '{"query":"%s"}' % q, day_key(t), when(t)])
            if not searched:
                funnel.writerow([new_id(), uid, "first_search", when(t)])
                searched = True
        t = created
        while published:
            t += rng.expovariate(1 / (10 * DAY))
            if t >= now:
                break
            lid, seller, published_at = published[rng.randrange(len(published))]
            if published_at > t or (lid, uid, day_key(t)) in seen:
                continue
            seen.add((lid, uid, day_key(t)))
            views.writerow([new_id(), lid, uid, uid, day_key(t), when(t)])
            activities.writerow([new_id(), uid, "listing_view", '{"listing_id":"%s"}' % lid, day_key(t), when(t)])
            if rng.random() < 0.02:
                cid = new_id()
                status = rng.choices(["pending", "accepted", "rejected", "blocked"], [20, 55, 22, 3])[0]
                responded = t + rng.random() * 2 * DAY if status != "pending" else None
                responded = responded if responded is None or responded < now else None
                status = status if responded else "pending"
                connections.writerow([cid, lid, uid, seller, status, "Hello, is it still available?",
                                      when(responded), when(t), when(t), when(responded or t)])
                activities.writerow([new_id(), uid, "connection_request", '{"connection_id":"%s"}' % cid, day_key(t), when(t)])
                if not requested:
                    funnel.writerow([new_id(), uid, "first_request", when(t)])
                    requested = True
                for k in range(rng.randrange(1, 8)):
                    at = t + k * 3600
                    if at >= now:
                        break
                    seq += 1
                    messages.writerow([new_id(), cid, uid if k % 2 == 0 else seller, "Message text", "text", when(at), seq])
    for f in files.values():
        f.close()


if __name__ == "__main__":
    main()
