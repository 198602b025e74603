//! The layout holds: no module of the crate imports, directly or through others, a
//! module that imports it back. Edges are the `crate::…` and `super::…` paths each file
//! names (its `#[cfg(test)] mod tests` aside), resolved to the file that defines them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, by module path (`server/pipeline/ingest`).
fn modules(root: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut found = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap().with_extension("");
                let mut name: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                if matches!(name.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                    name.pop();
                }
                found.insert(name, path);
            }
        }
    }
    found
}

/// The modules a file names, resolved to the longest path that is a file.
fn imports(name: &[String], path: &Path, all: &BTreeMap<Vec<String>, PathBuf>) -> BTreeSet<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
    let mut named = BTreeSet::new();
    for (at, _) in text.match_indices("crate::").chain(text.match_indices("super::")) {
        let before = text[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // `self::super::`, `foo_crate::`: not a path start
        }
        let words: Vec<&str> = text[at..]
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .next()
            .unwrap()
            .split("::")
            .filter(|w| !w.is_empty())
            .collect();
        let mut target: Vec<String> = Vec::new();
        let mut rest = &words[..];
        if words[0] == "crate" {
            rest = &words[1..];
        } else {
            target = name.to_vec();
            while rest.first() == Some(&"super") {
                target.pop();
                rest = &rest[1..];
            }
        }
        target.extend(rest.iter().map(|w| w.to_string()));
        while !target.is_empty() && !all.contains_key(&target) {
            target.pop();
        }
        if !target.is_empty() && target != name {
            named.insert(target);
        }
    }
    named
}

/// Groups of two or more modules that reach one another (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, (usize, usize)>,
        stack: Vec<&'a Vec<String>>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(walk: &mut Walk<'a>, node: &'a Vec<String>) {
        let order = walk.index.len();
        walk.index.insert(node, (order, order));
        walk.stack.push(node);
        for next in &walk.graph[node] {
            let Some(next) = walk.graph.get_key_value(next).map(|(k, _)| k) else { continue };
            if !walk.index.contains_key(next) {
                visit(walk, next);
                let low = walk.index[next].1.min(walk.index[node].1);
                walk.index.get_mut(node).unwrap().1 = low;
            } else if walk.stack.contains(&next) {
                let low = walk.index[next].0.min(walk.index[node].1);
                walk.index.get_mut(node).unwrap().1 = low;
            }
        }
        if walk.index[node].0 == walk.index[node].1 {
            let at = walk.stack.iter().position(|n| *n == node).unwrap();
            let group: Vec<String> = walk.stack.drain(at..).map(|n| n.join("/")).collect();
            if group.len() > 1 {
                walk.found.push(group);
            }
        }
    }
    let mut walk = Walk { graph, index: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for node in graph.keys() {
        if !walk.index.contains_key(node) {
            visit(&mut walk, node);
        }
    }
    walk.found
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let all = modules(&root);
    let graph: BTreeMap<_, _> = all.iter().map(|(name, path)| (name.clone(), imports(name, path, &all))).collect();
    assert!(graph.contains_key(&vec!["server".to_string(), "pipeline".to_string(), "ingest".to_string()]));
    assert!(graph.values().map(BTreeSet::len).sum::<usize>() > 200, "the import graph was read");
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "import cycles in src/");
}
