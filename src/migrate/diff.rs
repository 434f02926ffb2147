//! Comparing two catalogs: what the migrations make (expected, read from a shadow database) with
//! what a database holds (found). Objects that are not ToWow's (other tables, functions,
//! extensions) are not looked at; an extra index on a ToWow table is information, not drift.

use serde::Serialize;

use super::catalog::{Catalog, Column, Constraint, Index, Table, Trigger};

/// One difference, typed: `migrate verify` prints it, `migrate baseline` plans its fix from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    MissingTable {
        table: String,
    },
    MissingColumn {
        table: String,
        column: Column,
    },
    /// A column on a ToWow table that the migrations do not make.
    ExtraColumn {
        table: String,
        column: Column,
    },
    ColumnType {
        table: String,
        column: String,
        expected: String,
        found: String,
    },
    ColumnCollation {
        table: String,
        column: String,
        expected: Option<String>,
        found: Option<String>,
    },
    ColumnDefault {
        table: String,
        column: String,
        expected: Option<String>,
        found: Option<String>,
    },
    ColumnNotNull {
        table: String,
        column: String,
        expected: bool,
    },
    MissingConstraint {
        table: String,
        expected: Constraint,
    },
    /// Same name, another definition (a NOT VALID one included).
    ConstraintDefinition {
        table: String,
        expected: Constraint,
        found: Constraint,
    },
    /// The expected definition under another name.
    ConstraintName {
        table: String,
        expected: String,
        found: String,
    },
    ExtraConstraint {
        table: String,
        found: Constraint,
    },
    MissingIndex {
        table: String,
        expected: Index,
    },
    IndexDefinition {
        table: String,
        expected: Index,
        found: Index,
    },
    IndexName {
        table: String,
        expected: String,
        found: String,
    },
    InvalidIndex {
        table: String,
        index: Index,
    },
    /// The index's comment is not the one the migrations set.
    IndexComment {
        table: String,
        index: String,
        expected: Option<String>,
        found: Option<String>,
    },
    /// Information only: an index the migrations do not make (e.g. one added for a query).
    ExtraIndex {
        table: String,
        found: Index,
    },
    MissingTrigger {
        table: String,
        expected: Trigger,
    },
    TriggerDefinition {
        table: String,
        expected: Trigger,
        found: Trigger,
    },
    TriggerDisabled {
        table: String,
        trigger: String,
    },
    ExtraTrigger {
        table: String,
        found: Trigger,
    },
    MissingFunction {
        signature: String,
        definition: String,
    },
    FunctionDefinition {
        signature: String,
        expected: String,
        found: String,
    },
    MissingExtension {
        name: String,
    },
}

/// A difference for people and scripts: the object, what differs, both sides.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Difference {
    /// `table demands`, `column demands.status`, `index ix_demands_status`, …
    pub object: String,
    /// `missing`, `extra`, `type`, `collation`, `default`, `nullability`, `definition`, `name`,
    /// `validity`, `enabled`, `comment`.
    pub aspect: &'static str,
    pub expected: String,
    pub found: String,
}

const NONE: &str = "(none)";
const MISSING: &str = "(missing)";

fn or_none(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| NONE.to_string())
}

fn nullability(not_null: bool) -> String {
    if not_null { "NOT NULL" } else { "nullable" }.to_string()
}

impl Change {
    /// Only information: not drift.
    pub fn is_info(&self) -> bool {
        matches!(self, Change::ExtraIndex { .. })
    }

