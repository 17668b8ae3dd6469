"""Statistics the warehouse cannot express in SQL: the TikTok-to-Amazon/Shopify spillover estimator."""
