-- Which article calls a category hot, an opportunity or a risk (seeds/articles/category_signals.csv).
-- Read straight from the repository file because the registry loader does not load this file yet
-- (dbt runs with the dbt project folder as its working directory, in Dagster and by hand); the
-- relationships tests on source_id / claim ids stand in for the loader's validation meanwhile.
with signals as (
    select *
    from read_csv(
        '../seeds/articles/category_signals.csv',
        header = true, all_varchar = true, delim = ',', quote = '"'
    )
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
