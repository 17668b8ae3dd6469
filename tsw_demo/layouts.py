"""Column layouts of the seller exports the demo writes, in the platforms' own order.

Source: ../shared/reference/seller-export-formats.md (sections 1-8). The demo writes these
headers verbatim (including the leading space of " Virtual Bundle Seller SKU" and Amazon's
"Mobile APP" capitalisation) so the loader is exercised on the real layouts, not on tidied ones.
"""

from __future__ import annotations

TIKTOK_ORDERS: tuple[str, ...] = (
    "Order ID", "Order Status", "Order Substatus", "Cancelation/Return Type", "Normal or Pre-order",
    "SKU ID", "Seller SKU", "Product ID", "Product Name", "Variation", " Virtual Bundle Seller SKU",
    "Quantity", "Sku Quantity of return", "SKU Unit Original Price", "SKU Subtotal Before Discount",
    "SKU Platform Discount", "SKU Seller Discount", "SKU Subtotal After Discount",
    "Shipping Fee After Discount", "Original Shipping Fee", "Shipping Fee Seller Discount",
    "Co-Funded Shipping Fee Discount", "Shipping Fee Platform Discount", "Payment platform discount",
    "Retail Delivery Fee", "Taxes", "Order Amount", "Order Refund Amount", "Created Time", "Paid Time",
    "RTS Time", "Shipped Time", "Delivered Time", "Cancelled Time", "Cancel By", "Cancel Reason",
    "Fulfillment Type", "Warehouse Name", "Tracking ID", "Delivery Option Type", "Delivery Option",
    "Shipping Provider Name", "Buyer Message", "Buyer Nickname", "Buyer Username", "Recipient", "Phone #",
    "Country", "State", "City", "Zipcode", "Address Line 1", "Address Line 2", "Delivery Instruction",
    "Payment Method", "Weight(kg)", "Product Category", "Package ID", "Seller Note", "Shipping Information",
    "Combined Listing", "Order Channel", "Creator Handle",
)

# Cells that end with a TAB in real TikTok exports (IDs, zip and every "* Time").
TIKTOK_TAB_SUFFIXED: frozenset[str] = frozenset(
    {"Order ID", "SKU ID", "Product ID", "Package ID", "Zipcode"}
    | {c for c in TIKTOK_ORDERS if c.endswith(" Time")}
)

# Row 2 of the XLSX export: one description per column, in the UI language (English here).
TIKTOK_ORDERS_DESCRIPTIONS: dict[str, str] = {
    "Order ID": "Platform unique order ID.",
    "Order Status": "Current status of the order.",
    "SKU ID": "Platform unique SKU ID.",
    "Quantity": "Number of items of this SKU in the order.",
    "Created Time": "Time the buyer placed the order.",
    "Order Amount": "Total amount the buyer paid for the order.",
}

# Section 2; the UK-only "Creator Region" is left out because the demo seller sells in the US.
TIKTOK_AFFILIATE_ORDERS: tuple[str, ...] = (
    "Order ID", "Product ID", "Product Name", "SKU ID", "Price", "Payment Amount", "Currency", "Quantity",
    "Fully returned or refunded", "Payment method", "Order Status", "Creator Username", "Content Type",
    "Content ID", "commission model", "Standard commission rate", "Est. Commission Base",
    "Est. standard commission payment", "Actual Commission Base", "Actual Commission Payment",
    "Shop Ads commission rate", "Est. Shop Ads commission payment", "Actual Shop Ads commission payment",
    "Est. co-funded creator bonus", "Actual co-funded creator bonus", "Time Created",
)

# Section 3 video list, plus the two duration columns Data Compass shows in its video table
# ("Video duration", "Avg. watch time", values like 1m28s). These two are not in the reference
# document's list: a loader should accept them as optional.
TIKTOK_VIDEO_LIST: tuple[str, ...] = (
    "Video name", "Video link", "Video post date", "Creator username", "GMV",
    "Affiliate shoppable video GMV", "Shoppable video impressions", "Affiliate CTR", "Shoppable video GPM",
    "Video duration", "Avg. watch time",
)

