//! The runtime's module dependencies against ARCHITECTURE.md: every
//! `crate::` path a runtime module names in its code (a `use` or an inline
//! path; comments and doc links aside) must be listed in its row's "may
//! use" column, every listed edge must exist, every module must have a row,
//! and no import cycle may grow past [`MAX_CYCLE`] modules. So the table
//! cannot drift from the code, and a new dependency is a decision written
//! down.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The largest import cycle allowed. The value/container knot a recursive
/// value type needs is 7 modules (`Value`, `ValueRef`, the three
/// containers, handles, `Object`); the rest of today's cycle (error, the
/// class machinery, run-time classes, slot storage) is to be cut down to 8
/// (issue 22), and this bound lowered with it: it may only go down.
const MAX_CYCLE: usize = 8;

/// `runtime/src/FOLDER/MODULE.rs` is module `FOLDER::MODULE`; `error.rs`
/// at the root is `error`; a folder's own file (`values.rs`) only lists
/// its modules.
fn modules(root: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            let is_folder_file = parts.len() == 1 && root.join(&parts[0]).is_dir();
            if parts == ["lib"] || is_folder_file {
                continue;
            }
            let name = parts.iter().take(2).cloned().collect::<Vec<_>>().join("::");
            out.entry(name).or_default().push(path);
        }
    }
    out
}

/// The modules `files` name by `crate::` paths in code.
fn uses(files: &[PathBuf], known: &BTreeMap<String, Vec<PathBuf>>, me: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for file in files {
        for line in std::fs::read_to_string(file).unwrap().lines() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + "crate::".len()..];
                let segments: Vec<&str> = rest
                    .split("::")
                    .take(2)
                    .map(|s| s.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap())
                    .collect();
                let two = segments.join("::");
                let name = if known.contains_key(&two) { two } else { segments[0].to_string() };
                if name != me && known.contains_key(&name) {
                    out.insert(name);
                }
            }
        }
    }
    out
}

/// The table of ARCHITECTURE.md's section on the runtime: module -> "may
/// use".
fn table(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let section = text.split("### The runtime").nth(1).expect("ARCHITECTURE.md has the runtime's section");
    let mut out = BTreeMap::new();
    for line in section.lines().skip_while(|l| !l.starts_with("| module |")).skip(2) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let module = cells[0].trim_matches('`').to_string();
        let may_use = cells[cells.len() - 1];
        let set = if may_use == "nothing" {
            BTreeSet::new()
        } else {
            may_use.split(',').map(|s| s.trim().trim_matches('`').to_string()).collect()
        };
        out.insert(module, set);
    }
    out
}

/// The largest strongly connected set of modules (Tarjan's algorithm, on
/// an explicit stack).
fn largest_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let names: Vec<&String> = graph.keys().collect();
    let index_of: BTreeMap<&String, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let succ: Vec<Vec<usize>> =
        names.iter().map(|n| graph[*n].iter().filter_map(|m| index_of.get(m).copied()).collect()).collect();
    let n = names.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut next, mut best) = (Vec::new(), 0, Vec::new());
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut k)) = work.last_mut() {
            if *k == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on[v] = true;
            }
            if let Some(&w) = succ[v].get(*k) {
                *k += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                loop {
                    let w = stack.pop().unwrap();
                    on[w] = false;
                    component.push(names[w].clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > best.len() {
                    best = component;
                }
            }
        }
    }
    best.sort();
    best
}

#[test]
fn the_runtime_depends_as_architecture_md_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = modules(&root.join("runtime/src"));
    let graph: BTreeMap<String, BTreeSet<String>> =
        modules.iter().map(|(name, files)| (name.clone(), uses(files, &modules, name))).collect();
    let documented = table(&std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap());
    let mut problems = Vec::new();
    for (module, used) in &graph {
        let Some(allowed) = documented.get(module) else {
            problems.push(format!("`{module}` has no row in ARCHITECTURE.md's table"));
            continue;
        };
        for u in used.difference(allowed) {
            problems.push(format!("`{module}` uses `{u}`, which its row does not list"));
        }
        for a in allowed.difference(used) {
            problems.push(format!("`{module}`'s row lists `{a}`, which it does not use"));
        }
    }
    for module in documented.keys().filter(|m| !graph.contains_key(*m)) {
        problems.push(format!("ARCHITECTURE.md lists `{module}`, which is no module"));
    }
    assert!(problems.is_empty(), "ARCHITECTURE.md and the code disagree:\n{}", problems.join("\n"));
    let cycle = largest_cycle(&graph);
    println!("{} modules; largest import cycle: {} ({})", graph.len(), cycle.len(), cycle.join(", "));
    assert!(cycle.len() <= MAX_CYCLE, "an import cycle of {} modules: {}", cycle.len(), cycle.join(", "));
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let g = |edges: &[(&str, &str)]| {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            m.entry(a.to_string()).or_default().insert(b.to_string());
            m.entry(b.to_string()).or_default();
        }
        m
    };
    assert_eq!(largest_cycle(&g(&[("a", "b"), ("b", "c")])).len(), 1);
    assert_eq!(largest_cycle(&g(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])), ["a", "b", "c"]);
}
