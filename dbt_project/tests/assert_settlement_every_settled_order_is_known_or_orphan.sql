-- Every order a settlement row names either joins an order of the order exports or is listed as an
-- orphan in mart_settlement_exceptions: no settled money silently drops out of the reconciliation.
select distinct c.channel, c.order_id
from {{ ref('int_settlement_components') }} as c
where c.order_id is not null
    and c.component in ('sales', 'shipping', 'refunds', 'fees', 'adjustments')
    and not exists (select 1 from {{ ref('fct_orders') }} as o where o.order_id = c.order_id)
    and not exists (
        select 1 from {{ ref('mart_settlement_exceptions') }} as e
        where e.exception_kind = 'orphan_settlement' and e.order_id = c.order_id
    )
