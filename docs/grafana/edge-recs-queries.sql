-- Grafana queries over the Worker's Analytics Engine dataset `edge_recs_requests` (binding METRICS_AE),
-- for a dashboard on the Analytics Engine SQL API (Altinity ClickHouse plugin; URL
-- https://api.cloudflare.com/client/v4/accounts/<account_id>/analytics_engine/sql, header
-- "Authorization: Bearer <token with Account Analytics Read>"). docs/operations.md explains each panel.
--
-- One row per API request. Field positions (defined once in shared/metrics/analytics-engine-layout.ts):
--   index1  route family (recommendations, events, similar, trending, users, admin, other) — sampling key
--   blob1 route · blob2 method · blob3 status ("200") · blob4 status class ("2xx") · blob5 surface
--   blob6 ranker · blob7 release · blob8 model version · blob9 arms ("exp=arm,…")
--   blob10 fallbacks ("stage/reason/used,…") · blob11 posted event types ("click,view") · blob12 colo
--   double1 duration ms · double2 lists · double3 items · double4 empty lists · double5 fallbacks
--   double6 session ms · double7 user_record ms · double8 candidates ms · double9 exploration ms
--   double10 item_vectors ms · double11 rank ms · double12 rerank ms · double13 funnel total ms
--   double14 events accepted · double15 duplicate · double16 rejected · double17 failed
--   double18 subrequests · double19 release age s · double20 user record age s
--
-- Analytics Engine samples rows: weight every count and sum by _sample_interval. Each query reads the
-- last hour; in Grafana replace the time condition with the plugin's macro ($timeFilter) and the
-- minute bucket with $timeSeries if you prefer.

-- Requests per minute by route and status class.
SELECT intDiv(toUInt32(timestamp), 60) * 60 AS t, blob1 AS route, blob4 AS status_class,
       SUM(_sample_interval) AS requests
FROM edge_recs_requests
WHERE timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY t, route, status_class
ORDER BY t;

-- 5xx share of all API requests per minute (the Worker promises none from a fallback).
SELECT intDiv(toUInt32(timestamp), 60) * 60 AS t,
       SUM(IF(blob4 = '5xx', _sample_interval, 0)) / SUM(_sample_interval) AS error_rate
FROM edge_recs_requests
WHERE timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY t
ORDER BY t;

-- Recommendation latency p50 / p99 per minute (alert: p99 over the budget, docs/operations.md).
SELECT intDiv(toUInt32(timestamp), 60) * 60 AS t,
       quantileExactWeighted(0.5)(double1, _sample_interval) AS p50_ms,
       quantileExactWeighted(0.99)(double1, _sample_interval) AS p99_ms
FROM edge_recs_requests
WHERE index1 = 'recommendations' AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY t
ORDER BY t;

-- p99 of each funnel stage over the last hour (which stage eats the budget).
SELECT quantileExactWeighted(0.99)(double6, _sample_interval) AS session_p99_ms,
       quantileExactWeighted(0.99)(double7, _sample_interval) AS user_record_p99_ms,
       quantileExactWeighted(0.99)(double8, _sample_interval) AS candidates_p99_ms,
       quantileExactWeighted(0.99)(double9, _sample_interval) AS exploration_p99_ms,
       quantileExactWeighted(0.99)(double10, _sample_interval) AS item_vectors_p99_ms,
       quantileExactWeighted(0.99)(double11, _sample_interval) AS rank_p99_ms,
       quantileExactWeighted(0.99)(double12, _sample_interval) AS rerank_p99_ms,
       quantileExactWeighted(0.99)(double13, _sample_interval) AS funnel_total_p99_ms
FROM edge_recs_requests
WHERE index1 = 'recommendations' AND timestamp > NOW() - INTERVAL '1' HOUR;