    pub fn difference(&self) -> Difference {
        let d = |object: String, aspect: &'static str, expected: String, found: String| Difference {
            object,
            aspect,
            expected,
            found,
        };
        match self {
            Change::MissingTable { table } => {
                d(format!("table {table}"), "missing", "present".into(), MISSING.into())
            }
            Change::MissingColumn { table, column } => d(
                format!("column {table}.{}", column.name),
                "missing",
                column.data_type.clone(),
                MISSING.into(),
            ),
            Change::ExtraColumn { table, column } => {
                d(format!("column {table}.{}", column.name), "extra", NONE.into(), column.data_type.clone())
            }
            Change::ColumnType { table, column, expected, found } => {
                d(format!("column {table}.{column}"), "type", expected.clone(), found.clone())
            }
            Change::ColumnCollation { table, column, expected, found } => {
                d(format!("column {table}.{column}"), "collation", or_none(expected), or_none(found))
            }
            Change::ColumnDefault { table, column, expected, found } => {
                d(format!("column {table}.{column}"), "default", or_none(expected), or_none(found))
            }
            Change::ColumnNotNull { table, column, expected } => d(
                format!("column {table}.{column}"),
                "nullability",
                nullability(*expected),
                nullability(!*expected),
            ),
            Change::MissingConstraint { table, expected } => d(
                format!("constraint {table}.{}", expected.name),
                "missing",
                expected.definition.clone(),
                MISSING.into(),
            ),
            Change::ConstraintDefinition { table, expected, found } => d(
                format!("constraint {table}.{}", expected.name),
                "definition",
                expected.definition.clone(),
                found.definition.clone(),
            ),
            Change::ConstraintName { table, expected, found } => {
                d(format!("constraint {table}.{expected}"), "name", expected.clone(), found.clone())
            }
            Change::ExtraConstraint { table, found } => d(
                format!("constraint {table}.{}", found.name),
                "extra",
                NONE.into(),
                found.definition.clone(),
            ),
            Change::MissingIndex { expected, .. } => {
                d(format!("index {}", expected.name), "missing", expected.definition.clone(), MISSING.into())
            }
            Change::IndexDefinition { expected, found, .. } => d(
                format!("index {}", expected.name),
                "definition",
                expected.definition.clone(),
                found.definition.clone(),
            ),
            Change::IndexName { expected, found, .. } => {
                d(format!("index {expected}"), "name", expected.clone(), found.clone())
            }
            Change::InvalidIndex { index, .. } => d(
                format!("index {}", index.name),
                "validity",
                "valid".into(),
                "INVALID (a failed CREATE INDEX CONCURRENTLY?)".into(),
            ),
            Change::IndexComment { index, expected, found, .. } => d(
                format!("index {index}"),
                "comment",
                expected.clone().unwrap_or_else(|| NONE.into()),
                found.clone().unwrap_or_else(|| NONE.into()),
            ),
            Change::ExtraIndex { found, .. } => {
                d(format!("index {}", found.name), "extra", NONE.into(), found.definition.clone())
            }
            Change::MissingTrigger { expected, .. } => d(
                format!("trigger {}", expected.name),
                "missing",
                expected.definition.clone(),
                MISSING.into(),
            ),
            Change::TriggerDefinition { expected, found, .. } => d(
                format!("trigger {}", expected.name),
                "definition",
                expected.definition.clone(),
                found.definition.clone(),
            ),
            Change::TriggerDisabled { trigger, .. } => {
                d(format!("trigger {trigger}"), "enabled", "enabled".into(), "disabled".into())
            }
            Change::ExtraTrigger { found, .. } => {
                d(format!("trigger {}", found.name), "extra", NONE.into(), found.definition.clone())
            }
            Change::MissingFunction { signature, definition } => {
                d(format!("function {signature}"), "missing", definition.clone(), MISSING.into())
            }
            Change::FunctionDefinition { signature, expected, found } => {
                d(format!("function {signature}"), "definition", expected.clone(), found.clone())
            }
            Change::MissingExtension { name } => {
                d(format!("extension {name}"), "missing", "installed".into(), MISSING.into())
            }
        }
    }
}

/// An index definition without its name, to recognise the same index under another name.
fn index_shape(def: &str) -> &str {
    def.find(" ON ").map(|i| &def[i..]).unwrap_or(def)
}

