"""The demo world's parameters: categories, prices, rates, event multipliers, ``WorldConfig`` and ``World``.

The model they parametrise is described in tsw_demo/world/__init__.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

LAG_MAX = 10  # L: spillover lasts up to ten days after the TikTok sale
CONTENT_SEASON_ELASTICITY = 3.0
BURN_IN = LAG_MAX
CHANNELS = ("amazon", "shopify")

CATEGORIES: dict[str, str] = {
    "beauty_personal_care": "Beauty & Personal Care",
    "health": "Health",
    "womenswear": "Womenswear & Underwear",
    "sports_outdoor": "Sports & Outdoor",
    "phone_electronics_accessories": "Phone & Electronics Accessories",
    "home": "Home Supplies",
}
# Share of the catalogue per category (beauty and apparel dominate TikTok Shop US assortments).
_CATEGORY_SHARE = {
    "beauty_personal_care": 9,
    "health": 6,
    "womenswear": 8,
    "sports_outdoor": 6,
    "phone_electronics_accessories": 6,
    "home": 5,
}
_SKU_PREFIX = {
    "beauty_personal_care": "BPC",
    "health": "HLT",
    "womenswear": "WMN",
    "sports_outdoor": "SPO",
    "phone_electronics_accessories": "PEA",
    "home": "HOM",
}
_NAMES = {
    "beauty_personal_care": [
        "Vitamin C Brightening Serum",
        "Heatless Curling Rod Set",
        "Hydrating Lip Oil Trio",
        "Collagen Under-Eye Patches",
        "Silicone Scalp Massager",
        "Tinted Moisturizer SPF 50",
        "Gel Press-On Nails Kit",
        "Rosemary Hair Growth Oil",
        "LED Light Therapy Face Mask",
        "Volumizing Dry Shampoo Powder",
        "Snail Mucin Essence",
        "Ionic Hair Dryer Brush",
    ],
    "health": [
        "Magnesium Glycinate Gummies",
        "Adjustable Posture Corrector",
        "Electrolyte Drink Mix Sticks",
        "Daily Probiotic Capsules",
        "Melatonin Sleep Gummies",
        "Mini Percussion Massage Gun",
        "Blue Light Blocking Glasses",
        "Collagen Peptides Powder",
    ],
    "womenswear": [
        "Seamless Shapewear Bodysuit",
        "High-Waist Flare Leggings",
        "Ribbed Knit Lounge Set",
        "Oversized Denim Jacket",
        "Wrap Midi Dress",
        "Cropped Button Cardigan",
        "Parachute Cargo Pants",
        "Satin Slip Skirt",
        "Tummy Control One-Piece Swimsuit",
        "Seamless Sports Bra",
    ],
    "sports_outdoor": [
        "Adjustable Dumbbell Pair",
        "Resistance Band Set",
        "Insulated Tumbler 40 oz",
        "Non-Slip Yoga Mat",
        "Under-Desk Walking Pad",
        "Rechargeable Camping Lantern",
        "Packable Hiking Daypack",
        "Weighted Jump Rope",
    ],
    "phone_electronics_accessories": [
        "Magnetic Power Bank 10000mAh",
        "Clear Shockproof Phone Case",
        "Wireless Earbuds with Case",
        "Phone Tripod with Remote",
        "20W USB-C Fast Charger",
        "Clip-On Selfie Ring Light",
        "Magnetic Car Phone Mount",
        "Braided Charging Cable 3-Pack",
    ],
    "home": [
        "Portable Mini Blender",
        "Sunset Projection Lamp",
        "Vacuum Storage Bags 8-Pack",
        "Electric Spin Scrubber",
        "Ultrasonic Aroma Diffuser",
        "Countertop Ice Maker",
        "Motion Sensor Closet Lights",
    ],
}
# (price low, price high) USD, weight kg range.
_PRICE = {
    "beauty_personal_care": (9.99, 39.99),
    "health": (14.99, 44.99),
    "womenswear": (17.99, 59.99),
    "sports_outdoor": (12.99, 89.99),
    "phone_electronics_accessories": (9.99, 49.99),
    "home": (14.99, 69.99),
}
_WEIGHT = {
    "beauty_personal_care": (0.05, 0.4),
    "health": (0.1, 0.6),
    "womenswear": (0.15, 0.8),
    "sports_outdoor": (0.3, 6.0),
    "phone_electronics_accessories": (0.05, 0.5),
    "home": (0.3, 4.0),
}
# Category-level spillover (USD off-TikTok per USD TikTok GMV). Amazon rates sit close together (0.16-0.22):
# many viewers search Amazon for a product they saw, a little more for beauty/health re-buys, a little less
# for apparel bought in-app. The seller's own Shopify site gets less, and nothing at all for commodity
# accessories and home gadgets (no brand recall that would send anyone to a DTC site).
_BETA_BASE = {
    "beauty_personal_care": {"amazon": 0.22, "shopify": 0.08},
    "health": {"amazon": 0.20, "shopify": 0.07},
    "womenswear": {"amazon": 0.16, "shopify": 0.09},
    "sports_outdoor": {"amazon": 0.20, "shopify": 0.05},
    "phone_electronics_accessories": {"amazon": 0.17, "shopify": 0.0},
    "home": {"amazon": 0.18, "shopify": 0.0},
}
# True return rates (share of delivered units returned) per category x channel. US online apparel returns run
# above 30 %; impulse purchases from short videos are returned more often than searched-for purchases.
RETURN_RATES = {
    "beauty_personal_care": {"tiktok": 0.07, "amazon": 0.05, "shopify": 0.04},
    "health": {"tiktok": 0.06, "amazon": 0.04, "shopify": 0.03},
    "womenswear": {"tiktok": 0.38, "amazon": 0.31, "shopify": 0.26},
    "sports_outdoor": {"tiktok": 0.15, "amazon": 0.11, "shopify": 0.09},
    "phone_electronics_accessories": {"tiktok": 0.14, "amazon": 0.10, "shopify": 0.08},
    "home": {"tiktok": 0.12, "amazon": 0.09, "shopify": 0.07},
}
# Cancellation before shipment: TikTok Shop's pay-now impulse orders and unpaid/auto-cancelled orders are
# cancelled far more often than Amazon orders.
CANCEL_RATES = {"tiktok": 0.055, "amazon": 0.012, "shopify": 0.02}

_WEEKDAY = {  # Monday .. Sunday multipliers (mean ~1)
    "amazon": np.array([1.06, 1.04, 1.01, 0.99, 0.95, 0.93, 1.02]),
    "shopify": np.array([1.10, 1.05, 1.00, 0.98, 0.94, 0.90, 1.03]),
}
_EVENT_MULT = {
    "amazon": {"prime_day": 2.8, "bfcm": 2.2, "promo": 1.15},
    "shopify": {"prime_day": 1.1, "bfcm": 3.0, "promo": 1.4},
}


@dataclass(frozen=True)
class WorldConfig:
    seed: int = 7
    days: int = 400  # >= 365
    start: date = date(2025, 1, 1)
    n_products: int = 40
    noise: float = 1.0  # multiplier of demand noise; tests use a low-noise world (e.g. 0.25)
    shared_seasonality: bool = False  # confounded world: TikTok activity and off-TikTok demand share a driver
    control_products: bool = True  # some products are never promoted on TikTok (the control group)

    def __post_init__(self) -> None:
        if self.days < 365:
            raise ValueError(f"WorldConfig.days must be >= 365 (a full seasonal year), got {self.days}")
        if self.n_products < 12:
            raise ValueError(
                f"WorldConfig.n_products must be >= 12 (two per category), got {self.n_products}"
            )
        if self.noise < 0:
            raise ValueError(f"WorldConfig.noise must be >= 0, got {self.noise}")


@dataclass
class World:
    config: WorldConfig
    products: pd.DataFrame
    daily: pd.DataFrame
    truth: dict = field(default_factory=dict)

    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.config.start, periods=self.config.days, freq="D")
