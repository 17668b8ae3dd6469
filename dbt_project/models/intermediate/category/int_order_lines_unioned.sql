-- Every channel's order lines in one shape, amounts still in the export's currency.
-- Order-level amounts (TikTok repeats them on every SKU line; Shopify staging copies them from the
-- first line) are split across the order's lines by `allocation_weight`, so summing a column over
-- the lines of an order gives the order's amount exactly once.
-- Shopify orders copied in by the TikTok Shop channel app are left out: they are TikTok orders,
-- counted on tiktok_shop from the TikTok export.

with amazon_returns as (

    -- Returned units per order and SKU from the FBA customer returns report.
    select order_id, sku, sum(quantity) as units_returned
    from {{ ref('stg_amazon__fba_returns') }}
    group by order_id, sku

),

amazon_refunds as (

    -- What the buyer got back per order and SKU: the Transaction report's Refund rows (goods, shipping and
    -- gift wrap with their taxes, after the seller's promotions), as a positive amount.
    select order_id, sku, -sum(buyer_amount) as refunded
    from {{ ref('stg_amazon__transactions') }}
    where transaction_kind = 'refund' and order_id is not null
    group by order_id, sku

),

amazon_settlement_loaded as (

    select
        (select count(*) from {{ ref('stg_amazon__fba_returns') }}) > 0 as has_returns_report,
        (select count(*) from {{ ref('stg_amazon__transactions') }}) > 0 as has_transaction_report,

),

tiktok as (

    select
        'tiktok_shop' as channel,
        order_id as source_order_id,
        order_line_id as source_line_key,
        line_in_order,
        created_time as ordered_at_local,
        order_status,
        order_status = 'Cancelled' as is_cancelled,
        sku_id as channel_sku,
        seller_sku,
        product_id as tiktok_product_id,
        product_category as platform_category,
        product_name as product_name_as_exported,
        case when fulfillment_type ilike '%by tiktok%' then 'platform' else 'seller' end as fulfilment_type,
        coalesce(currency, 'USD') as currency,
        quantity as units_ordered,
        case when order_status = 'Cancelled' then 0 else quantity end as units_not_cancelled,
        cast(coalesce(sku_quantity_of_return, 0) as double) as units_returned,
        cast(coalesce(sku_subtotal_before_discount, 0) as double) as list_subtotal,
        cast(coalesce(sku_seller_discount, 0) as double) as seller_discount,
        cast(coalesce(sku_platform_discount, 0) as double) as platform_discount,
        -- Seller Center / Data Compass GMV: before platform discounts, after the seller's own, with
        -- cancelled and refunded orders still in.
        cast(coalesce(sku_subtotal_before_discount, 0) - coalesce(sku_seller_discount, 0) as double) as gmv_platform,
        cast(coalesce(shipping_fee_after_discount, 0) as double) as order_shipping_charged,
        cast(coalesce(taxes, 0) as double) as order_taxes,
        cast(coalesce(order_refund_amount, 0) as double) as order_refund,
        cast(coalesce(order_amount, 0) as double) as order_amount,
        0.0 as order_discount,
        -- Value of the returned units: an order's refund goes to the lines whose units came back.
        coalesce(sku_subtotal_after_discount, 0) * coalesce(sku_quantity_of_return, 0) / nullif(quantity, 0)
            as returned_value,
        cast(null as double) as line_refund_value,
        coalesce(sku_subtotal_before_discount, 0) as allocation_basis,
        true as returns_in_export,
        nullif(trim(creator_handle), '') as creator_handle,
        cast(null as varchar) as discount_code,
        false as has_tiktok_utm,
    from {{ ref('stg_tiktok__orders') }}

),