-- Fallback rate per minute: share of recommendation requests that took at least one rung, and by stage.
SELECT intDiv(toUInt32(timestamp), 60) * 60 AS t,
       SUM(IF(double5 > 0, _sample_interval, 0)) / SUM(_sample_interval) AS with_fallback,
       SUM(IF(position(blob10, 'session/') > 0, _sample_interval, 0)) / SUM(_sample_interval) AS session,
       SUM(IF(position(blob10, 'user_vector/') > 0, _sample_interval, 0)) / SUM(_sample_interval) AS user_vector,
       SUM(IF(position(blob10, 'candidates/') > 0, _sample_interval, 0)) / SUM(_sample_interval) AS candidates,
       SUM(IF(position(blob10, 'trending/') > 0, _sample_interval, 0)) / SUM(_sample_interval) AS trending,
       SUM(IF(position(blob10, 'popular/') > 0, _sample_interval, 0)) / SUM(_sample_interval) AS popular,
       SUM(IF(position(blob10, 'ranker/') > 0, _sample_interval, 0)) / SUM(_sample_interval) AS ranker,
       SUM(IF(position(blob10, 'rerank/') > 0, _sample_interval, 0)) / SUM(_sample_interval) AS rerank
FROM edge_recs_requests
WHERE index1 = 'recommendations' AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY t
ORDER BY t;

-- Which ranker served, per release (a sidecar outage shows as light / retrieval_order).
SELECT blob7 AS release, blob6 AS ranker, SUM(_sample_interval) AS lists
FROM edge_recs_requests
WHERE index1 = 'recommendations' AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY release, ranker
ORDER BY lists DESC;

-- Items returned and empty-list rate per surface per minute.
SELECT intDiv(toUInt32(timestamp), 60) * 60 AS t, blob5 AS surface,
       SUM(_sample_interval * double3) AS items,
       SUM(_sample_interval * double4) / SUM(_sample_interval * double2) AS empty_list_rate
FROM edge_recs_requests
WHERE double2 > 0 AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY t, surface
ORDER BY t;

-- Posted events by outcome per minute.
SELECT intDiv(toUInt32(timestamp), 60) * 60 AS t,
       SUM(_sample_interval * double14) AS accepted,
       SUM(_sample_interval * double15) AS duplicate,
       SUM(_sample_interval * double16) AS rejected,
       SUM(_sample_interval * double17) AS failed
FROM edge_recs_requests
WHERE index1 = 'events' AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY t
ORDER BY t;

-- Canary against control: latency, empty lists and fallbacks per release.
SELECT blob7 AS release,
       SUM(_sample_interval) AS requests,
       quantileExactWeighted(0.99)(double1, _sample_interval) AS p99_ms,
       SUM(_sample_interval * double4) / SUM(_sample_interval * double2) AS empty_list_rate,
       SUM(IF(double5 > 0, _sample_interval, 0)) / SUM(_sample_interval) AS fallback_rate
FROM edge_recs_requests
WHERE index1 = 'recommendations' AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY release
ORDER BY requests DESC;

-- Freshness per minute: age of the serving release and of users' trained records when served (0 = unknown).
SELECT intDiv(toUInt32(timestamp), 60) * 60 AS t,
       SUM(IF(double19 > 0, _sample_interval * double19, 0)) / SUM(IF(double19 > 0, _sample_interval, 0)) / 3600 AS release_age_h,
       SUM(IF(double20 > 0, _sample_interval * double20, 0)) / SUM(IF(double20 > 0, _sample_interval, 0)) / 3600 AS user_record_age_h
FROM edge_recs_requests
WHERE index1 = 'recommendations' AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY t
ORDER BY t;

-- Slowest data centres by recommendation p99 (needs traffic in each).
SELECT blob12 AS colo, SUM(_sample_interval) AS requests,
       quantileExactWeighted(0.99)(double1, _sample_interval) AS p99_ms
FROM edge_recs_requests
WHERE index1 = 'recommendations' AND timestamp > NOW() - INTERVAL '1' HOUR
GROUP BY colo
ORDER BY p99_ms DESC
LIMIT 20;
