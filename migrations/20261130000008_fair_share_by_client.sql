-- Who a job counts against when the queue shares workers fairly: a user's
-- tasks count against the user; anonymous tasks against the client address
-- that started their series (an IPv6 client by its /64), so a flood of
-- cookieless uploads from one address is one owner, not thousands.
CREATE FUNCTION task_fair_share_key(t tasks)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN t.user_id IS NOT NULL THEN 'user:' || t.user_id
        ELSE coalesce(
            (SELECT 'ip:' || CASE WHEN family(s.ip) = 6
                                  THEN network(set_masklen(s.ip, 64))::text
                                  ELSE host(s.ip) END
             FROM session_series s
             WHERE s.id = t.series_id AND s.ip IS NOT NULL),
            'series:' || t.series_id)
    END
$$;