PRODUCT_ANALYTICS_IDENTIFIERS: tuple[str, ...] = ("Product Name", "Product ID", "GMV range")
# (section name in row 3, metric names in row 4). Metric names repeat across sections on purpose:
# the section row is what disambiguates them, as in the real file.
PRODUCT_ANALYTICS_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("All", (
        "GMV", "Orders", "SKU orders", "Items sold", "Est. customers", "Product impressions", "Product clicks",
        "Unique product impressions", "Unique clicks", "Add-to-cart count", "Refunds", "Items refunded",
    )),
    ("Affiliate", ("Creator-attributed GMV", "SKU orders", "Items sold")),
    ("Seller LIVE", ("Seller LIVE-attributed GMV", "SKU orders", "Items sold")),
    ("Seller video", ("Seller video-attributed GMV", "SKU orders", "Items sold")),
    ("Product card", ("Seller product card GMV", "SKU orders", "Items sold")),
)

TIKTOK_ADS_CAMPAIGN_DAILY: tuple[str, ...] = (
    "Date", "Campaign name", "Campaign ID", "Cost", "Net Cost", "LIVE views", "Orders (SKU)",
    "Gross revenue", "ROI",
)

AMAZON_ALL_ORDERS: tuple[str, ...] = (
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "url", "ship-service-level", "product-name", "sku",
    "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-city",
    "ship-state", "ship-postal-code", "ship-country", "promotion-ids", "is-business-order",
    "purchase-order-number", "price-designation",
)
# The newer variant: order-item-id right after order-status.
AMAZON_ALL_ORDERS_WITH_ITEM_ID: tuple[str, ...] = (
    AMAZON_ALL_ORDERS[: AMAZON_ALL_ORDERS.index("order-status") + 1]
    + ("order-item-id",)
    + AMAZON_ALL_ORDERS[AMAZON_ALL_ORDERS.index("order-status") + 1:]
)

AMAZON_BUSINESS_REPORT_SPLITS = ("Mobile App", "Mobile APP - B2B", "Browser", "Browser - B2B", "Total", "Total - B2B")
AMAZON_BUSINESS_REPORT: tuple[str, ...] = (
    ("(Parent) ASIN", "(Child) ASIN", "Title", "SKU")
    + tuple(f"Sessions - {s}" for s in AMAZON_BUSINESS_REPORT_SPLITS)
    + tuple(f"Session Percentage - {s}" for s in AMAZON_BUSINESS_REPORT_SPLITS)
    + tuple(f"Page Views - {s}" for s in AMAZON_BUSINESS_REPORT_SPLITS)
    + tuple(f"Page Views Percentage - {s}" for s in AMAZON_BUSINESS_REPORT_SPLITS)
    + (
        "Featured Offer (Buy Box) Percentage", "Featured Offer (Buy Box) Percentage - B2B",
        "Units Ordered", "Units Ordered - B2B", "Unit Session Percentage", "Unit Session Percentage - B2B",
        "Ordered Product Sales", "Ordered Product Sales - B2B", "Total Order Items", "Total Order Items - B2B",
    )
)

SHOPIFY_ORDERS: tuple[str, ...] = (
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
    "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price",
    "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
    "Billing Name", "Billing Street", "Billing Address1", "Billing Address2", "Billing Company", "Billing City",
    "Billing Zip", "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes", "Cancelled at",
    "Payment Method", "Payment Reference", "Refunded Amount", "Vendor", "Outstanding Balance", "Employee",
    "Location", "Device ID", "Id", "Tags", "Risk Level", "Source", "Lineitem discount",
    *(f"Tax {i} {part}" for i in range(1, 6) for part in ("Name", "Value")),
    "Phone", "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name", "Payment ID",
    "Payment Terms Name", "Next Payment Due At", "Payment References",
)
# Fields Shopify writes only on the first line item of an order (later lines carry Name, Email and
# the Lineitem* columns). Everything not listed as per-line is order-level.
SHOPIFY_LINE_LEVEL: frozenset[str] = frozenset(
    {"Name", "Email"} | {c for c in SHOPIFY_ORDERS if c.startswith("Lineitem")}
)

assert len(TIKTOK_ORDERS) == 63, len(TIKTOK_ORDERS)
assert len(SHOPIFY_ORDERS) == 79, len(SHOPIFY_ORDERS)
