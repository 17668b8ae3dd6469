"""The demo seller: the simulated world written out as the seller's own export files.

`generate_demo(out_dir)` writes, deterministically from the seed, what a seller on TikTok Shop US,
Amazon US and Shopify would have downloaded over the world's window (twelve export kinds, the real
layouts and quirks), plus the ground truth in `out_dir/.demo/` (a dot-folder so an inbox scanner that
takes top-level files only never mistakes it for an export):

- ground_truth.json   world.truth + realised facts (order counts, cancellation and return rates as
                      visible in the files, TikTok orders synced into Shopify, unmapped products)
- ground_truth_daily.csv  realised units / orders / gross sales per date x product x channel
- pii_canaries.json   every buyer name, phone, email, street address and username written to a file
- periods.json        export file -> kind and the period it covers (the loader contract for files whose
                      rows carry no date, e.g. the Amazon Business Report)
- manifest.json       every file with kind, bytes, sha256

Scale. The demo seller is the world at `VOLUME_SCALE` (every channel's expected units, views, sessions
and ads spend multiplied by the same factor): a few thousand orders a month per channel instead of
tens of thousands, so the demo stays small, while spillover betas (USD per USD) are unchanged.
`scale=N` is the benchmark mode: the whole seller at about N TikTok order lines, streamed (tsw_demo/scaled.py).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from tsw_demo.generate.amazon import _amazon_realised, _write_amazon, _write_business_reports
from tsw_demo.generate.common import (
    BRAND,
    SELLER_HANDLE,
    TIKTOK_OVERLAP_DAYS,
    TRUTH_DIRNAME,
    VOLUME_SCALE,
    DemoFile,
    DemoManifest,
    _daily_truth,
    _dt64,
    _Writer,
    demo_products,
    unmapped_product_id,
    volume_scaled,
)
from tsw_demo.generate.shopify import _shopify_realised, _write_shopify
from tsw_demo.generate.tiktok import (
    _attribute_sources,
    _tiktok_realised,
    _write_ads,
    _write_affiliate,
    _write_data_compass,
    _write_tiktok_orders,
)
from tsw_demo.people import PeoplePool
from tsw_demo.sampling import sample_amazon, sample_shopify, sample_tiktok


# ---------------------------------------------------------------- main entry point
def generate_demo(out_dir: Path, *, seed: int = 7, days: int = 400, scale: int | None = None,
                  end: date | None = None, truth_dir: Path | None = None) -> DemoManifest:
    """Write the demo seller's exports into out_dir and the ground truth into out_dir/.demo/."""
    from tsw_demo.world import WorldConfig, simulate_world

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir else out_dir / TRUTH_DIRNAME
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    cfg = WorldConfig(seed=seed, days=days) if end is None else \
        WorldConfig(seed=seed, days=days, start=end - timedelta(days=days - 1))
    world = simulate_world(cfg)
    start = cfg.start
    last = start + timedelta(days=days - 1)
    products = demo_products(world)
    pindex = {pid: i for i, pid in enumerate(products["product_id"])}
    daily = world.daily.copy()
    daily["_pidx"] = daily["product_id"].map(pindex).to_numpy()
    people = PeoplePool(np.random.default_rng([seed, 1]))
    manifest = DemoManifest(out_dir=out_dir, truth_dir=truth_dir)
    w = _Writer(out_dir, manifest)

    if scale is not None:
        from tsw_demo.scaled import write_scaled

        write_scaled(w, world, products, daily, people, seed, scale, start, last)
        manifest.seconds = time.perf_counter() - t0
        _write_json(truth_dir / "periods.json", manifest.periods())
        _write_json(truth_dir / "manifest.json", _manifest_json(manifest))
        return manifest

    scaled = volume_scaled(daily, VOLUME_SCALE)

    truth = world.truth
    tt, _ = sample_tiktok(np.random.default_rng([seed, 2]), products, scaled, people, truth)
    az, _ = sample_amazon(np.random.default_rng([seed, 3]), products, scaled, people, truth)
    sh, _ = sample_shopify(np.random.default_rng([seed, 4]), products, scaled, people, truth)
    _attribute_sources(np.random.default_rng([seed, 5]), tt, scaled)
    rng = np.random.default_rng([seed, 6])

    tt_latest = _write_tiktok_orders(w, tt, products, people, start, last, rng)
    _write_affiliate(w, tt, products, start, last, rng)
    _write_data_compass(w, tt, products, scaled, start, last, np.random.default_rng([seed, 7]))
    _write_ads(w, tt, products, scaled, start, last, np.random.default_rng([seed, 8]))
    az_asof = _write_amazon(w, az, products, people, start, last, rng)
    _write_business_reports(w, az, products, scaled, start, last, np.random.default_rng([seed, 9]))
    sh_all, synced = _write_shopify(w, sh, tt, products, people, last, np.random.default_rng([seed, 10]))
    settlement = _write_settlements(w, tt, az, sh_all, products, people, start, last, seed)

    realised = {
        "tiktok": _tiktok_realised(tt, tt_latest),
        "amazon": _amazon_realised(az, az_asof),
        "shopify": _shopify_realised(sh_all, _dt64(last + timedelta(days=1)) + np.timedelta64(10 * 3600, "s")),
    }
    gt = {
        "generator": {"seed": seed, "days": days, "start": start.isoformat(), "end": last.isoformat(),
                      "volume_scale": VOLUME_SCALE, "time_zone": "America/Los_Angeles",
                      "brand": BRAND, "seller_handle": SELLER_HANDLE,
                      "tiktok_export_overlap_days": TIKTOK_OVERLAP_DAYS},
        "definitions": {
            "units": "realised units = Poisson(world expected units x volume_scale) per date x product, by the "
                     "order's created date in America/Los_Angeles; cancelled orders included",
            "cancellation_rate": "orders whose latest exported state is cancelled / orders exported",
            "return_rate_visible": "returned units (Sku Quantity of return / Shopify refunded lines) in the latest "
                                   "exported state / units of lines not cancelled in that state",
            "return_rate_eventual": "returned units / units not cancelled, including returns after the last export",
            "tiktok_gmv": "sum of SKU Subtotal Before Discount - SKU Seller Discount, by paid time (Data Compass)",
            "shopify_synced": "TikTok Shop orders copied into Shopify by the TikTok channel app (Source 'tiktok', "
                              "tag 'TikTok Shop', note attribute 'TikTok Order ID'); count them once, on TikTok",
        },
        "world": truth,
        "realised": realised,
        "unmapped_product_ids": [unmapped_product_id(products)],
        "shopify_synced_tiktok_orders": synced,
        "settlement": settlement,
    }
    _write_json(truth_dir / "ground_truth.json", gt)
    _daily_truth(tt, az, sh, products).to_csv(truth_dir / "ground_truth_daily.csv", index=False)
    _write_json(truth_dir / "pii_canaries.json", people.canaries())
    _write_json(truth_dir / "periods.json", manifest.periods())
    manifest.seconds = time.perf_counter() - t0
    _write_json(truth_dir / "manifest.json", _manifest_json(manifest))
    return manifest


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def _manifest_json(m: DemoManifest) -> dict:
    # No timing in the file: the manifest must be byte-identical across runs of the same seed.
    return {"files": [asdict(f) for f in m.files], "total_bytes": m.total_bytes}


