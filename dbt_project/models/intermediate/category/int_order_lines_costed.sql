-- Order lines with their product, category, USD amounts and every cost the seller bears, each
-- looked up in the row in force on the order date (ids kept for tracing): unit costs from the seller's
-- catalogue, fees from the seller's overrides or else each platform's published rate card.

with lines as (

    select * from {{ ref('int_order_lines_unioned') }}

),

sku_keys as (

    select * from {{ ref('int_products__sku_keys') }}

),

products as (

    select * from {{ ref('int_products') }}

),

-- Every line belongs to a product (int_products__sku_keys: the catalogue's, or one discovered from its
-- SKU codes); its category is the product's, so every model puts a product in the same place.
identified as (

    select
        lines.*,
        products.product_id,
        products.is_in_catalogue as is_in_catalogue,
        sku_keys.matched_by as product_matched_by,
        products.product_name,
        products.category_id,
        products.category_assigned_by,
        products.amazon_size_tier,
    from lines
    inner join sku_keys
        on sku_keys.channel = lines.channel
        and sku_keys.channel_sku is not distinct from nullif(trim(lines.channel_sku), '')
        and sku_keys.seller_sku_norm is not distinct from {{ normalize_code('lines.seller_sku') }}
        and sku_keys.tiktok_product_id is not distinct from nullif(trim(lines.tiktok_product_id), '')
    inner join products on products.product_id = sku_keys.product_id

),

fx as (

    select * from {{ ref('stg_reference__fx_rates') }}

),

in_usd as (

    select
        identified.*,
        case when identified.currency = 'USD' then 1.0 else fx.usd_per_unit end as usd_per_unit,
        -- Item price after the seller's discount, in USD: what price-banded referral rates look at.
        (identified.list_subtotal - identified.seller_discount)
            * case when identified.currency = 'USD' then 1.0 else fx.usd_per_unit end
            / nullif(identified.units_ordered, 0) as unit_price_usd,
    from identified
    left join fx
        on fx.currency = identified.currency and fx.rate_year = year(identified.order_date)

),

costs as (

    select * from {{ ref('stg_catalogue__unit_costs') }}

),

fees as (

    select * from {{ ref('stg_reference__fee_schedule') }}

),

-- The most specific fee row in force wins: the seller's own rate before the platform's default, a
-- category's row before the all-categories row; price-banded rows (Amazon's 8 % up to $10) apply by the
-- unit price after the seller's discount. A fee depends on nothing of a line but these six keys, so it is
-- looked up once per distinct key (about 8 lines share one on a 10x world) and joined back.
fee_keys as (

    select distinct channel, order_date, category_id, amazon_size_tier, fulfilment_type, unit_price_usd
    from in_usd

),

fee_rows as (

    select
        k.*,
        fees.fee_type,
        fees.fee_id,
        fees.fee_origin,
        fees.rate,
        fees.fixed_usd,
    from fee_keys as k
    inner join fees
        on fees.channel = k.channel
        and k.order_date between fees.valid_from and fees.valid_to
        and (fees.category_id is null or fees.category_id = k.category_id)
        and fees.fee_type in ('referral', 'referral_minimum', 'payment_processing', 'fba_fulfilment')
        and (fees.size_tier is null or fees.size_tier = k.amazon_size_tier)
        and (fees.fee_type <> 'fba_fulfilment' or (fees.size_tier is not null and k.fulfilment_type = 'platform'))
        and (fees.min_item_price_usd is null or fees.min_item_price_usd = 0
             or k.unit_price_usd > fees.min_item_price_usd)
        and (fees.max_item_price_usd is null or coalesce(k.unit_price_usd, 0) <= fees.max_item_price_usd)
    qualify row_number() over (
        partition by k.channel, k.order_date, k.category_id, k.amazon_size_tier, k.fulfilment_type,
            k.unit_price_usd, fees.fee_type
        order by fees.fee_origin = 'seller' desc, fees.category_id nulls last, fees.valid_from desc, fees.fee_id
    ) = 1

),

