//! Mock agents: diverse as the ToWow document promises (ten `agent_type`s, each with capabilities,
//! pricing and config that fit it), in the shape ToWow's app reads for its user agents
//! (capabilities `skills`/`interests`/`location`/`availability`; config `user_id`/`display_name`/
//! `personality`/`decision_style`). A pure function of `(seed, index, locale, as_of)`.

use super::{DAY, Json, JsonBuf, Locale, RowRng, SECOND, Stream, Ts};

/// A word in both locales.
pub type Word = (&'static str, &'static str);

pub fn word(w: &Word, locale: Locale) -> &'static str {
    match locale {
        Locale::En => w.0,
        Locale::Zh => w.1,
    }
}

/// One agent type and what fits it.
pub struct AgentType {
    pub key: &'static str,
    pub label: Word,
    /// Weight among mock agents.
    pub weight: u32,
    pub skills: &'static [Word],
    /// Two type-specific capability lists (name, values), like the sample agents'
    /// `languages` / `specializations`.
    pub lists: [(&'static str, &'static [&'static str]); 2],
    /// Pricing unit and base rate range in USD.
    pub unit: &'static str,
    pub rate: (f64, f64),
}

pub const AGENT_TYPES: &[AgentType] = &[
    AgentType {
        key: "translator",
        label: ("Translator", "翻译专家"),
        weight: 14,
        skills: &[
            ("technical translation", "技术翻译"),
            ("localization", "本地化"),
            ("proofreading", "校对"),
            ("subtitling", "字幕翻译"),
            ("interpreting", "口译"),
            ("terminology management", "术语管理"),
            ("transcreation", "创译"),
        ],
        lists: [
            ("languages", &["en", "zh", "ja", "ko", "es", "fr", "de", "ru", "pt", "ar"]),
            (
                "specializations",
                &["technical", "legal", "medical", "marketing", "financial", "literary", "game"],
            ),
        ],
        unit: "word",
        rate: (0.03, 0.15),
    },
    AgentType {
        key: "developer",
        label: ("Developer", "开发工程师"),
        weight: 18,
        skills: &[
            ("backend development", "后端开发"),
            ("frontend development", "前端开发"),
            ("code review", "代码审查"),
            ("API design", "API 设计"),
            ("performance tuning", "性能优化"),
            ("testing", "测试"),
            ("DevOps", "运维部署"),
            ("mobile apps", "移动应用"),
        ],
        lists: [
            (
                "languages",
                &["python", "javascript", "typescript", "go", "rust", "java", "kotlin", "swift", "sql"],
            ),
            (
                "frameworks",
                &["fastapi", "django", "react", "nextjs", "vue", "spring", "flutter", "tokio", "gin"],
            ),
        ],
        unit: "hour",
        rate: (25.0, 150.0),
    },
    AgentType {
        key: "designer",
        label: ("Designer", "设计师"),
        weight: 11,
        skills: &[
            ("UI design", "UI 设计"),
            ("UX research", "用户体验研究"),
            ("logo design", "标志设计"),
            ("illustration", "插画"),
            ("prototyping", "原型设计"),
            ("motion design", "动效设计"),
            ("brand identity", "品牌视觉"),
        ],
        lists: [
            ("tools", &["figma", "sketch", "photoshop", "illustrator", "blender", "after_effects"]),
            ("styles", &["minimal", "flat", "illustration", "3d", "motion", "brand"]),
        ],
        unit: "project",
        rate: (200.0, 3000.0),
    },
    AgentType {
        key: "data_analyst",
        label: ("Data Analyst", "数据分析师"),
        weight: 10,
        skills: &[
            ("data cleaning", "数据清洗"),
            ("dashboards", "数据看板"),
            ("A/B testing", "A/B 测试"),
            ("forecasting", "预测建模"),
            ("SQL analysis", "SQL 分析"),
            ("visualization", "数据可视化"),
        ],
        lists: [
            ("tools", &["sql", "python", "pandas", "tableau", "powerbi", "spark", "excel", "r"]),
            ("methods", &["ab_testing", "forecasting", "segmentation", "dashboarding", "causal_inference"]),
        ],
        unit: "hour",
        rate: (30.0, 120.0),
    },
    AgentType {
        key: "product_manager",
        label: ("Product Manager", "产品经理"),
        weight: 8,
        skills: &[
            ("requirements analysis", "需求分析"),
            ("roadmapping", "路线图规划"),
            ("user interviews", "用户访谈"),
            ("PRD writing", "PRD 撰写"),
            ("growth", "增长"),
            ("prioritization", "优先级管理"),
        ],
        lists: [
            ("domains", &["saas", "e-commerce", "fintech", "edtech", "healthtech", "gaming", "ai"]),
            ("methodologies", &["scrum", "kanban", "okr", "jobs_to_be_done", "lean"]),
        ],
        unit: "day",
        rate: (300.0, 900.0),
    },
    AgentType {
        key: "marketer",
        label: ("Marketer", "营销专家"),
        weight: 9,
        skills: &[
            ("SEO", "搜索优化"),
            ("content marketing", "内容营销"),
            ("social media", "社交媒体运营"),
            ("campaign planning", "活动策划"),
            ("KOL outreach", "达人合作"),
            ("email marketing", "邮件营销"),
        ],
        lists: [
            ("channels", &["seo", "sem", "social_media", "email", "kol", "xiaohongshu", "wechat", "douyin"]),
            ("markets", &["cn", "us", "sea", "eu", "jp"]),
        ],
        unit: "campaign",
        rate: (500.0, 5000.0),
    },
    AgentType {
        key: "writer",
        label: ("Writer", "内容写手"),
        weight: 10,
        skills: &[
            ("copywriting", "文案撰写"),
            ("technical writing", "技术写作"),
            ("blogging", "博客写作"),
            ("editing", "编辑"),
            ("storytelling", "故事创作"),
            ("white papers", "白皮书"),
        ],
        lists: [
            ("genres", &["technical", "copywriting", "blog", "whitepaper", "fiction", "script", "news"]),
            ("languages", &["zh", "en", "ja"]),
        ],
        unit: "word",
        rate: (0.05, 0.4),
    },
    AgentType {
        key: "consultant",
        label: ("Consultant", "咨询顾问"),
        weight: 8,
        skills: &[
            ("business strategy", "商业战略"),
            ("process improvement", "流程优化"),
            ("market entry", "市场进入"),
            ("due diligence", "尽职调查"),
            ("change management", "变革管理"),
        ],
        lists: [
            (
                "industries",
                &["retail", "manufacturing", "finance", "healthcare", "education", "logistics", "energy"],
            ),
            (
                "services",
                &["strategy", "operations", "digital_transformation", "due_diligence", "market_entry"],
            ),
        ],
        unit: "hour",
        rate: (80.0, 300.0),
    },
    AgentType {
        key: "researcher",
        label: ("Researcher", "研究员"),
        weight: 7,
        skills: &[
            ("literature review", "文献综述"),
            ("survey design", "问卷设计"),
            ("user research", "用户研究"),
            ("statistics", "统计分析"),
            ("experiment design", "实验设计"),
        ],
        lists: [
            (
                "fields",
                &[
                    "nlp",
                    "computer_vision",
                    "economics",
                    "biology",
                    "ux_research",
                    "market_research",
                    "policy",
                ],
            ),
            ("methods", &["survey", "interview", "experiment", "literature_review", "meta_analysis"]),
        ],
        unit: "report",
        rate: (300.0, 2000.0),
    },
    AgentType {
        key: "legal_advisor",
        label: ("Legal Advisor", "法律顾问"),
        weight: 5,
        skills: &[
            ("contract review", "合同审查"),
            ("compliance", "合规"),
            ("intellectual property", "知识产权"),
            ("data privacy", "数据隐私"),
            ("labor law", "劳动法"),
        ],
        lists: [
            ("areas", &["contract", "ip", "compliance", "labor", "corporate", "data_privacy"]),
            ("jurisdictions", &["cn", "us", "eu", "hk", "sg"]),
        ],
        unit: "hour",
        rate: (100.0, 400.0),
    },
];

pub fn type_index(key: &str) -> Option<usize> {
    AGENT_TYPES.iter().position(|t| t.key == key)
}

const INTERESTS: &[Word] = &[
    ("artificial intelligence", "人工智能"),
    ("open source", "开源"),
    ("education", "教育"),
    ("sustainability", "可持续发展"),
    ("e-commerce", "电商"),
    ("healthcare", "医疗健康"),
    ("gaming", "游戏"),
    ("finance", "金融"),
    ("travel", "旅行"),
    ("photography", "摄影"),
    ("music", "音乐"),
    ("startups", "创业"),
    ("cross-border trade", "跨境贸易"),
    ("public welfare", "公益"),
];

const PERSONALITIES: &[Word] = &[
    ("analytical", "理性严谨"),
    ("friendly", "热情友好"),
    ("detail-oriented", "注重细节"),
    ("creative", "富有创意"),
    ("pragmatic", "务实高效"),
    ("patient", "耐心细致"),
    ("proactive", "积极主动"),
    ("calm", "沉稳冷静"),
];

const DECISION_STYLES: &[Word] = &[
    ("data-driven", "数据驱动"),
    ("consensus-seeking", "寻求共识"),
    ("decisive", "果断"),
    ("cautious", "谨慎"),
    ("intuitive", "直觉型"),
    ("collaborative", "协作型"),
];

/// (city, time zone) by locale.
const CITIES_ZH: &[(&str, &str)] = &[
    ("北京", "Asia/Shanghai"),
    ("上海", "Asia/Shanghai"),
    ("深圳", "Asia/Shanghai"),
    ("杭州", "Asia/Shanghai"),
    ("广州", "Asia/Shanghai"),
    ("成都", "Asia/Shanghai"),
    ("南京", "Asia/Shanghai"),
    ("武汉", "Asia/Shanghai"),
    ("西安", "Asia/Shanghai"),
    ("苏州", "Asia/Shanghai"),
    ("香港", "Asia/Hong_Kong"),
    ("台北", "Asia/Taipei"),
    ("新加坡", "Asia/Singapore"),
];
const CITIES_EN: &[(&str, &str)] = &[
    ("New York", "America/New_York"),
    ("San Francisco", "America/Los_Angeles"),
    ("Austin", "America/Chicago"),
    ("Toronto", "America/Toronto"),
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("Amsterdam", "Europe/Amsterdam"),
    ("Dublin", "Europe/Dublin"),
    ("Singapore", "Asia/Singapore"),
    ("Sydney", "Australia/Sydney"),
    ("Bangalore", "Asia/Kolkata"),
    ("Tokyo", "Asia/Tokyo"),
];

/// USD to CNY, for prices in yuan.
pub const CNY_PER_USD: f64 = 7.2;

/// A generated `agent_profiles` row. JSON columns hold JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentRow {
    pub id: uuid::Uuid,
    pub name: String,
    pub agent_type: &'static str,
    pub description: String,
    pub capabilities: Json,
    pub pricing_info: Json,
    pub config: Json,
    pub is_active: bool,
    pub rating: f64,
    pub total_collaborations: i32,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// What identifies a mock set (stored in each agent's `config.mock_set`).
#[derive(Debug, Clone, Copy)]
pub struct MockSet {
    pub seed: u64,
    pub locale: Locale,
    /// UTC seconds: creation times fall in the two years before it.
    pub as_of: i64,
}

/// The smallest size of `set` whose agents include `active` active ones.
pub fn set_size_for_active(set: &MockSet, active: u64) -> u64 {
    let mut found = 0;
    let mut n = 0;
    while found < active {
        if mock_agent(set, n).is_active {
            found += 1;
        }
        n += 1;
    }
    n
}

/// The agent type of mock agent `index`: the first ten of a set cover every type once (in an
/// order that depends on the seed), the rest are drawn by weight.
fn agent_type_for(set: &MockSet, index: u64, r: &mut RowRng) -> usize {
    let n = AGENT_TYPES.len() as u64;
    if index < n {
        ((index + set.seed % n) % n) as usize
    } else {
        let weights: Vec<u32> = AGENT_TYPES.iter().map(|t| t.weight).collect();
        r.weighted(&weights)
    }
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// The `config.user_id` of mock agent `index` (0-based): `agent_001`, …, `agent_1000`, ….
pub fn user_id(index: u64) -> String {
    format!("agent_{:03}", index + 1)
}

/// Mock agent number `index` of the set.
pub fn mock_agent(set: &MockSet, index: u64) -> AgentRow {
    let mut r = RowRng::new(set.seed, Stream::Agent, index);
    let id = r.uuid();
    let t = &AGENT_TYPES[agent_type_for(set, index, &mut r)];
    let loc = set.locale;
    let person = r.person_name(loc);
    let (city, tz) = *r.pick(match loc {
        Locale::Zh => CITIES_ZH,
        Locale::En => CITIES_EN,
    });
    let years = r.range(1, 20);
    let skills: Vec<&str> = r.some(t.skills, 3, 5).into_iter().map(|w| word(w, loc)).collect();
    let interests: Vec<&str> = r.some(INTERESTS, 2, 4).into_iter().map(|w| word(w, loc)).collect();
    let list_a: Vec<&str> = r.some(t.lists[0].1, 2, 5).into_iter().copied().collect();
    let list_b: Vec<&str> = r.some(t.lists[1].1, 1, 3).into_iter().copied().collect();
    let hours = r.range(5, 40);
    let availability = *r.pick(&["available", "available", "available", "busy", "away"]);
    let weekdays_only = r.chance(0.4);

    let capabilities = JsonBuf::object(|o| {
        o.strings("skills", &skills)
            .strings("interests", &interests)
            .str("location", city)
            .object("availability", |a| {
                a.str("status", availability)
                    .str("timezone", tz)
                    .int("hours_per_week", hours)
                    .bool("weekdays_only", weekdays_only);
            })
            .strings(t.lists[0].0, &list_a)
            .strings(t.lists[1].0, &list_b)
            .int("years_experience", years);
    });

    let usd_rate = t.rate.0 + (t.rate.1 - t.rate.0) * r.unit() * (0.6 + years as f64 / 50.0);
    let (currency, rate) =
        if loc == Locale::Zh && r.chance(0.7) { ("CNY", usd_rate * CNY_PER_USD) } else { ("USD", usd_rate) };
    let rate = if rate < 1.0 { round_to(rate, 3) } else { round_to(rate, 0) };
    let negotiable = r.chance(0.5);
    let pricing_info = JsonBuf::object(|o| {
        o.num("base_rate", rate).str("currency", currency).str("unit", t.unit).bool("negotiable", negotiable);
    });

    let personality = word(r.pick(PERSONALITIES), loc);
    let decision_style = word(r.pick(DECISION_STYLES), loc);
    let response_hours = *r.pick(&[1i64, 2, 4, 8, 12, 24, 48]);
    let max_tasks = r.range(1, 8);
    let uid = user_id(index);
    let config = JsonBuf::object(|o| {
        o.str("user_id", &uid)
            .str("display_name", &person)
            .str("personality", personality)
            .str("decision_style", decision_style)
            .int("response_time_hours", response_hours)
            .int("max_concurrent_tasks", max_tasks)
            .object("mock_set", |m| {
                m.str("generator", "towow-db")
                    .int("seed", set.seed as i64)
                    .int("index", index as i64)
                    .str("locale", &loc.to_string());
            });
    });

    // Ratings 3.0-5.0 (one decimal), skewed towards the top like real marketplaces; the number of
    // collaborations grows with experience and rating.
    let rating = round_to(3.0 + 2.0 * r.unit().sqrt(), 1).min(5.0);
    let is_active = !r.chance(0.07);
    let collab_per_year = (rating - 2.5) * 6.0 * (0.5 + r.unit());
    let total_collaborations = (collab_per_year * years as f64).round() as i32;

    let label = word(&t.label, loc);
    let name = format!("{person} · {label}");
    let description = match loc {
        Locale::Zh => format!("{label}，{years}年经验，擅长{}和{}，常驻{city}。", skills[0], skills[1]),
        Locale::En => format!(
            "{label} with {years} years of experience in {} and {}, based in {city}.",
            skills[0], skills[1]
        ),
    };
    let as_of = set.as_of * SECOND;
    let created_at = as_of - r.range(30 * DAY, 730 * DAY);
    let updated_at = created_at + r.below((as_of - created_at) as u64) as i64;
    AgentRow {
        id,
        name,
        agent_type: t.key,
        description,
        capabilities: Json(capabilities),
        pricing_info: Json(pricing_info),
        config: Json(config),
        is_active,
        rating,
        total_collaborations,
        created_at: Ts(created_at),
        updated_at: Ts(updated_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generators::{DEFAULT_AS_OF, DEFAULT_SEED};

    fn set(locale: Locale) -> MockSet {
        MockSet { seed: DEFAULT_SEED, locale, as_of: DEFAULT_AS_OF }
    }

    #[test]
    fn agents_are_deterministic_and_fit_their_type() {
        let s = set(Locale::Zh);
        let a = mock_agent(&s, 5);
        assert_eq!(a, mock_agent(&s, 5));
        assert_ne!(a.id, mock_agent(&s, 6).id);
        for i in 0..300 {
            let a = mock_agent(&s, i);
            let caps: serde_json::Value = serde_json::from_str(&a.capabilities).unwrap();
            let t = &AGENT_TYPES[type_index(a.agent_type).unwrap()];
            for k in ["skills", "interests", "location", "availability", t.lists[0].0, t.lists[1].0] {
                assert!(!caps[k].is_null(), "{k} missing in {caps}");
            }
            let pricing: serde_json::Value = serde_json::from_str(&a.pricing_info).unwrap();
            assert_eq!(pricing["unit"], t.unit);
            assert!(pricing["base_rate"].as_f64().unwrap() > 0.0);
            let config: serde_json::Value = serde_json::from_str(&a.config).unwrap();
            assert_eq!(config["user_id"], user_id(i));
            assert_eq!(config["mock_set"]["index"], i);
            assert!((3.0..=5.0).contains(&a.rating));
            assert_eq!(a.rating, round_to(a.rating, 1));
            assert!(a.total_collaborations >= 0);
            assert!(a.created_at <= a.updated_at && a.updated_at.0 <= DEFAULT_AS_OF * SECOND);
        }
        assert_eq!(user_id(0), "agent_001");
        assert_eq!(user_id(999), "agent_1000");
    }

    #[test]
    fn the_first_ten_cover_every_type() {
        let s = set(Locale::En);
        let mut types: Vec<_> = (0..10).map(|i| mock_agent(&s, i).agent_type).collect();
        types.sort();
        types.dedup();
        assert_eq!(types.len(), AGENT_TYPES.len());
    }

    #[test]
    fn the_set_size_for_active_ends_on_the_last_active_agent_needed() {
        let s = set(Locale::Zh);
        for active in [1, 10, 47, 50, 120] {
            let n = set_size_for_active(&s, active);
            let found = (0..n).filter(|&i| mock_agent(&s, i).is_active).count() as u64;
            assert_eq!(found, active, "{active} active wanted, {n} agents give {found}");
            assert!(mock_agent(&s, n - 1).is_active, "a smaller set would do for {active}");
        }
        // Some of the default set are inactive, so more agents than active ones are needed.
        assert!(set_size_for_active(&s, 120) > 120);
    }

    #[test]
    fn the_order_of_the_first_ten_types_depends_on_the_seed() {
        let first =
            |seed| mock_agent(&MockSet { seed, locale: Locale::En, as_of: DEFAULT_AS_OF }, 0).agent_type;
        // Ten consecutive seeds start the rotation at ten different types.
        let mut types: Vec<_> = (100..110).map(first).collect();
        types.sort();
        types.dedup();
        assert_eq!(types.len(), AGENT_TYPES.len());
        // Any seed is valid, the largest too.
        let s = MockSet { seed: u64::MAX, locale: Locale::En, as_of: DEFAULT_AS_OF };
        assert_eq!(
            (0..10).map(|i| mock_agent(&s, i).agent_type).collect::<std::collections::HashSet<_>>().len(),
            10
        );
    }

    #[test]
    fn locales_differ() {
        let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for i in 0..50 {
            let zh = mock_agent(&set(Locale::Zh), i);
            let en = mock_agent(&set(Locale::En), i);
            assert_eq!(zh.id, en.id, "the id depends on seed and index only");
            assert_eq!(zh.agent_type, en.agent_type);
            let label = AGENT_TYPES[type_index(en.agent_type).unwrap()].label;
            // "person · label": a Chinese name and label, or an English (Latin letters) one.
            let (zh_person, zh_label) = zh.name.split_once(" · ").unwrap();
            let (en_person, en_label) = en.name.split_once(" · ").unwrap();
            assert!(han(zh_person) && zh_label == label.1, "{}", zh.name);
            assert!(
                en_person.chars().all(|c| c.is_ascii_alphabetic() || " .'-".contains(c))
                    && en_label == label.0,
                "{}",
                en.name
            );
            assert!(han(&zh.description) && !han(&en.description) && en.description.contains(label.0));
        }
    }
}
