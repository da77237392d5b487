//! Loading only what the selection reaches from Plaid's whole file.
//!
//! A build script is compiled without optimisation, and parsing Plaid's 3 MB file there takes
//! longer than the rest of the build script together; the Item API uses about 2% of it. Plaid's
//! file is plain block YAML: top-level keys at column 0, path items at two spaces, component
//! schemas at four. [`load_selected`] splits the text at those lines, parses the selected path
//! items, every component section but `schemas`, and each schema that something loaded
//! references (transitively), then fills and selects as the full load does. The result is the
//! same document, report and selection, which `tests/sparse_load.rs` checks on both whole files
//! and the slice.
//!
//! Whatever the splitter is unsure of (tabs, directives, flow style for `paths`,
//! `components` or `schemas`, anchors, aliases or tags on a key line or in a parsed entry, odd
//! indentation, duplicate or complex keys, a selection by operationId, a `$ref` into anything
//! but a component, an entry that does not parse) makes it return `None`, and the caller
//! parses the whole file. What it never parses it never checks: a YAML error in a part of the
//! file the selection does not reach goes unnoticed, as it would in the slice cut from it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::error::CodegenError;
use crate::load;
use crate::spec_index::{self, METHODS};
use crate::supplement::Supplement;
use crate::{MergedSpec, Selection};

/// One `key:` line at a split level and the lines its value spans.
#[derive(Debug, Clone)]
struct Entry {
    key: String,
    lines: Range<usize>,
}

/// The split file: top-level entries, path items, component sections, component schemas.
struct Index<'t> {
    lines: Vec<&'t str>,
    /// Each line's indentation; [`BLANK`] for blank and comment lines.
    depths: Vec<usize>,
    top: Vec<Entry>,
    paths: Vec<Entry>,
    sections: Vec<Entry>,
    schemas: BTreeMap<String, Entry>,
}

const BLANK: usize = usize::MAX;

/// `load_filled` + `select` for the file at `path`, parsing only what `selection` reaches;
/// `None` when the file or the selection is outside what the splitter is sure of.
pub fn load_selected(
    path: &Path,
    text: &str,
    supplement: &Supplement,
    selection: &Selection,
) -> Option<Result<MergedSpec, CodegenError>> {
    if !by_path_only(selection) {
        return None;
    }
    let index = Index::build(text)?;
    let skeleton = index.skeleton()?;
    // A selection naming nothing: the full load's message names the nearest entries.
    selection.check(&[&skeleton]).ok()?;
    let mut document = index.partial(path, supplement, selection, &skeleton)?;
    if let Err(e) = load::check_is_openapi(path, &document) {
        return Some(Err(e));
    }
    let report = supplement.fill(&mut document);
    index.load_referenced(path, &mut document)?;
    // Counted as the full load counts them: the file's, and those the supplement added.
    let of = spec_index::operations(&skeleton).len()
        + spec_index::operations(&document)
            .iter()
            .filter(|op| skeleton["paths"].get(op.path).is_none())
            .count();
    let never_loaded = index
        .schemas
        .keys()
        .filter(|name| spec_index::schema(&document, name).is_none())
        .count();
    Some(
        selection
            .apply(&mut document, &supplement.extra_schema_names())
            .and_then(|mut selected| {
                selected.of = of;
                selected.dropped_components += never_loaded;
                crate::refs::check_refs(&document)?;
                Ok(MergedSpec {
                    document,
                    report,
                    selected,
                })
            }),
    )
}

/// Entries that name paths decide per path item, so unparsed items can be judged by key.
fn by_path_only(selection: &Selection) -> bool {
    let user = selection.operations.iter().flatten();
    user.chain(&selection.add)
        .chain(&selection.remove)
        .chain(selection.required.iter().map(|(e, _)| e))
        .all(|entry| entry.starts_with('/'))
}

