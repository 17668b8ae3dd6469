-- Each order-level settlement component attached to the order line(s) it pays, with the share it pays.
-- TikTok Shop and Amazon settle per SKU line (matched on the SKU); Shopify per order, and a settlement
-- row naming no SKU (older TikTok files) or a SKU the order does not hold, is spread over the order's
-- lines by what the buyer paid for each (weights of one row add up to 1). Settlement rows whose order is
-- in no order export are not here: mart_settlement_exceptions lists them (kind `orphan_settlement`).

with lines as (

    select
        order_line_id,
        channel,
        source_order_id,
        case channel when 'tiktok_shop' then channel_sku when 'amazon' then seller_sku end as sku_key,
        coalesce(
            buyer_paid / nullif(sum(buyer_paid) over (partition by channel, source_order_id), 0),
            1.0 / count(*) over (partition by channel, source_order_id)
        ) as weight_in_order,
    from {{ ref('int_order_lines_unioned') }}

),

settled as (

    select * from {{ ref('int_settlement_components') }}
    where source_order_id is not null
        and component in ('sales', 'shipping', 'refunds', 'fees', 'adjustments', 'reimbursements')

),

-- Whether the order holds the row's SKU decides, per settlement row, which of the two ways it is attached.
-- Decided on the (channel, order, SKU) keys first: joining every row to all its order's lines and then taking
-- back the ones matched by SKU (an anti join) cost 3 of the model's 8 operator-seconds on a 10x world.
order_skus as (

    select distinct channel, source_order_id, sku_key from lines where sku_key is not null

),

keyed as (

    select settled.*, order_skus.sku_key is not null as order_holds_sku
    from settled
    left join order_skus
        on order_skus.channel = settled.channel and order_skus.source_order_id = settled.source_order_id
        and order_skus.sku_key = settled.settled_sku

),

by_sku as (

    select keyed.* exclude (order_holds_sku), lines.order_line_id, 1.0 as weight
    from keyed
    inner join lines
        on lines.channel = keyed.channel and lines.source_order_id = keyed.source_order_id
        and lines.sku_key = keyed.settled_sku
    where keyed.order_holds_sku

),

by_order as (

    select keyed.* exclude (order_holds_sku), lines.order_line_id, lines.weight_in_order as weight
    from keyed
    inner join lines
        on lines.channel = keyed.channel and lines.source_order_id = keyed.source_order_id
    where not keyed.order_holds_sku

),

allocated as (

    select * from by_sku
    union all
    select * from by_order

)

select * from allocated
