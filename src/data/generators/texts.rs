//! The words of generated demands: categories (their tags and the agent types that fit them),
//! languages, the Chinese terms, and the texts (title, description, requirements) built from them.

use super::agents::{Word, word};
use super::{JsonBuf, Locale, RowRng};

/// One kind of demand: its tags and the agent types that fit it.
pub(super) struct Category {
    pub(super) key: &'static str,
    pub(super) label: Word,
    pub(super) weight: u32,
    pub(super) tags: &'static [&'static str],
    pub(super) agents: &'static [&'static str],
    /// Budget range in USD.
    pub(super) budget: (f64, f64),
}

pub(super) const CATEGORIES: &[Category] = &[
    Category {
        key: "translation",
        label: ("Translation", "翻译"),
        weight: 18,
        tags: &["localization", "documentation", "technical", "legal", "marketing", "subtitles"],
        agents: &["translator", "writer"],
        budget: (100.0, 5000.0),
    },
    Category {
        key: "development",
        label: ("Development", "开发"),
        weight: 22,
        tags: &["web", "mobile", "api", "backend", "frontend", "bugfix", "rust", "python"],
        agents: &["developer", "product_manager", "designer"],
        budget: (500.0, 20000.0),
    },
    Category {
        key: "design",
        label: ("Design", "设计"),
        weight: 12,
        tags: &["ui", "ux", "logo", "branding", "illustration"],
        agents: &["designer", "marketer"],
        budget: (200.0, 5000.0),
    },
    Category {
        key: "data",
        label: ("Data analysis", "数据分析"),
        weight: 10,
        tags: &["analytics", "dashboard", "sql", "forecasting", "report"],
        agents: &["data_analyst", "researcher", "developer"],
        budget: (300.0, 8000.0),
    },
    Category {
        key: "marketing",
        label: ("Marketing", "营销"),
        weight: 10,
        tags: &["seo", "social_media", "campaign", "growth", "content"],
        agents: &["marketer", "writer", "designer"],
        budget: (1000.0, 30000.0),
    },
    Category {
        key: "writing",
        label: ("Writing", "写作"),
        weight: 10,
        tags: &["content", "blog", "copywriting", "whitepaper", "documentation"],
        agents: &["writer", "translator", "marketer"],
        budget: (100.0, 3000.0),
    },
    Category {
        key: "consulting",
        label: ("Consulting", "咨询"),
        weight: 8,
        tags: &["strategy", "operations", "market_entry", "digital_transformation"],
        agents: &["consultant", "product_manager", "legal_advisor"],
        budget: (2000.0, 50000.0),
    },
    Category {
        key: "research",
        label: ("Research", "研究"),
        weight: 6,
        tags: &["survey", "user_research", "literature_review", "market_research"],
        agents: &["researcher", "data_analyst", "consultant"],
        budget: (500.0, 15000.0),
    },
    Category {
        key: "legal",
        label: ("Legal", "法务"),
        weight: 4,
        tags: &["contract", "compliance", "ip", "data_privacy"],
        agents: &["legal_advisor", "consultant", "translator"],
        budget: (300.0, 10000.0),
    },
];

/// Language codes with their names.
const LANGUAGES: &[(&str, Word)] = &[
    ("en", ("English", "英文")),
    ("zh", ("Chinese", "中文")),
    ("ja", ("Japanese", "日文")),
    ("ko", ("Korean", "韩文")),
    ("es", ("Spanish", "西班牙文")),
    ("fr", ("French", "法文")),
    ("de", ("German", "德文")),
];

/// Chinese for the machine words that appear in generated texts (JSON keeps the machine word).
const TERMS_ZH: &[(&str, &str)] = &[
    ("localization", "本地化"),
    ("documentation", "文档"),
    ("technical", "技术"),
    ("legal", "法律"),
    ("marketing", "营销"),
    ("subtitles", "字幕"),
    ("web", "网页"),
    ("mobile", "移动端"),
    ("api", "API"),
    ("backend", "后端"),
    ("frontend", "前端"),
    ("bugfix", "缺陷修复"),
    ("rust", "Rust"),
    ("python", "Python"),
    ("ui", "界面"),
    ("ux", "体验"),
    ("logo", "标志"),
    ("branding", "品牌"),
    ("illustration", "插画"),
    ("analytics", "运营分析"),
    ("dashboard", "数据看板"),
    ("sql", "SQL"),
    ("forecasting", "预测"),
    ("report", "报告"),
    ("seo", "搜索优化"),
    ("social_media", "社交媒体"),
    ("campaign", "活动"),
    ("growth", "增长"),
    ("content", "内容"),
    ("blog", "博客"),
    ("copywriting", "文案"),
    ("whitepaper", "白皮书"),
    ("strategy", "战略"),
    ("operations", "运营"),
    ("market_entry", "市场进入"),
    ("digital_transformation", "数字化转型"),
    ("survey", "问卷调查"),
    ("user_research", "用户研究"),
    ("literature_review", "文献综述"),
    ("market_research", "市场调研"),
    ("contract", "合同"),
    ("compliance", "合规"),
    ("ip", "知识产权"),
    ("data_privacy", "数据隐私"),
    ("ios", "iOS"),
    ("android", "安卓"),
    ("desktop", "桌面端"),
    ("ui_mockups", "界面稿"),
    ("icons", "图标"),
    ("poster", "海报"),
    ("brand_guide", "品牌手册"),
    ("illustrations", "插画"),
    ("minimal", "极简"),
    ("flat", "扁平"),
    ("playful", "活泼"),
    ("corporate", "商务"),
    ("3d", "3D"),
    ("model", "预测模型"),
    ("cn", "中国"),
    ("us", "美国"),
    ("sea", "东南亚"),
    ("eu", "欧洲"),
    ("jp", "日本"),
    ("hk", "香港"),
    ("sg", "新加坡"),
    ("xiaohongshu", "小红书"),
    ("wechat", "微信"),
    ("douyin", "抖音"),
    ("email", "邮件"),
    ("kol", "达人"),
    ("professional", "专业"),
    ("casual", "轻松"),
    ("persuasive", "有说服力"),
    ("retail", "零售"),
    ("manufacturing", "制造"),
    ("finance", "金融"),
    ("healthcare", "医疗"),
    ("education", "教育"),
    ("logistics", "物流"),
    ("interview", "访谈"),
    ("experiment", "实验"),
];

