//! Embeds `migrations/` (and `seeds/`) into the binary. New or edited files are picked up on the
//! next build: cargo re-runs this script whenever anything under those folders changes.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=seeds");
    let root = env::var("CARGO_MANIFEST_DIR").unwrap();
    let out = env::var("OUT_DIR").unwrap();

    let mut files: Vec<String> = fs::read_dir(Path::new(&root).join("migrations"))
        .expect("migrations/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql") && !n.ends_with(".down.sql"))
        .collect();
    files.sort();
    let mut code = String::from("pub static EMBEDDED: &[EmbeddedMigration] = &[\n");
    for f in &files {
        let stem = f.trim_end_matches(".sql");
        let up = Path::new(&root).join("migrations").join(f);
        let down = Path::new(&root).join("migrations").join(format!("{stem}.down.sql"));
        let down_expr = if down.exists() {
            format!("Some(include_str!({:?}))", down.display().to_string())
        } else {
            "None".to_string()
        };
        writeln!(
            code,
            "    EmbeddedMigration {{ file: {stem:?}, up: include_str!({:?}), down: {down_expr} }},",
            up.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    fs::write(Path::new(&out).join("migrations.rs"), code).unwrap();

    let mut seeds: Vec<String> = fs::read_dir(Path::new(&root).join("seeds"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".json") || n.ends_with(".jsonl"))
                .collect()
        })
        .unwrap_or_default();
    seeds.sort();
    let mut code = String::from("pub static EMBEDDED_SEEDS: &[(&str, &str)] = &[\n");
    for s in &seeds {
        let p = Path::new(&root).join("seeds").join(s);
        writeln!(code, "    ({s:?}, include_str!({:?})),", p.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    fs::write(Path::new(&out).join("seeds.rs"), code).unwrap();
}
