-- Shopify order lines of the window with the TikTok signals written on their order: a TikTok creator
-- discount code, a note attribute naming TikTok as the source (utm_source / source / ref / referrer),
-- a TikTok tag other than the TikTok Shop sync tag. Lines of TikTok Shop orders copied in by the TikTok
-- channel app (is_tiktok_shop_sync) are kept but never count as traced: they are TikTok Shop sales.
-- Cancelled and voided orders are left out, as in the daily panel.
with products as (
    select product_id, shopify_sku,
    from {{ ref('int_products') }}
),

promotion as (
    select product_id, category_id, is_promoted_on_tiktok, window_start, window_end,
    from {{ ref('int_spillover__product_promotion') }}
),

window_bounds as (
    select min(window_start) as window_start, max(window_end) as window_end,
    from promotion
),

lines as (
    select
        lines.order_line_key,
        lines.order_name,
        cast({{ to_seller_time("lines.created_at") }} as date) as date_day,
        products.product_id,
        promotion.category_id,
        promotion.is_promoted_on_tiktok,
        lines.is_tiktok_shop_sync,
        lines.lineitem_price * lines.lineitem_quantity - coalesce(lines.lineitem_discount, 0) as sales_usd,
        coalesce(lines.discount_code ilike '%tiktok%', false) as has_creator_code,
        coalesce(
            regexp_matches(lines.note_attributes_attribution, '(?i)(utm_source|source|ref|referrer)\s*:\s*tiktok'),
            false
        ) as has_tiktok_note,
        coalesce(lines.tags ilike '%tiktok%' and not lines.tags ilike '%tiktok shop%', false) as has_tiktok_tag,
    from {{ ref('stg_shopify__order_lines') }} as lines
    inner join {{ ref('int_products__codes') }} as codes on codes.code_kind = 'shopify_sku' and codes.code = lines.lineitem_sku
    inner join products on products.product_id = codes.product_id
    inner join promotion on promotion.product_id = products.product_id
    where lines.cancelled_at is null
        and lines.financial_status not in ('voided', 'expired')
)

select
    lines.*,
    not lines.is_tiktok_shop_sync and (lines.has_creator_code or lines.has_tiktok_note or lines.has_tiktok_tag)
        as is_traced_to_tiktok,
from lines
cross join window_bounds
where lines.date_day between window_bounds.window_start and window_bounds.window_end
