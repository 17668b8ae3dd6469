select
    source_id,
    title as article_title,
    outlet,
    author,
    published,
    cast(left(published, 4) as integer) as published_year,
    language,
    document_file,
    _loaded_at as loaded_at,
from {{ source('articles', 'article_sources') }}