/// A machine word as text in the locale: Chinese from [`TERMS_ZH`], English with spaces.
pub fn term(key: &str, loc: Locale) -> std::borrow::Cow<'static, str> {
    match loc {
        Locale::Zh => match TERMS_ZH.iter().find(|(k, _)| *k == key) {
            Some((_, z)) => (*z).into(),
            None => key.to_string().into(),
        },
        Locale::En => key.replace('_', " ").into(),
    }
}

pub(super) fn lang(r: &mut RowRng) -> &'static (&'static str, Word) {
    r.pick(LANGUAGES)
}

/// Title, description and requirements that fit the category and its tags. Texts are in the
/// locale; the JSON keeps machine words.
pub(super) fn body(r: &mut RowRng, c: &Category, tags: &[&str], loc: Locale) -> (String, String, String) {
    let zh = loc == Locale::Zh;
    let t = |k: &str| term(k, loc);
    let list = |ks: &[&str], sep: &str| ks.iter().map(|k| term(k, loc)).collect::<Vec<_>>().join(sep);
    let key = tags.first().copied().unwrap_or(c.key);
    let topic = t(key);
    match c.key {
        "translation" => {
            let src = lang(r);
            let mut tgt = lang(r);
            while tgt.0 == src.0 {
                tgt = lang(r);
            }
            let words = r.range(5, 200) * 100;
            let (s, g) = (word(&src.1, loc), word(&tgt.1, loc));
            let title = if zh {
                format!("{topic}资料{s}译{g}")
            } else {
                format!("Translate {topic} documents from {s} to {g}")
            };
            let desc = if zh {
                format!("需要将约{words}字的{topic}资料从{s}翻译成{g}，要求术语统一、符合目标语言习惯。")
            } else {
                format!(
                    "Need about {words} words of {topic} material translated from {s} to {g}, with consistent terminology."
                )
            };
            let req = JsonBuf::object(|o| {
                o.str("source_language", src.0)
                    .str("target_language", tgt.0)
                    .int("word_count", words)
                    .str("domain", key);
            });
            (title, desc, req)
        }
        "development" => {
            let stack: Vec<&str> = r
                .some(&["python", "typescript", "go", "rust", "java", "react", "vue", "postgresql"], 1, 3)
                .into_iter()
                .copied()
                .collect();
            let platform = *r.pick(&["web", "ios", "android", "backend", "desktop"]);
            let features = r.range(1, 12);
            let p = t(platform);
            let title = if zh {
                format!("{p}{topic}项目开发（{}）", stack.join("/"))
            } else {
                format!("Build a {p} {topic} project ({})", stack.join("/"))
            };
            let desc = if zh {
                format!("需要开发{features}个功能模块，技术栈为{}，需提供代码与测试。", stack.join("、"))
            } else {
                format!("Implement {features} features with {}; code and tests required.", stack.join(", "))
            };
            let repo = r.chance(0.6);
            let req = JsonBuf::object(|o| {
                o.strings("tech_stack", &stack)
                    .str("platform", platform)
                    .int("features", features)
                    .bool("repository_access", repo);
            });
            (title, desc, req)
        }
        "design" => {
            let deliverables: Vec<&str> = r
                .some(&["logo", "ui_mockups", "icons", "poster", "brand_guide", "illustrations"], 1, 3)
                .into_iter()
                .copied()
                .collect();
            let style = *r.pick(&["minimal", "flat", "playful", "corporate", "3d"]);
            let revisions = r.range(1, 5);
            let st = t(style);
            let title = if zh {
                format!("{topic}设计：{}", list(&deliverables, "、"))
            } else {
                format!("{topic} design: {}", list(&deliverables, ", "))
            };
            let desc = if zh {
                format!("需要{st}风格的设计，交付{}，可修改{revisions}次。", list(&deliverables, "、"))
            } else {
                format!(
                    "Looking for a {st} design; deliver {}, {revisions} revisions.",
                    list(&deliverables, ", ")
                )
            };
            let req = JsonBuf::object(|o| {
                o.strings("deliverables", &deliverables)
                    .str("style", style)
                    .strings("formats", ["figma", "png", "svg"])
                    .int("revisions", revisions);
            });
            (title, desc, req)
        }
        "data" => {
            let rows = r.range(1, 500) * 10_000;
            let tool = *r.pick(&["sql", "python", "tableau", "powerbi", "excel"]);
            let deliverable = *r.pick(&["dashboard", "report", "model"]);
            let d = t(deliverable);
            let title = if zh {
                format!("{topic}数据分析（{tool}）")
            } else {
                format!("{topic} analysis with {tool}")
            };
            let desc = if zh {
                format!("约{rows}行数据，需要用{tool}完成分析并交付{d}。")
            } else {
                format!("About {rows} rows of data to analyse with {tool}; deliver a {d}.")
            };
            let req = JsonBuf::object(|o| {
                o.int("dataset_rows", rows).strings("tools", [tool]).str("deliverable", deliverable);
            });
            (title, desc, req)
        }
        "marketing" => {
            let market = *r.pick(&["cn", "us", "sea", "eu", "jp"]);
            let weeks = r.range(2, 16);
            let channels: Vec<&str> = r
                .some(&["xiaohongshu", "wechat", "douyin", "seo", "email", "kol"], 1, 3)
                .into_iter()
                .copied()
                .collect();
            let m = t(market);
            let title = if zh {
                format!("{topic}推广：{}（{weeks}周）", list(&channels, "+"))
            } else {
                format!("{topic} campaign on {} ({weeks} weeks)", list(&channels, " + "))
            };
            let desc = if zh {
                format!("面向{m}市场，在{}渠道进行为期{weeks}周的推广。", list(&channels, "、"))
            } else {
                format!(
                    "A {weeks}-week campaign for the {} market on {}.",
                    market.to_uppercase(),
                    list(&channels, ", ")
                )
            };
            let req = JsonBuf::object(|o| {
                o.strings("channels", &channels).str("target_market", market).int("duration_weeks", weeks);
            });
            (title, desc, req)
        }
        "writing" => {
            let words = r.range(5, 100) * 100;
            let tone = *r.pick(&["professional", "casual", "technical", "persuasive"]);
            let language = *r.pick(&["zh", "en"]);
            let tn = t(tone);
            let title = if zh {
                format!("撰写{topic}内容（{words}字）")
            } else {
                format!("Write {topic} content ({words} words)")
            };
            let desc = if zh {
                format!("需要{words}字左右的{topic}内容，语气{tn}。")
            } else {
                format!("Need around {words} words of {topic} content in a {tn} tone.")
            };
            let req = JsonBuf::object(|o| {
                o.str("content_type", key)
                    .int("word_count", words)
                    .str("tone", tone)
                    .str("language", language);
            });
            (title, desc, req)
        }
        "consulting" => {
            let industry =
                *r.pick(&["retail", "manufacturing", "finance", "healthcare", "education", "logistics"]);
            let weeks = r.range(1, 12);
            let ind = t(industry);
            let title = if zh {
                format!("{ind}行业{topic}咨询")
            } else {
                format!("{topic} advice for a {ind} company")
            };
            let desc = if zh {
                format!("为{ind}企业提供为期{weeks}周的{topic}咨询，输出建议报告。")
            } else {
                format!(
                    "{weeks} weeks of {topic} consulting for a {ind} business, ending with a recommendations report."
                )
            };
            let req = JsonBuf::object(|o| {
                o.str("industry", industry).int("duration_weeks", weeks).str("deliverable", "report");
            });
            (title, desc, req)
        }
        "research" => {
            let method = *r.pick(&["survey", "interview", "experiment", "literature_review"]);
            let n = r.range(1, 50) * 20;
            let me = t(method);
            let title = if zh { format!("{topic}研究（{me}）") } else { format!("{topic} study ({me})") };
            let desc = if zh {
                format!("采用{me}方法，样本量约{n}，交付研究报告。")
            } else {
                format!("A {me} study with about {n} participants; deliver a research report.")
            };
            let req = JsonBuf::object(|o| {
                o.str("field", key).str("method", method).int("sample_size", n);
            });
            (title, desc, req)
        }
        _ => {
            let jurisdiction = *r.pick(&["cn", "us", "eu", "hk", "sg"]);
            let docs = r.range(1, 20);
            let j = t(jurisdiction);
            let title = if zh {
                format!("{topic}法律服务（{j}）")
            } else {
                format!("{topic} review ({})", jurisdiction.to_uppercase())
            };
            let desc = if zh {
                format!("需要审阅{docs}份文件，适用{j}法律。")
            } else {
                format!("Review {docs} documents under {} law.", jurisdiction.to_uppercase())
            };
            let req = JsonBuf::object(|o| {
                o.str("area", key).str("jurisdiction", jurisdiction).int("documents", docs);
            });
            (title, desc, req)
        }
    }
}
