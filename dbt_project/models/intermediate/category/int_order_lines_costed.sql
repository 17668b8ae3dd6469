-- Order lines with their product, category, USD amounts and every cost the seller bears, each
-- looked up in the reference table row in force on the order date (ids kept for tracing).

with lines as (

    select * from {{ ref('int_order_lines_unioned') }}

),

product_map as (

    select * from {{ ref('int_products_categorized') }}

),

taxonomy as (

    select * from {{ ref('stg_reference__category_taxonomy') }}

),

mapped as (

    select
        lines.*,
        coalesce(by_sku.product_id, by_seller_sku.product_id) as mapped_product_id,
    from lines
    left join product_map as by_sku
        on (lines.channel = 'tiktok_shop' and by_sku.tiktok_sku_id = lines.channel_sku)
        or (lines.channel = 'amazon' and by_sku.asin = lines.channel_sku)
        or (lines.channel = 'shopify' and by_sku.shopify_sku = lines.channel_sku)
    -- TikTok's Seller SKU is the seller's own code: a fallback when the SKU ID changed.
    left join product_map as by_seller_sku
        on lines.channel = 'tiktok_shop' and by_sku.product_id is null
        and by_seller_sku.tiktok_seller_sku = lines.seller_sku

),

identified as (

    select
        mapped.*,
        coalesce(
            mapped.mapped_product_id,
            'UNMAPPED:' || mapped.channel || ':' || coalesce(mapped.channel_sku, mapped.seller_sku, 'no-sku')
        ) as product_id,
        mapped.mapped_product_id is not null as is_mapped_product,
        coalesce(pm.product_name, mapped.product_name_as_exported) as product_name,
        -- A mapped product's category comes from the map alone (int_products_categorized, `unmapped` when
        -- the map cannot place it), so every model puts it in the same place; the export's TikTok
        -- category only places SKUs missing from the map.
        coalesce(pm.category_id, tiktok_tax.category_id, 'unmapped') as category_id,
        case
            when pm.product_id is not null then pm.category_assigned_by
            when tiktok_tax.category_id is not null then 'tiktok_shop_category'
            else 'none'
        end as category_assigned_by,
    from mapped
    left join product_map as pm on pm.product_id = mapped.mapped_product_id
    left join taxonomy as tiktok_tax
        on mapped.channel = 'tiktok_shop' and list_contains(tiktok_tax.tiktok_shop_categories, mapped.platform_category)

),

fx as (

    select * from {{ ref('stg_reference__fx_rates') }}

),

in_usd as (

    select
        identified.*,
        case when identified.currency = 'USD' then 1.0 else fx.usd_per_unit end as usd_per_unit,
    from identified
    left join fx
        on fx.currency = identified.currency and fx.rate_year = year(identified.order_date)

),

costs as (

    select * from {{ ref('stg_reference__unit_costs') }}

),

fees as (

    select * from {{ ref('stg_reference__fee_schedule') }}

),

-- The most specific fee row wins: a category override beats the channel-wide row.
fee_rows as (

    select
        in_usd.order_line_id,
        fees.fee_type,
        fees.fee_id,
        fees.rate,
        fees.fixed_usd,
    from in_usd
    inner join fees
        on fees.channel = in_usd.channel
        and in_usd.order_date between fees.valid_from and fees.valid_to
        and (fees.category_id is null or fees.category_id = in_usd.category_id)
        and fees.fee_type in ('referral', 'referral_minimum', 'payment_processing')
    qualify row_number() over (
        partition by in_usd.order_line_id, fees.fee_type order by fees.category_id nulls last
    ) = 1

),

fee_terms as (

    select
        order_line_id,
        max(case when fee_type = 'referral' then rate end) as referral_rate,
        max(case when fee_type = 'referral' then fixed_usd end) as referral_fixed_usd,
        max(case when fee_type = 'referral_minimum' then fixed_usd end) as referral_minimum_per_unit_usd,
        max(case when fee_type = 'payment_processing' then rate end) as payment_rate,
        max(case when fee_type = 'payment_processing' then fixed_usd end) as payment_fixed_per_order_usd,
        string_agg(fee_id, ',' order by fee_id) as fee_ids,
    from fee_rows
    group by order_line_id

),

