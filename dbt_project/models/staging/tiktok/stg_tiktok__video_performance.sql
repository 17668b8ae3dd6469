-- Shoppable video performance per video and reporting period (Data Compass video list); when several files hold the same record, the newest file wins (macros/file_versions.sql: by what the files say, never by load order).
{{ newest_versions(source('tiktok', 'tiktok_video_performance'), 'video_link, _file_period_start, _file_period_end') }}

select
        video_link || '|' || coalesce(cast(_file_period_start as varchar), '') || '|' || coalesce(cast(_file_period_end as varchar), '') as video_period_key,
        video_name,
        video_link,
        video_post_date,
        creator_username,
        gmv,
        affiliate_shoppable_video_gmv,
        shoppable_video_impressions,
        affiliate_ctr,
        shoppable_video_gpm,
        video_duration_seconds,
        avg_watch_time_seconds,
        {{ period_report_end() }}