fee_terms as (

    select
        channel, order_date, category_id, amazon_size_tier, fulfilment_type, unit_price_usd,
        max(case when fee_type = 'referral' then rate end) as referral_rate,
        max(case when fee_type = 'referral' then fixed_usd end) as referral_fixed_usd,
        max(case when fee_type = 'referral_minimum' then fixed_usd end) as referral_minimum_per_unit_usd,
        max(case when fee_type = 'payment_processing' then rate end) as payment_rate,
        max(case when fee_type = 'payment_processing' then fixed_usd end) as payment_fixed_per_order_usd,
        max(case when fee_type = 'fba_fulfilment' then fixed_usd end) as fba_rate_card_per_unit_usd,
        bool_or(fee_origin = 'seller') as has_seller_fee_override,
        string_agg(fee_id, ',' order by fee_id) as fee_ids,
    from fee_rows
    group by all

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

order_paid as (

    select order_id, sum(buyer_paid * usd_per_unit) as order_buyer_paid_usd
    from in_usd
    group by order_id

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
            -- FBA: the seller's per-unit figure, else the platform rate card for the product's size tier.
            when l.channel = 'amazon' and l.fulfilment_type = 'platform'
                then coalesce(c.amazon_fba_fulfilment_usd, f.fba_rate_card_per_unit_usd)
            when l.channel = 'amazon' then c.amazon_fbm_fulfilment_usd
            else c.shopify_fulfilment_usd
        end as unit_fulfilment_usd,
        c.cost_source,
        f.referral_rate,
        f.referral_fixed_usd,
        f.referral_minimum_per_unit_usd,
        f.payment_rate,
        f.payment_fixed_per_order_usd,
        f.fee_ids,
        coalesce(f.has_seller_fee_override, false) as has_seller_fee_override,
        a.creator_username as affiliate_creator,
        -- A cancelled order earns its creator nothing: the affiliate export can still show the commission as
        -- pending when it was downloaded before the cancellation reached it (an order cancelled on the last
        -- evening of the month), while the orders export already says Cancelled.
        case when l.is_cancelled then 0.0 else coalesce(a.commission, 0.0) end * coalesce(
            case when upper(a.commission_currency) = 'USD' then 1.0 end, l.usd_per_unit
        ) as affiliate_commission_usd,
    from in_usd as l
    left join costs as c
        on c.product_id = l.product_id and l.order_date between c.valid_from and c.valid_to
    left join fee_terms as f
        on f.channel = l.channel and f.order_date = l.order_date
        and f.category_id is not distinct from l.category_id
        and f.amazon_size_tier is not distinct from l.amazon_size_tier
        and f.fulfilment_type is not distinct from l.fulfilment_type
        and f.unit_price_usd is not distinct from l.unit_price_usd
    left join affiliate as a on a.order_line_id = l.order_line_id

)

select
    amounts.*,
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
                buyer_paid_usd / nullif(order_paid.order_buyer_paid_usd, 0),
                1.0 / lines_in_order
            )
    end as payment_fee_usd,
    coalesce(unit_fulfilment_usd, 0) * units_not_cancelled as fulfilment_cost_usd,
    -- Returned units are written off (not resold): their cost stays in COGS.
    coalesce(unit_cogs_usd, 0) * units_not_cancelled as cogs_usd,
    -- A line sold without a known unit COGS has no margin: "cost missing", kept out of margin totals
    -- (its revenue is reported as the share of revenue without costs), never an overstated margin.
    unit_cogs_usd is not null as has_cost,
from amounts
-- The order's total by a narrow aggregate joined back: a window over `amounts` held every one of its ~80
-- columns (9.6 of the model's 17.8 operator-seconds on a 10x world).
left join order_paid using (order_id)