def _write_settlements(w: _Writer, tt, az, sh_all, products, people, start, last, seed) -> dict:
    """Statements, transaction and returns reports, payouts: what was paid (see demo/settlements.py)."""
    from tsw_demo import settlements as S

    frame, tiktok = S.tiktok_statements(tt, products, start, last, np.random.default_rng([seed, 11]))
    for path, ms, me in S.write_tiktok_statements(w.out_dir, frame):
        w.add(path, "tiktok_statements", ms, me)
    tx, returns, amazon = S.amazon_settlement(az, products, people, start, last, np.random.default_rng([seed, 12]))
    for path, ms, me in S.write_amazon_transactions(w.out_dir, tx):
        w.add(path, "amazon_transactions", ms, me)
    path, ms, me = S.write_amazon_returns(w.out_dir, returns, start, last)
    w.add(path, "amazon_fba_returns", ms, me)
    payouts, shopify = S.shopify_payouts(sh_all, last, np.random.default_rng([seed, 13]))
    for path, ms, me in S.write_shopify_payouts(w.out_dir, payouts):
        w.add(path, "shopify_payouts", ms, me)
    return {
        "rate_card": f"seeds/reference/{S.RATE_CARD_FILE} (+ {S.RATE_CARD})",
        "tiktok_shop": tiktok, "amazon": amazon, "shopify": shopify,
        "planted": {
            "never_settled": [tiktok["never_settled_order"]] if tiktok["never_settled_order"] else [],
            "fee_disputes": [tiktok["fee_dispute"]] if tiktok["fee_dispute"] else [],
            "reimbursements": [amazon["reimbursement"]] if amazon["reimbursement"] else [],
        },
        "definitions": {
            "never_settled": "a delivered, not returned TikTok Shop order left out of every statement",
            "fee_dispute": "a TikTok Shop line whose referral fee is three times the rate card's rate",
            "reimbursement": "Amazon pays back one returned unit damaged in its warehouse (Adjustment row)",
        },
    }


def summary(manifest: DemoManifest) -> str:
    """One line per export kind: files and size (what the CLI prints after generating)."""
    kinds: dict[str, list[DemoFile]] = {}
    for f in manifest.files:
        kinds.setdefault(f.kind, []).append(f)
    lines = [f"{k:<28} {len(v):>3} files {sum(f.bytes for f in v) / 1e6:>7.2f} MB" for k, v in kinds.items()]
    lines.append(f"{'total':<28} {len(manifest.files):>3} files {manifest.total_bytes / 1e6:>7.2f} MB "
                 f"in {manifest.seconds:.1f} s -> {manifest.out_dir} (truth: {manifest.truth_dir})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    from orchestration import settings

    ap = argparse.ArgumentParser(description="Write the demo seller's exports (default: into the inbox).")
    ap.add_argument("--out", type=Path, default=None, help="folder (default: $TSW_HOME/inbox)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--days", type=int, default=400)
    ap.add_argument("--scale", type=int, default=None, help="benchmark: the whole seller at ~N TikTok order lines")
    ap.add_argument("--end", type=date.fromisoformat, default=None, help="last day of the window (YYYY-MM-DD)")
    args = ap.parse_args(argv)
    manifest = generate_demo(args.out or settings.inbox_dir(), seed=args.seed, days=args.days, scale=args.scale,
                             end=args.end)
    print(summary(manifest))


if __name__ == "__main__":
    main()
