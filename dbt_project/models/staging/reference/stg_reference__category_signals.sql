-- Which article calls a category hot, an opportunity or a risk (seeds/articles/category_signals.csv,
-- validated by Great Expectations and loaded by Dagster into raw.category_signals).
with signals as (
    select * from {{ source('reference', 'category_signals') }}
)

select
    trim(signal_id) as signal_id,
    trim(category_id) as category_id,
    trim(source_id) as source_id,
    trim(locator) as locator,
    trim(article_term) as article_term,
    trim(signal) as signal,
    trim(geography) as geography,
    trim(period) as period,
    trim(attributed_to) as attributed_to,
    list_filter(list_transform(string_split(coalesce(claim_ids, ''), '|'), lambda x: trim(x)), lambda x: x <> '') as claim_ids,
    trim(note) as note,
from signals
