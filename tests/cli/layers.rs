//! The layer rule, kept: the chain of modules drawn in ARCHITECTURE.md is the one the code
//! follows. Every `crate::` path in the code of a module (comments aside, unit tests
//! included) names a module of its own layer or a lower one; no import runs back up.

use crate::common::repo;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The layers as ARCHITECTURE.md draws them: the line of the chain, `a ─▶ b ─▶ …`, where a
/// layer is one module name or a name followed by the modules it groups in parentheses.
fn layers_from_architecture() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(repo("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let chain = text
        .lines()
        .find(|l| l.contains("─▶"))
        .expect("ARCHITECTURE.md draws the chain as `a ─▶ b ─▶ …`");
    chain
        .split("─▶")
        .map(|layer| {
            let layer = layer.trim();
            match (layer.find('('), layer.rfind(')')) {
                (Some(a), Some(b)) => layer[a + 1..b]
                    .split([',', ':', ' '])
                    .map(str::trim)
                    .filter(|m| !m.is_empty() && *m != "binary")
                    .map(String::from)
                    .collect(),
                _ => vec![layer.split_whitespace().next().unwrap_or("").to_string()],
            }
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_import_runs_back_up_the_chain_of_architecture_md() {
    let layers = layers_from_architecture();
    let level: HashMap<String, usize> = layers
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.iter().map(move |m| (m.clone(), i)))
        .collect();
    let src = repo("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" {
            continue; // the crate root declares every module and the prelude
        }
        let Some(&own) = level.get(&top) else {
            panic!(
                "src/{} belongs to `{top}`, which ARCHITECTURE.md's chain does not place",
                rel.display()
            );
        };
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for (i, _) in code.match_indices("crate::") {
                if i > 0 && code[..i].ends_with('$') {
                    continue;
                }
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if let Some(&target) = level.get(&name) {
                    checked += 1;
                    if target > own {
                        wrong.push(format!(
                            "src/{}:{}: `{top}` imports `{name}`, a higher layer",
                            rel.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports run back up:\n{}",
        wrong.join("\n")
    );
    assert!(
        checked > 100,
        "only {checked} crate paths found: is the scan broken?"
    );
    // The chain names every top-level module of the library, and nothing that is not one.
    for m in level.keys() {
        let exists = src.join(format!("{m}.rs")).exists() || src.join(m).is_dir();
        assert!(
            exists,
            "ARCHITECTURE.md names `{m}`, which is not a module under src/"
        );
    }
}
