//! The other teams' tables the maintenance commands are tested on, with the DDL as their
//! documents give it (`/work/shared/seeds/`): AIECS's `task_history` (004, asyncpg's
//! `_create_tables`), CozyChat's `system_metrics` (002, section 3.6) and AstrBot's range
//! partitioned `messages` (003, "数据分区策略"). Only what PostgreSQL needs was left out (the
//! AstrBot DDL's `-- 其他字段...` placeholder line).

#![allow(dead_code)]

use towow_db::connect::Db;

use crate::common::exec;

/// AIECS: `task_history`, serial primary key, `timestamp TIMESTAMP` (a column named like a type).
pub const AIECS_TASK_HISTORY: &str = "
CREATE TABLE IF NOT EXISTS task_history (
    id SERIAL PRIMARY KEY,
    user_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    result JSONB NOT NULL,
    timestamp TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
);

-- 创建索引优化查询性能
CREATE INDEX IF NOT EXISTS idx_task_history_user_id ON task_history (user_id);
CREATE INDEX IF NOT EXISTS idx_task_history_task_id ON task_history (task_id);
CREATE INDEX IF NOT EXISTS idx_task_history_status ON task_history (status);
CREATE INDEX IF NOT EXISTS idx_task_history_timestamp ON task_history (timestamp);

-- 复合索引优化常见查询
CREATE INDEX IF NOT EXISTS idx_task_history_user_task ON task_history (user_id, task_id);
CREATE INDEX IF NOT EXISTS idx_task_history_user_timestamp ON task_history (user_id, timestamp DESC);
";

/// AIECS's `task_history` with `n` rows, row `g` (its id) dated by the SQL expression `timestamp`
/// of `g`: seven users, a task each, steps 0 to 4.
pub async fn task_history_rows(db: &Db, n: i64, timestamp: &str) {
    exec(db, AIECS_TASK_HISTORY).await;
    exec(
        db,
        &format!(
            "INSERT INTO task_history (user_id, task_id, step, result, timestamp, status) \
             SELECT 'user_' || (g % 7), 'task_' || g, g % 5, jsonb_build_object('step', g), {timestamp}, 'completed' \
             FROM generate_series(1, {n}) g"
        ),
    )
    .await;
}

/// CozyChat: `system_metrics`, UUID primary key (no order to walk by time), `TIMESTAMP` column.
pub const COZYCHAT_SYSTEM_METRICS: &str = "
CREATE TABLE system_metrics (
    -- 主键
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),

    -- 指标类型
    metric_type VARCHAR(50) NOT NULL, -- cpu / memory / disk / api / db

    -- 指标数据（JSONB）
    metrics JSONB NOT NULL,

    -- 时间戳
    recorded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- 索引
CREATE INDEX idx_system_metrics_type ON system_metrics(metric_type);
CREATE INDEX idx_system_metrics_recorded_at ON system_metrics(recorded_at DESC);
";

/// AstrBot: `messages`, range partitioned by month on `created_at`, no primary key (batches go
/// by ctid), and its composite index.
pub const ASTRBOT_MESSAGES: &str = "
CREATE TABLE messages (
    id BIGSERIAL,
    tenant_id UUID NOT NULL,
    session_id VARCHAR(255),
    content TEXT,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
) PARTITION BY RANGE (created_at);

CREATE INDEX idx_messages_tenant_session_time
ON messages (tenant_id, session_id, created_at DESC);
";

/// `messages_YYYY_MM`, the document's own example's form, for the month starting `first` (a date).
pub fn month_partition(first: &str) -> String {
    let (y, m) = (&first[..4], &first[5..7]);
    let (ny, nm) = if m == "12" {
        ((y.parse::<i32>().unwrap() + 1).to_string(), "01".to_string())
    } else {
        (y.to_string(), format!("{:02}", m.parse::<u32>().unwrap() + 1))
    };
    format!(
        "CREATE TABLE messages_{y}_{m} PARTITION OF messages FOR VALUES FROM ('{first}') TO ('{ny}-{nm}-01');"
    )
}

/// AstrBot's `messages` with a partition for each month starting at one of `months`
/// (`2024-01-01`, …), and a default partition when asked.
pub async fn astrbot_messages(db: &Db, months: &[&str], default: bool) {
    exec(db, ASTRBOT_MESSAGES).await;
    for m in months {
        exec(db, &month_partition(m)).await;
    }
    if default {
        exec(db, "CREATE TABLE messages_default PARTITION OF messages DEFAULT").await;
    }
}

/// A row of `messages` at each `step` from `from` (inclusive) to `to` (exclusive), tenants from
/// md5 (no pgcrypto needed on 12).
pub async fn fill_messages(db: &Db, from: &str, to: &str, step: &str) {
    exec(
        db,
        &format!(
            "INSERT INTO messages (tenant_id, session_id, content, created_at) \
             SELECT md5((g.t)::text)::uuid, 's' || (extract(epoch FROM g.t)::int8 % 50), 'hello ' || g.t, g.t \
             FROM generate_series('{from}'::timestamptz, '{to}'::timestamptz - interval '1 microsecond', '{step}') AS g(t)"
        ),
    )
    .await;
}

#[test]
fn month_partitions_roll_over_the_year() {
    assert!(
        month_partition("2024-12-01").contains("messages_2024_12")
            && month_partition("2024-12-01").contains("'2025-01-01'")
    );
    assert!(month_partition("2024-09-01").contains("TO ('2024-10-01')"));
}