affiliate as (

    select
        'tiktok_shop:' || order_id || '-' || sku_id as order_line_id,
        creator_username,
        case
            when order_status in ('Ineligible', 'Canceled', 'Cancelled') then 0.0
            else cast(coalesce(actual_commission_payment, est_standard_commission_payment, 0)
                      + coalesce(actual_shop_ads_commission_payment, est_shop_ads_commission_payment, 0) as double)
        end as commission,
        coalesce(currency_of_amounts, currency, 'USD') as commission_currency,
    from {{ ref('stg_tiktok__affiliate_orders') }}

),

amounts as (

    select
        l.*,
        l.is_cancelled = false as is_sold,
        l.list_subtotal * l.usd_per_unit as list_subtotal_usd,
        l.gmv_platform * l.usd_per_unit as gmv_usd,
        l.seller_discount * l.usd_per_unit as seller_discount_usd,
        l.platform_discount * l.usd_per_unit as platform_discount_usd,
        -- What the seller is owed for the goods: the platform pays its own discounts back.
        case when l.is_cancelled then 0.0 else (l.list_subtotal - l.seller_discount) * l.usd_per_unit end
            as net_sales_usd,
        l.shipping_charged * l.usd_per_unit as shipping_charged_usd,
        l.taxes * l.usd_per_unit as taxes_usd,
        l.buyer_paid * l.usd_per_unit as buyer_paid_usd,
        l.refunded * l.usd_per_unit as refunds_usd,
        case when l.is_cancelled then 0.0 else l.refunded * l.usd_per_unit end as return_refunds_usd,
        c.unit_cost_id,
        c.unit_cogs_usd,
        case
            when l.channel = 'tiktok_shop' and l.fulfilment_type = 'platform' then c.tiktok_fbt_fulfilment_usd
            when l.channel = 'tiktok_shop' then c.tiktok_fbs_fulfilment_usd
            when l.channel = 'amazon' and l.fulfilment_type = 'platform' then c.amazon_fba_fulfilment_usd
            when l.channel = 'amazon' then c.amazon_fbm_fulfilment_usd
            else c.shopify_fulfilment_usd
        end as unit_fulfilment_usd,
        f.referral_rate,
        f.referral_fixed_usd,
        f.referral_minimum_per_unit_usd,
        f.payment_rate,
        f.payment_fixed_per_order_usd,
        f.fee_ids,
        a.creator_username as affiliate_creator,
        coalesce(a.commission, 0.0) * coalesce(
            case when upper(a.commission_currency) = 'USD' then 1.0 end, l.usd_per_unit
        ) as affiliate_commission_usd,
    from in_usd as l
    left join costs as c
        on c.product_id = l.product_id and l.order_date between c.valid_from and c.valid_to
    left join fee_terms as f on f.order_line_id = l.order_line_id
    left join affiliate as a on a.order_line_id = l.order_line_id

)

select
    *,
    case
        when is_cancelled then 0.0
        else greatest(
            coalesce(referral_rate, 0) * net_sales_usd + coalesce(referral_fixed_usd, 0) * units_not_cancelled,
            coalesce(referral_minimum_per_unit_usd, 0) * units_not_cancelled
        )
    end as referral_fee_usd,
    case
        when is_cancelled then 0.0
        else coalesce(payment_rate, 0) * buyer_paid_usd
            -- The per-transaction fixed part is an order amount: split like the other order amounts.
            + coalesce(payment_fixed_per_order_usd, 0) * coalesce(
                buyer_paid_usd / nullif(sum(buyer_paid_usd) over (partition by order_id), 0),
                1.0 / lines_in_order
            )
    end as payment_fee_usd,
    coalesce(unit_fulfilment_usd, 0) * units_not_cancelled as fulfilment_cost_usd,
    -- Returned units are written off (not resold): their cost stays in COGS.
    coalesce(unit_cogs_usd, 0) * units_not_cancelled as cogs_usd,
from amounts