amazon as (

    select
        'amazon' as channel,
        amazon_order_id as source_order_id,
        order_item_key as source_line_key,
        line_in_order,
        {{ to_seller_time("purchase_date") }} as ordered_at_local,
        order_status,
        order_status = 'Cancelled' as is_cancelled,
        asin as channel_sku,
        o.sku as seller_sku,
        cast(null as varchar) as tiktok_product_id,
        cast(null as varchar) as platform_category,
        product_name as product_name_as_exported,
        case when fulfillment_channel ilike 'amazon%' or fulfillment_channel = 'AFN' then 'platform' else 'seller' end
            as fulfilment_type,
        coalesce(currency_of_amounts, currency, 'USD') as currency,
        coalesce(quantity, 0) as units_ordered,
        case when order_status = 'Cancelled' then 0 else coalesce(quantity, 0) end as units_not_cancelled,
        -- From the FBA customer returns report (0 when the seller has not loaded it: then
        -- returns_in_export is false and every return rate stays null, never 0 %).
        cast(case when o.order_status = 'Cancelled' then 0 else least(coalesce(r.units_returned, 0), coalesce(quantity, 0)) end
             as double) as units_returned,
        cast(coalesce(item_price, 0) as double) as list_subtotal,
        -- Amazon promotions in this report are set up and paid for by the seller.
        cast(coalesce(item_promotion_discount, 0) as double) as seller_discount,
        0.0 as platform_discount,
        -- Amazon's ordered product sales: item price of the units ordered (blank, so 0, once cancelled).
        cast(coalesce(item_price, 0) as double) as gmv_platform,
        cast(coalesce(shipping_price, 0) - coalesce(ship_promotion_discount, 0) as double) as order_shipping_charged,
        cast(coalesce(item_tax, 0) + coalesce(shipping_tax, 0) + coalesce(gift_wrap_tax, 0) as double) as order_taxes,
        -- The Transaction report's Refund rows; without that report, the returned units valued at what the
        -- buyer paid for them (an estimate until the refund rows are loaded).
        cast(coalesce(
            f.refunded,
            case when not loaded.has_transaction_report and r.units_returned > 0 then
                (coalesce(item_price, 0) - coalesce(item_promotion_discount, 0) + coalesce(item_tax, 0))
                * least(r.units_returned, quantity) / nullif(quantity, 0)
            end,
            0
        ) as double) as order_refund,
        cast(coalesce(item_price, 0) + coalesce(shipping_price, 0) + coalesce(gift_wrap_price, 0)
             + coalesce(item_tax, 0) + coalesce(shipping_tax, 0) + coalesce(gift_wrap_tax, 0)
             - coalesce(item_promotion_discount, 0) - coalesce(ship_promotion_discount, 0) as double) as order_amount,
        0.0 as order_discount,
        cast(null as double) as returned_value,
        cast(null as double) as line_refund_value,
        coalesce(item_price, 0) as allocation_basis,
        -- Amazon returns live in a separate report (FBA customer returns): known only once it is loaded.
        loaded.has_returns_report as returns_in_export,
        cast(null as varchar) as creator_handle,
        cast(null as varchar) as discount_code,
        false as has_tiktok_utm,
    from {{ ref('stg_amazon__orders') }} as o
    cross join amazon_settlement_loaded as loaded
    left join amazon_returns as r on r.order_id = o.amazon_order_id and r.sku = o.sku
    left join amazon_refunds as f on f.order_id = o.amazon_order_id and f.sku = o.sku

),

shopify as (

    select
        'shopify' as channel,
        order_name as source_order_id,
        order_line_key as source_line_key,
        line_in_order,
        {{ to_seller_time("created_at") }} as ordered_at_local,
        financial_status as order_status,
        financial_status = 'voided' or cancelled_at is not null as is_cancelled,
        lineitem_sku as channel_sku,
        lineitem_sku as seller_sku,
        cast(null as varchar) as tiktok_product_id,
        cast(null as varchar) as platform_category,
        lineitem_name as product_name_as_exported,
        'seller' as fulfilment_type,
        coalesce(currency, currency_of_amounts, 'USD') as currency,
        lineitem_quantity as units_ordered,
        case when financial_status = 'voided' or cancelled_at is not null then 0 else lineitem_quantity end
            as units_not_cancelled,
        -- Filled in below from the order's refunded amount: the export has no per-line refund.
        0.0 as units_returned,
        cast(coalesce(lineitem_price, 0) * lineitem_quantity as double) as list_subtotal,
        0.0 as seller_discount,
        0.0 as platform_discount,
        -- Shopify's gross sales: line price × quantity, before discounts and returns.
        cast(coalesce(lineitem_price, 0) * lineitem_quantity as double) as gmv_platform,
        cast(coalesce(shipping, 0) as double) as order_shipping_charged,
        cast(coalesce(taxes, 0) as double) as order_taxes,
        cast(coalesce(refunded_amount, 0) as double) as order_refund,
        cast(coalesce(total, 0) as double) as order_amount,
        -- Shopify discounts are the seller's own (codes, automatic discounts); order-level here.
        cast(coalesce(discount_amount, 0) as double) as order_discount,
        cast(null as double) as returned_value,
        -- What refunding the whole line gives back: its price after discount plus its share of tax.
        (coalesce(lineitem_price, 0) * lineitem_quantity - coalesce(lineitem_discount, 0))
            * (1 + coalesce(taxes, 0) / nullif(subtotal, 0)) as line_refund_value,
        coalesce(lineitem_price, 0) * lineitem_quantity as allocation_basis,
        true as returns_in_export,
        -- Creator codes (TIKTOK-<HANDLE>15) and the creator's utm_campaign name the TikTok creator.
        coalesce(
            nullif(lower(regexp_extract(discount_code, '^TIKTOK-([A-Za-z0-9_.]+?)[0-9]*$', 1)), ''),
            nullif(regexp_extract(note_attributes_attribution, 'utm_campaign:\s*(\S+)', 1), '')
        ) as creator_handle,
        nullif(trim(discount_code), '') as discount_code,
        coalesce(note_attributes_attribution ilike '%utm_source: tiktok%' or tags ilike '%tiktok traffic%', false)
            as has_tiktok_utm,
    from {{ ref('stg_shopify__order_lines') }}
    where not is_tiktok_shop_sync

),

