-- Amazon payments Transaction (Date Range) report rows, each once across overlapping date ranges.
-- `transaction_kind` classifies Amazon's open list of types; `buyer_amount` is what the buyer paid
-- (or got back, negative on refunds) for goods, shipping and gift wrap with their taxes, after the
-- seller's promotions.
with source as (

    select * from {{ source('amazon', 'amazon_transactions') }}

),

deduped as (

    {{ settlement_rows('source', ['date_time', 'settlement_id', 'type', 'order_id', 'sku', 'description', 'quantity',
                                  'product_sales', 'selling_fees', 'fba_fees', 'other_transaction_fees', 'other', 'total']) }}

)

select
        'amazon:' || coalesce(settlement_id, 'unsettled') || ':' || _row_hash || ':' || _occurrence as transaction_id,
        date_time as posted_at,
        cast({{ to_seller_time("date_time") }} as date) as posted_date_local,
        settlement_id,
        type as transaction_type,
        case
            when type = 'Order' then 'order'
            when type = 'Refund' then 'refund'
            when type = 'Transfer' then 'transfer'
            when type = 'Adjustment' and lower(description) like '%reimburs%' then 'reimbursement'
            when type = 'Adjustment' then 'adjustment'
            when lower(type) like '%chargeback%' or lower(type) like '%a-to-z%' then 'chargeback'
            when lower(type) like '%liquidation%' then 'liquidation'
            when lower(type) like '%fee%' or lower(type) like '%subscription%' then 'fee'
            else 'other'
        end as transaction_kind,
        nullif(order_id, '') as order_id,
        sku,
        description,
        quantity,
        marketplace,
        account_type,
        fulfillment,
        order_state,
        order_zip3,
        tax_collection_model,
        product_sales,
        product_sales_tax,
        shipping_credits,
        shipping_credits_tax,
        gift_wrap_credits,
        giftwrap_credits_tax,
        regulatory_fee,
        tax_on_regulatory_fee,
        promotional_rebates,
        promotional_rebates_tax,
        marketplace_withheld_tax,
        selling_fees,
        fba_fees,
        other_transaction_fees,
        other,
        total,
        coalesce(product_sales, 0) + coalesce(product_sales_tax, 0) + coalesce(shipping_credits, 0)
            + coalesce(shipping_credits_tax, 0) + coalesce(gift_wrap_credits, 0) + coalesce(giftwrap_credits_tax, 0)
            + coalesce(promotional_rebates, 0) + coalesce(promotional_rebates_tax, 0) as buyer_amount,
        coalesce(selling_fees, 0) + coalesce(fba_fees, 0) + coalesce(other_transaction_fees, 0)
            + coalesce(regulatory_fee, 0) + coalesce(tax_on_regulatory_fee, 0) as fees,
        coalesce(transaction_status, 'Released') as transaction_status,
        transaction_status is not null as has_posted_date_columns,
        transaction_release_date,
        coalesce(_currency, 'USD') as currency,
        {{ load_metadata() }}
from deduped
