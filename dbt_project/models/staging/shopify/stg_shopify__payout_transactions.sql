-- Shopify Payments balance transactions (charges, refunds, adjustments, chargebacks, payouts), each once
-- across overlapping downloads. Fee is positive when charged to the seller; Net = Amount - Fee.
with source as (

    select * from {{ source('shopify', 'shopify_payouts') }}

),

deduped as (

    {{ settlement_rows('source', ['transaction_date', 'type', 'order_name', 'payout_id', 'amount', 'fee', 'net',
                                  'checkout']) }}

)

select
        'shopify:' || coalesce(payout_id, 'pending') || ':' || _row_hash || ':' || _occurrence as payout_transaction_id,
        transaction_date,
        cast({{ to_seller_time("transaction_date") }} as date) as transaction_date_local,
        lower(type) as transaction_type,
        nullif(order_name, '') as order_name,
        card_brand,
        card_source,
        payout_status,
        payout_date,
        payout_id,
        available_on,
        amount,
        fee,
        net,
        checkout,
        payment_method_name,
        presentment_amount,
        presentment_currency,
        upper(coalesce(currency, _currency, 'USD')) as currency,
        {{ load_metadata() }}
from deduped