unioned as (

    select * from tiktok
    union all by name
    select * from amazon
    union all by name
    select * from shopify

),

matched as (

    select
        *,
        coalesce(order_refund > 0 and abs(line_refund_value - order_refund) <= 0.011, false) as refund_matches_line,
    from unioned

),

-- Each line's share of its order, from windows over a few narrow columns joined back by the line key: the
-- same windows over `matched` held every one of its ~40 columns (2.7 of 3.5 operator-seconds on a 10x world).
order_shares as (

    select
        channel,
        source_line_key,
        case when refund_matches_line then
            row_number() over (
                partition by channel, source_order_id, refund_matches_line order by line_in_order, source_line_key
            )
        end as refund_match_rank,
        sum(allocation_basis) over orders as order_allocation_basis,
        bool_or(refund_matches_line) over orders as order_has_line_matching_refund,
        sum(returned_value) over orders as order_returned_value,
        sum(line_refund_value) over orders as order_line_refund_value,
        count(*) over orders as lines_in_order,
        row_number() over (partition by channel, source_order_id order by line_in_order, source_line_key) = 1
            as is_first_line_of_order,
    from matched
    window orders as (partition by channel, source_order_id)

),

weighted as (

    select
        matched.*,
        shares.refund_match_rank,
        case
            -- Amazon's amounts are already per item: nothing to split.
            when channel = 'amazon' then 1.0
            -- Equal shares when the order has no priced line.
            else coalesce(
                allocation_basis / nullif(shares.order_allocation_basis, 0),
                1.0 / shares.lines_in_order
            )
        end as allocation_weight,
        case
            when channel = 'amazon' then 1.0
            -- Shopify refunds whole lines: a line whose full refund equals the order's refund takes it all.
            when channel = 'shopify' and shares.order_has_line_matching_refund
                then case when shares.refund_match_rank = 1 then 1.0 else 0.0 end
            else coalesce(
                returned_value / nullif(shares.order_returned_value, 0),
                line_refund_value / nullif(shares.order_line_refund_value, 0),
                allocation_basis / nullif(shares.order_allocation_basis, 0),
                1.0 / shares.lines_in_order
            )
        end as refund_allocation_weight,
        shares.lines_in_order,
        shares.is_first_line_of_order,
    from matched
    inner join order_shares as shares using (channel, source_line_key)

)

select
    channel || ':' || source_line_key as order_line_id,
    channel || ':' || source_order_id as order_id,
    channel,
    source_order_id,
    source_line_key,
    line_in_order,
    lines_in_order,
    is_first_line_of_order,
    ordered_at_local,
    cast(ordered_at_local as date) as order_date,
    cast(date_trunc('month', ordered_at_local) as date) as order_month,
    order_status,
    is_cancelled,
    channel_sku,
    seller_sku,
    tiktok_product_id,
    platform_category,
    product_name_as_exported,
    fulfilment_type,
    upper(currency) as currency,
    units_ordered,
    units_not_cancelled,
    list_subtotal,
    seller_discount
        -- Shopify's order discount is split over the lines like every other order-level amount.
        + order_discount * allocation_weight as seller_discount,
    platform_discount,
    gmv_platform,
    order_shipping_charged * allocation_weight as shipping_charged,
    order_taxes * allocation_weight as taxes,
    order_amount * allocation_weight as buyer_paid,
    order_refund * refund_allocation_weight as refunded,
    case
        when channel <> 'shopify' then units_returned
        when is_cancelled or order_refund <= 0 then 0.0
        -- Shopify refunds whole lines; the refunded share of the line's full refund value, capped at
        -- the line, is the returned share of its units.
        -- Rounded: price × (1 + tax ratio) is not exact in binary, and a whole line must read as whole units.
        else round(units_ordered * coalesce(
            least(1.0, order_refund * refund_allocation_weight / nullif(line_refund_value, 0)), 0
        ), 6)
    end as units_returned,
    returns_in_export,
    creator_handle,
    discount_code,
    has_tiktok_utm,
from weighted