/// Every difference between `expected` and `found`, object by object, in a stable order.
pub fn diff(expected: &Catalog, found: &Catalog) -> Vec<Change> {
    let mut out = Vec::new();
    for e in expected.extensions.iter().filter(|e| !found.extensions.contains(e)) {
        out.push(Change::MissingExtension { name: e.clone() });
    }
    for f in &expected.functions {
        match found.functions.iter().find(|x| x.signature == f.signature) {
            None => out.push(Change::MissingFunction {
                signature: f.signature.clone(),
                definition: f.definition.clone(),
            }),
            Some(x) if x.definition != f.definition => out.push(Change::FunctionDefinition {
                signature: f.signature.clone(),
                expected: f.definition.clone(),
                found: x.definition.clone(),
            }),
            _ => {}
        }
    }
    for t in &expected.tables {
        match found.table(&t.name) {
            None => out.push(Change::MissingTable { table: t.name.clone() }),
            Some(f) => diff_table(t, f, &mut out),
        }
    }
    out
}

fn diff_table(e: &Table, f: &Table, out: &mut Vec<Change>) {
    let table = || e.name.clone();
    for c in &e.columns {
        let Some(x) = f.column(&c.name) else {
            out.push(Change::MissingColumn { table: table(), column: c.clone() });
            continue;
        };
        if x.data_type != c.data_type {
            out.push(Change::ColumnType {
                table: table(),
                column: c.name.clone(),
                expected: c.data_type.clone(),
                found: x.data_type.clone(),
            });
        }
        if x.collation != c.collation {
            out.push(Change::ColumnCollation {
                table: table(),
                column: c.name.clone(),
                expected: c.collation.clone(),
                found: x.collation.clone(),
            });
        }
        if x.default != c.default {
            out.push(Change::ColumnDefault {
                table: table(),
                column: c.name.clone(),
                expected: c.default.clone(),
                found: x.default.clone(),
            });
        }
        if x.not_null != c.not_null {
            out.push(Change::ColumnNotNull { table: table(), column: c.name.clone(), expected: c.not_null });
        }
    }
    for x in &f.columns {
        if e.column(&x.name).is_none() {
            out.push(Change::ExtraColumn { table: table(), column: x.clone() });
        }
    }

    // Constraints, by name; a missing one found under another name is a rename.
    let mut renamed: Vec<&str> = Vec::new();
    for c in &e.constraints {
        match f.constraints.iter().find(|x| x.name == c.name) {
            Some(x) if !c.matches(&x.definition) => out.push(Change::ConstraintDefinition {
                table: table(),
                expected: c.clone(),
                found: x.clone(),
            }),
            Some(_) => {}
            None => match f.constraints.iter().find(|x| {
                x.kind == c.kind
                    && c.matches(&x.definition)
                    && !e.constraints.iter().any(|y| y.name == x.name)
                    && !renamed.contains(&x.name.as_str())
            }) {
                Some(x) => {
                    renamed.push(&x.name);
                    out.push(Change::ConstraintName {
                        table: table(),
                        expected: c.name.clone(),
                        found: x.name.clone(),
                    })
                }
                None => out.push(Change::MissingConstraint { table: table(), expected: c.clone() }),
            },
        }
    }
    for x in &f.constraints {
        if !e.constraints.iter().any(|c| c.name == x.name) && !renamed.contains(&x.name.as_str()) {
            out.push(Change::ExtraConstraint { table: table(), found: x.clone() });
        }
    }

    // Indexes: those behind constraints are the constraints' business.
    let mut renamed: Vec<&str> = Vec::new();
    let own = |i: &&Index| i.constraint.is_none();
    for i in e.indexes.iter().filter(own) {
        match f.indexes.iter().find(|x| x.name == i.name) {
            Some(x) if x.definition != i.definition => {
                out.push(Change::IndexDefinition { table: table(), expected: i.clone(), found: x.clone() })
            }
            Some(x) if !x.valid => out.push(Change::InvalidIndex { table: table(), index: x.clone() }),
            Some(x) if x.comment != i.comment => out.push(Change::IndexComment {
                table: table(),
                index: i.name.clone(),
                expected: i.comment.clone(),
                found: x.comment.clone(),
            }),
            Some(_) => {}
            None => match f.indexes.iter().filter(own).find(|x| {
                x.valid
                    && index_shape(&x.definition) == index_shape(&i.definition)
                    && x.definition.starts_with("CREATE UNIQUE") == i.definition.starts_with("CREATE UNIQUE")
                    && !e.indexes.iter().any(|y| y.name == x.name)
                    && !renamed.contains(&x.name.as_str())
            }) {
                Some(x) => {
                    renamed.push(&x.name);
                    out.push(Change::IndexName {
                        table: table(),
                        expected: i.name.clone(),
                        found: x.name.clone(),
                    })
                }
                None => out.push(Change::MissingIndex { table: table(), expected: i.clone() }),
            },
        }
    }
    for x in f.indexes.iter().filter(own) {
        if !e.indexes.iter().any(|i| i.name == x.name) && !renamed.contains(&x.name.as_str()) {
            out.push(Change::ExtraIndex { table: table(), found: x.clone() });
        }
    }

    for t in &e.triggers {
        match f.triggers.iter().find(|x| x.name == t.name) {
            None => out.push(Change::MissingTrigger { table: table(), expected: t.clone() }),
            Some(x) if x.definition != t.definition => {
                out.push(Change::TriggerDefinition { table: table(), expected: t.clone(), found: x.clone() })
            }
            Some(x) if x.enabled != t.enabled => {
                out.push(Change::TriggerDisabled { table: table(), trigger: t.name.clone() })
            }
            Some(_) => {}
        }
    }
    for x in &f.triggers {
        if !e.triggers.iter().any(|t| t.name == x.name) {
            out.push(Change::ExtraTrigger { table: table(), found: x.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: &str, not_null: bool, default: Option<&str>) -> Column {
        Column {
            name: name.into(),
            data_type: ty.into(),
            not_null,
            default: default.map(String::from),
            collation: None,
        }
    }

    fn index(name: &str, cols: &str) -> Index {
        Index {
            name: name.into(),
            definition: format!("CREATE INDEX {name} ON public.t USING btree ({cols})"),
            valid: true,
            constraint: None,
            comment: None,
        }
    }

    fn catalog(columns: Vec<Column>, indexes: Vec<Index>) -> Catalog {
        Catalog {
            schema: "public".into(),
            tables: vec![Table { name: "t".into(), columns, indexes, ..Table::default() }],
            ..Catalog::default()
        }
    }

    #[test]
    fn same_catalogs_have_no_difference() {
        let c = catalog(vec![col("a", "integer", true, Some("0"))], vec![index("ix_a", "a")]);
        assert!(diff(&c, &c).is_empty());
    }

    fn con(name: &str, kind: &str, definition: &str) -> Constraint {
        Constraint {
            name: name.into(),
            kind: kind.into(),
            definition: definition.into(),
            validated: true,
            columns: vec![],
            ref_table: None,
            ref_columns: vec![],
            expression: None,
            reparsed: None,
        }
    }

    fn trig(name: &str, definition: &str, enabled: bool) -> Trigger {
        Trigger { name: name.into(), definition: definition.into(), enabled }
    }

    /// (object, aspect, expected, found) of each difference.
    fn rows(e: &Catalog, f: &Catalog) -> Vec<(String, &'static str, String, String)> {
        diff(e, f).iter().map(Change::difference).map(|d| (d.object, d.aspect, d.expected, d.found)).collect()
    }

    fn with(c: &Catalog, edit: impl FnOnce(&mut Table)) -> Catalog {
        let mut c = c.clone();
        edit(&mut c.tables[0]);
        c
    }

    #[test]
    fn constraints_by_name_renamed_changed_missing_or_extra() {
        let e = with(&catalog(vec![], vec![]), |t| {
            t.constraints = vec![
                con("ck_a", "c", "CHECK ((a > 0))"),
                con("ck_b", "c", "CHECK ((b > 0))"),
                con("u_c", "u", "UNIQUE (c)"),
            ]
        });
        assert!(diff(&e, &e.clone()).is_empty());
        let f = with(&e, |t| {
            t.constraints = vec![
                // ck_a changed; ck_b under another name (after an unrelated one of the same
                // kind); u_c gone; an extra one.
                con("ck_a", "c", "CHECK ((a > 1))"),
                con("ck_other", "c", "CHECK ((z > 0))"),
                con("ck_b_renamed", "c", "CHECK ((b > 0))"),
                con("u_other", "c", "CHECK ((c > 0))"),
            ]
        });
        let got = rows(&e, &f);
        let has = |o: &str, a: &str, found: &str| got.iter().any(|r| r.0 == o && r.1 == a && r.3 == found);
        assert!(has("constraint t.ck_a", "definition", "CHECK ((a > 1))"), "{got:?}");
        assert!(has("constraint t.ck_b", "name", "ck_b_renamed"), "{got:?}");
        assert!(got.iter().any(|r| r.0 == "constraint t.u_c" && r.1 == "missing"), "{got:?}");
        assert!(has("constraint t.ck_other", "extra", "CHECK ((z > 0))"), "{got:?}");
        assert!(
            has("constraint t.u_other", "extra", "CHECK ((c > 0))"),
            "a CHECK is not a renamed UNIQUE: {got:?}"
        );
        assert!(
            !got.iter().any(|r| r.0 == "constraint t.ck_b_renamed"),
            "a rename is not also extra: {got:?}"
        );
        assert_eq!(got.len(), 5, "{got:?}");
    }

    #[test]
    fn an_invalid_index_and_an_extra_one() {
        let e = catalog(vec![], vec![index("ix_a", "a")]);
        let mut bad = index("ix_a", "a");
        bad.valid = false;
        let got = rows(&e, &with(&e, |t| t.indexes = vec![bad, index("ix_z", "z")]));
        assert!(got.iter().any(|r| r.0 == "index ix_a" && r.1 == "validity"), "{got:?}");
        assert!(got.iter().any(|r| r.0 == "index ix_z" && r.1 == "extra"), "{got:?}");
        assert_eq!(got.len(), 2, "{got:?}");
        // An invalid index of the right shape under another name is not taken for a rename.
        let mut other = index("a_idx", "a");
        other.valid = false;
        let got = rows(&e, &with(&e, |t| t.indexes = vec![other]));
        assert!(got.iter().any(|r| r.0 == "index ix_a" && r.1 == "missing"), "{got:?}");
    }

    #[test]
    fn triggers_missing_changed_disabled_or_extra() {
        let e = with(&catalog(vec![], vec![]), |t| {
            t.triggers =
                vec![trig("tg_a", "CREATE TRIGGER tg_a A", true), trig("tg_b", "CREATE TRIGGER tg_b B", true)]
        });
        assert!(diff(&e, &e.clone()).is_empty());
        let f = with(&e, |t| {
            t.triggers = vec![
                trig("tg_b", "CREATE TRIGGER tg_b B", false),
                trig("tg_x", "CREATE TRIGGER tg_x X", true),
            ]
        });
        let got: Vec<(String, &str)> = rows(&e, &f).into_iter().map(|r| (r.0, r.1)).collect();
        assert_eq!(
            got,
            vec![
                ("trigger tg_a".to_string(), "missing"),
                ("trigger tg_b".to_string(), "enabled"),
                ("trigger tg_x".to_string(), "extra")
            ]
        );
        let f = with(&e, |t| t.triggers[0].definition = "CREATE TRIGGER tg_a CHANGED".into());
        let got: Vec<(String, &str)> = rows(&e, &f).into_iter().map(|r| (r.0, r.1)).collect();
        assert_eq!(got, vec![("trigger tg_a".to_string(), "definition")]);
    }

    #[test]
    fn extensions_and_functions_are_compared() {
        use super::super::catalog::Function;
        let f = |body: &str| Function { signature: "touch()".into(), definition: body.into() };
        let e = Catalog {
            extensions: vec!["pg_trgm".into()],
            functions: vec![f("BEGIN a END")],
            ..catalog(vec![], vec![])
        };
        let same = diff(&e, &e.clone());
        assert!(same.is_empty(), "{same:?}");
        let found = Catalog { extensions: vec![], functions: vec![f("BEGIN b END")], ..e.clone() };
        let rows: Vec<(String, &str)> =
            diff(&e, &found).iter().map(Change::difference).map(|d| (d.object, d.aspect)).collect();
        assert_eq!(
            rows,
            vec![
                ("extension pg_trgm".to_string(), "missing"),
                ("function touch()".to_string(), "definition")
            ]
        );
        let found = Catalog { functions: vec![], ..e.clone() };
        let rows: Vec<(String, &str)> =
            diff(&e, &found).iter().map(Change::difference).map(|d| (d.object, d.aspect)).collect();
        assert_eq!(rows, vec![("function touch()".to_string(), "missing")]);
    }

    #[test]
    fn an_index_under_another_name_is_a_rename_not_a_new_index() {
        let e = catalog(vec![], vec![index("ix_a", "a")]);
        // Another index first: only the one of the same shape is the renamed one.
        let f = catalog(vec![], vec![index("ix_b", "b"), index("a_idx", "a")]);
        let rows: Vec<(String, &str, String)> =
            diff(&e, &f).iter().map(Change::difference).map(|d| (d.object, d.aspect, d.found)).collect();
        assert!(rows.contains(&("index ix_a".to_string(), "name", "a_idx".to_string())), "{rows:?}");
        assert!(!rows.iter().any(|r| r.1 == "missing"), "{rows:?}");
        assert_eq!(
            index_shape("CREATE INDEX ix_a ON public.t USING btree (a)"),
            " ON public.t USING btree (a)"
        );
        assert_eq!(index_shape("no shape"), "no shape");
    }

    #[test]
    fn an_index_comment_the_migrations_set_is_compared() {
        let mut kept = index("ix_a", "a");
        kept.comment = Some("towow-db: keep: why".into());
        let e = catalog(vec![col("a", "integer", true, Some("0"))], vec![kept]);
        let f = catalog(vec![col("a", "integer", true, Some("0"))], vec![index("ix_a", "a")]);
        let rows: Vec<Difference> = diff(&e, &f).iter().map(Change::difference).collect();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!((rows[0].object.as_str(), rows[0].aspect), ("index ix_a", "comment"), "{rows:?}");
        assert_eq!((rows[0].expected.as_str(), rows[0].found.as_str()), ("towow-db: keep: why", "(none)"));
    }

    #[test]
    fn each_difference_is_named_with_both_sides() {
        let e = catalog(
            vec![col("a", "integer", true, Some("0")), col("b", "text", false, None)],
            vec![index("ix_a", "a"), index("ix_b", "b")],
        );
        let f = catalog(
            vec![col("a", "bigint", false, None), col("c", "text", false, None)],
            vec![index("ix_a", "c"), index("ix_other", "b"), index("ix_extra", "a, c")],
        );
        let rows: Vec<Difference> = diff(&e, &f).iter().map(Change::difference).collect();
        let want = |object: &str, aspect: &str, expected: &str, found: &str| {
            assert!(
                rows.iter().any(|d| d.object == object
                    && d.aspect == aspect
                    && d.expected == expected
                    && d.found == found),
                "no {object} {aspect} {expected} → {found} in {rows:#?}"
            )
        };
        want("column t.a", "type", "integer", "bigint");
        want("column t.a", "default", "0", NONE);
        want("column t.a", "nullability", "NOT NULL", "nullable");
        want("column t.b", "missing", "text", MISSING);
        want("column t.c", "extra", NONE, "text");
        want(
            "index ix_a",
            "definition",
            "CREATE INDEX ix_a ON public.t USING btree (a)",
            "CREATE INDEX ix_a ON public.t USING btree (c)",
        );
        want("index ix_b", "name", "ix_b", "ix_other");
        want("index ix_extra", "extra", NONE, "CREATE INDEX ix_extra ON public.t USING btree (a, c)");
        let changes = diff(&e, &f);
        let info: Vec<_> = changes.iter().filter(|c| c.is_info()).collect();
        assert_eq!(info.len(), 1, "only the extra index is information: {info:?}");
        assert_eq!(rows.len(), 8, "{rows:#?}");
    }
}