impl<'t> Index<'t> {
    fn build(text: &'t str) -> Option<Index<'t>> {
        let lines: Vec<&str> = text.lines().collect();
        // One pass over the indentation (a build script runs unoptimised: each pass over
        // 3 MB costs tens of milliseconds).
        let mut depths = Vec::with_capacity(lines.len());
        for line in &lines {
            let bytes = line.as_bytes();
            let depth = bytes.iter().take_while(|b| **b == b' ').count();
            depths.push(match bytes.get(depth) {
                None | Some(b'#') => BLANK,
                Some(b'\t') => return None,
                Some(b'%') if depth == 0 => return None,
                Some(b'-') if depth == 0 && line.starts_with("---") => return None,
                Some(_) => depth,
            });
        }
        let top = split(&lines, &depths, 0..lines.len(), 0)?;
        // The levels split further must be block mappings, their value on the lines below.
        let find = |entries: &[Entry], key: &str| -> Option<Option<Entry>> {
            match entries.iter().find(|e| e.key == key) {
                Some(e) if !lines[e.lines.start].trim_end().ends_with(':') => None,
                found => Some(found.cloned()),
            }
        };
        let paths = match find(&top, "paths")? {
            Some(e) => split(&lines, &depths, body(&e), 2)?,
            None => Vec::new(),
        };
        let sections = match find(&top, "components")? {
            Some(e) => split(&lines, &depths, body(&e), 2)?,
            None => Vec::new(),
        };
        let schemas = match find(&sections, "schemas")? {
            Some(e) => split(&lines, &depths, body(&e), 4)?,
            None => Vec::new(),
        };
        let count = schemas.len();
        let schemas: BTreeMap<String, Entry> =
            schemas.into_iter().map(|e| (e.key.clone(), e)).collect();
        (schemas.len() == count).then_some(Index {
            lines,
            depths,
            top,
            paths,
            sections,
            schemas,
        })
    }

    /// Every path with its operations' methods (`operationId`s unparsed): enough for a
    /// selection of paths to be checked and counted.
    fn skeleton(&self) -> Option<Value> {
        let mut paths = Map::new();
        for entry in &self.paths {
            let mut item = Map::new();
            for i in body(entry) {
                if self.depths[i] != 4 {
                    continue;
                }
                let rest = &self.lines[i][4..];
                let Some(method) = METHODS.iter().find(|m| {
                    rest.strip_prefix(**m)
                        .is_some_and(|r| r.trim_end() == ":" || r.starts_with(": "))
                }) else {
                    continue;
                };
                // An operation is a mapping: a block one below, or `{...}` in line; anything
                // else under a method's name is not one, and unsure here.
                let inline = rest[method.len() + 1..].trim();
                let block = || {
                    let next = (i + 1..entry.lines.end).find(|j| self.depths[*j] != BLANK);
                    next.is_some_and(|j| {
                        self.depths[j] > 4 && !self.lines[j].trim_start().starts_with('-')
                    })
                };
                if !(inline.starts_with('{') || inline.is_empty() && block()) {
                    return None;
                }
                item.insert(method.to_string(), json!({}));
            }
            paths.insert(entry.key.clone(), Value::Object(item));
        }
        Some(json!({ "paths": paths }))
    }

    /// Parses one entry as the one-key mapping it is, dedented; `None` unless its key is the
    /// one the splitter read.
    fn parse(&self, path: &Path, entry: &Entry, indent: usize) -> Option<Value> {
        let mut chunk = String::new();
        for line in &self.lines[entry.lines.clone()] {
            if may_alias(line) {
                return None;
            }
            // Only blank and comment lines sit left of the entry (the splitter checked).
            if line.len() > indent && line[..indent].bytes().all(|b| b == b' ') {
                chunk.push_str(&line[indent..]);
            }
            chunk.push('\n');
        }
        let Ok(Value::Object(map)) = load::parse_yaml(path, &chunk) else {
            return None;
        };
        let mut pairs = map.into_iter();
        match (pairs.next(), pairs.next()) {
            (Some((key, value)), None) if key == entry.key => Some(value),
            _ => None,
        }
    }

    /// Every top-level entry but `paths` and `components`; the selected path items and the
    /// ones the supplement also defines; every component section but `schemas`; the schemas
    /// the supplement also defines (so the spec's win as in a full load).
    fn partial(
        &self,
        path: &Path,
        supplement: &Supplement,
        selection: &Selection,
        skeleton: &Value,
    ) -> Option<Value> {
        let mut document = Map::new();
        for entry in &self.top {
            if entry.key != "paths" && entry.key != "components" {
                document.insert(entry.key.clone(), self.parse(path, entry, 0)?);
            }
        }
        let from_supplement = |pointer: &str| -> BTreeSet<String> {
            supplement
                .layers()
                .iter()
                .filter_map(|l| l.document.pointer(pointer)?.as_object())
                .flat_map(|m| m.keys().cloned())
                .collect()
        };
        let supplement_paths = from_supplement("/paths");
        let selected: BTreeSet<&str> = spec_index::operations(skeleton)
            .iter()
            .filter(|op| selection.selects(op))
            .map(|op| op.path)
            .collect();
        if self.top.iter().any(|e| e.key == "paths") {
            let mut paths = Map::new();
            for entry in &self.paths {
                if selected.contains(entry.key.as_str()) || supplement_paths.contains(&entry.key) {
                    let item = self.parse(path, entry, 2)?;
                    // The skeleton read the methods from the text: the parse must agree.
                    let methods = |item: &Value| -> Vec<String> {
                        let map = item.as_object().into_iter().flatten();
                        map.filter(|(k, v)| METHODS.contains(&k.as_str()) && v.is_object())
                            .map(|(k, _)| k.clone())
                            .collect()
                    };
                    if methods(&item) != methods(&skeleton["paths"][&entry.key]) {
                        return None;
                    }
                    paths.insert(entry.key.clone(), item);
                }
            }
            document.insert("paths".into(), Value::Object(paths));
        }
        if self.top.iter().any(|e| e.key == "components") {
            let mut components = Map::new();
            for entry in &self.sections {
                if entry.key != "schemas" {
                    components.insert(entry.key.clone(), self.parse(path, entry, 2)?);
                } else {
                    components.insert("schemas".into(), json!({}));
                }
            }
            document.insert("components".into(), Value::Object(components));
        }
        let mut document = Value::Object(document);
        let mut wanted = from_supplement("/components/schemas");
        wanted.extend(from_supplement(&format!(
            "/{}",
            crate::merge::EXTRA_SCHEMAS
        )));
        for name in wanted {
            self.load_schema(path, &mut document, &name)?;
        }
        Some(document)
    }

    fn load_schema(&self, path: &Path, document: &mut Value, name: &str) -> Option<()> {
        let Some(entry) = self.schemas.get(name) else {
            return Some(());
        };
        let value = self.parse(path, entry, 4)?;
        let schemas = document
            .pointer_mut("/components/schemas")?
            .as_object_mut()?;
        if !schemas.contains_key(name) {
            schemas.insert(name.to_string(), value);
        }
        Some(())
    }

    /// Loads, until none is left, every schema of the file that a `$ref` in `document` names
    /// and `document` lacks. A `$ref` outside `#/components/` makes it unsure.
    fn load_referenced(&self, path: &Path, document: &mut Value) -> Option<()> {
        loop {
            let mut refs = Vec::new();
            spec_index::refs_under(document, &mut refs);
            let mut missing = BTreeSet::new();
            for reference in refs {
                let rest = reference.strip_prefix("#/components/")?;
                let Some(name) = rest.strip_prefix("schemas/") else {
                    continue;
                };
                let name = spec_index::unescape(name.split('/').next().unwrap_or_default());
                if spec_index::schema(document, &name).is_none() && self.schemas.contains_key(&name)
                {
                    missing.insert(name);
                }
            }
            if missing.is_empty() {
                return Some(());
            }
            for name in missing {
                self.load_schema(path, document, &name)?;
            }
        }
    }
}

/// Whether a line may hold an anchor or an alias (`key: &a`, `- *a`, `*a`): entries tied by
/// them cannot be parsed apart. A Markdown line starting `*word` in a description is a false
/// alarm that only costs the full parse.
fn may_alias(line: &str) -> bool {
    let trimmed = line.trim_start();
    let value = trimmed
        .strip_prefix("- ")
        .or_else(|| trimmed.find(": ").map(|i| &trimmed[i + 2..]))
        .unwrap_or(trimmed)
        .trim_start();
    let marks = |text: &str| {
        let mut chars = text.chars();
        matches!(chars.next(), Some('&' | '*'))
            && chars.next().is_some_and(|c| !matches!(c, ' ' | '*'))
    };
    marks(value) || marks(trimmed) || trimmed.starts_with("<<:")
}

/// The lines of an entry's value (after its key line).
fn body(entry: &Entry) -> Range<usize> {
    entry.lines.start + 1..entry.lines.end
}

/// Splits `range` into the entries of a block mapping whose keys sit at `indent` spaces.
/// Blank and comment lines belong to the entry they are in; a `- ` at the key's own
/// indentation continues it (YAML's compact sequences). Anything else at or left of
/// `indent` that is not a plain `key:` line, an anchor, alias or tag on a key line, and a
/// duplicate key are `None`.
fn split(
    lines: &[&str],
    depths: &[usize],
    range: Range<usize>,
    indent: usize,
) -> Option<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut keys = BTreeSet::new();
    for i in range.clone() {
        let depth = depths[i];
        if depth == BLANK {
            continue;
        }
        if depth > indent {
            if entries.is_empty() {
                return None;
            }
            continue;
        }
        if depth < indent {
            return None;
        }
        let trimmed = &lines[i][depth..];
        if trimmed == "-" || trimmed.starts_with("- ") {
            if entries.is_empty() {
                return None;
            }
            continue;
        }
        let (key, value) = key_line(trimmed)?;
        if !keys.insert(key.clone()) {
            return None;
        }
        if let Some(last) = entries.last_mut() {
            last.lines.end = i;
        }
        entries.push(Entry {
            key,
            lines: i..range.end,
        });
        // An anchor, alias or tag could tie this entry to another one; a flow or block
        // value is all inside the entry.
        if value.starts_with(['&', '*', '!']) {
            return None;
        }
    }
    if let Some(last) = entries.last_mut() {
        // Trailing blank lines are harmless inside the last entry.
        last.lines.end = range.end;
    }
    Some(entries)
}

/// `key: value` or `key:` with a plain or simply quoted key; the value's text.
fn key_line(line: &str) -> Option<(String, &str)> {
    let (key, rest) = if let Some(quoted) = line.strip_prefix('\'') {
        let end = quoted.find('\'')?;
        (quoted[..end].to_string(), &quoted[end + 1..])
    } else if let Some(quoted) = line.strip_prefix('"') {
        let end = quoted.find('"')?;
        let key = &quoted[..end];
        if key.contains('\\') {
            return None;
        }
        (key.to_string(), &quoted[end + 1..])
    } else {
        // A plain key ends at the first `: ` or at a `:` closing the line.
        let end = line
            .find(": ")
            .or_else(|| line.ends_with(':').then(|| line.len() - 1))?;
        let key = &line[..end];
        let plain = key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./{}$:".contains(c));
        if key.is_empty() || !plain || key.starts_with(['-', '{']) {
            return None;
        }
        (key.to_string(), &line[end..])
    };
    let rest = rest.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest.trim()))
}
