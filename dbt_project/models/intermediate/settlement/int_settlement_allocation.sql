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

by_sku as (

    select settled.*, lines.order_line_id, 1.0 as weight
    from settled
    inner join lines
        on lines.channel = settled.channel and lines.source_order_id = settled.source_order_id
        and lines.sku_key = settled.settled_sku

),

by_order as (

    select settled.*, lines.order_line_id, lines.weight_in_order as weight
    from settled
    inner join lines
        on lines.channel = settled.channel and lines.source_order_id = settled.source_order_id
    where not exists (
        select 1 from by_sku
        where by_sku.settlement_row_id = settled.settlement_row_id and by_sku.component = settled.component
    )

),

allocated as (

    select * from by_sku
    union all
    select * from by_order

)

select * from allocated
