//! What `build.rs` reads: the vendored spec, the bundled supplement and the default selection
//! (the Item API), or the spec, supplement and selection a dependent project points the build
//! at with `PLAID_ITEM_SPEC`, `PLAID_ITEM_SUPPLEMENT` and `PLAID_ITEM_SELECTION`.
//!
//! A build script runs in the dependency's own directory, which is not the project that set
//! the variable, so a relative path cannot mean "relative to here". The documented way is
//! cargo's `[env] PLAID_ITEM_SPEC = { value = "...", relative = true }` in the project's
//! `.cargo/config.toml`, which arrives absolute. A relative path set in a shell is taken from
//! the directory cargo was run from (`PWD`, which cargo passes through); without `PWD` it is
//! an error. Every error names the variable, the file and the directory it was resolved
//! against.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::CodegenError;
use crate::merge::MergeReport;
use crate::selection::Selection;
use crate::supplement::{Supplement, BUNDLED_SUPPLEMENT_NAME};

/// The spec to build from instead of the vendored one.
pub const SPEC_VAR: &str = "PLAID_ITEM_SPEC";
/// A project's own supplement, layered over the bundled one.
pub const SUPPLEMENT_VAR: &str = "PLAID_ITEM_SUPPLEMENT";
/// A project's selection file: which operations form the SDK (see [`Selection`]).
pub const SELECTION_VAR: &str = "PLAID_ITEM_SELECTION";
/// Every variable that changes what the build generates.
pub const VARIABLES: [&str; 3] = [SPEC_VAR, SUPPLEMENT_VAR, SELECTION_VAR];

/// The files one build reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// The spec, absolute when it came from a variable.
    pub spec: PathBuf,
    /// The project's supplement, if `PLAID_ITEM_SUPPLEMENT` names one.
    pub supplement: Option<PathBuf>,
    /// The project's selection file, if `PLAID_ITEM_SELECTION` names one.
    pub selection: Option<PathBuf>,
    /// `PWD`, when a relative path was resolved against it (cargo must rerun if it changes).
    pub relative_base: Option<PathBuf>,
}

impl Inputs {
    /// Reads the three variables through `env` (`std::env::var_os` in the build); `package_root`
    /// is plaid-item's own directory, where the vendored spec lives. An empty variable counts
    /// as unset.
    pub fn from_env(
        env: impl Fn(&str) -> Option<OsString>,
        package_root: &Path,
    ) -> Result<Inputs, CodegenError> {
        let mut relative_base = None;
        let mut resolve = |var: &'static str| -> Result<Option<PathBuf>, CodegenError> {
            let Some(value) = env(var).filter(|v| !v.is_empty()) else {
                return Ok(None);
            };
            let given = PathBuf::from(&value);
            let (path, base) = if given.is_absolute() {
                (given, None)
            } else {
                let base = env("PWD")
                    .map(PathBuf::from)
                    .filter(|dir| dir.is_absolute())
                    .ok_or_else(|| CodegenError::Input {
                        variable: var,
                        message: format!(
                            "{var}={} is relative and there is no PWD to resolve it against \
                             (plaid-item builds in its own directory, {}); give an absolute \
                             path or set it in your project's .cargo/config.toml as \
                             `[env] {var} = {{ value = \"{}\", relative = true }}`",
                            given.display(),
                            package_root.display(),
                            given.display()
                        ),
                    })?;
                relative_base = Some(base.clone());
                (base.join(&given), Some(base))
            };
            if !path.is_file() {
                let against = match &base {
                    Some(dir) => format!(
                        ", resolved against {} (the directory cargo was run from)",
                        dir.display()
                    ),
                    None => String::new(),
                };
                return Err(CodegenError::Input {
                    variable: var,
                    message: format!(
                        "{var}={}: no such file {}{against}; a relative path in \
                         .cargo/config.toml needs `relative = true` to be taken from the \
                         project",
                        Path::new(&value).display(),
                        path.display()
                    ),
                });
            }
            Ok(Some(path))
        };
        let spec = resolve(SPEC_VAR)?;
        let supplement = resolve(SUPPLEMENT_VAR)?;
        let selection = resolve(SELECTION_VAR)?;
        Ok(Inputs {
            spec: spec.unwrap_or_else(|| package_root.join("spec/plaid-item.yml")),
            supplement,
            selection,
            relative_base,
        })
    }

    /// The project's supplement over the bundled one, or the bundled one alone.
    pub fn supplement(&self) -> Result<Supplement, CodegenError> {
        match &self.supplement {
            Some(path) => Supplement::project(path),
            None => Supplement::bundled(),
        }
    }

    /// The project's selection, or the default (the Item API).
    pub fn selection(&self) -> Result<Selection, CodegenError> {
        match &self.selection {
            Some(path) => {
                let mut selection = Selection::from_file(path)?;
                selection.source = format!("{SELECTION_VAR}={}", path.display());
                Ok(selection)
            }
            None => Ok(Selection::item_api()),
        }
    }

    /// The `cargo:rerun-if-...` lines for these inputs. The bundled supplement needs none:
    /// it is compiled into this crate, so editing it rebuilds the build script.
    pub fn rerun_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = VARIABLES
            .iter()
            .map(|var| format!("cargo:rerun-if-env-changed={var}"))
            .collect();
        lines.push(format!("cargo:rerun-if-changed={}", self.spec.display()));
        for path in self.supplement.iter().chain(&self.selection) {
            lines.push(format!("cargo:rerun-if-changed={}", path.display()));
        }
        if self.relative_base.is_some() {
            lines.push("cargo:rerun-if-env-changed=PWD".into());
        }
        lines
    }

    /// One short warning per project supplement with entries the spec now defines itself: a
    /// count and the command that lists them (a build warning repeats on every build). The
    /// bundled supplement says nothing: Plaid's whole file defines all of it, which is the
    /// normal update path, and a dependent could not act on it (`plaid-spec check` lists it).
    pub fn warnings(&self, report: &MergeReport) -> Vec<String> {
        let spec = self.spec.display();
        report
            .layers
            .iter()
            .filter(|layer| !layer.shadowed.is_empty() && layer.name != BUNDLED_SUPPLEMENT_NAME)
            .map(|layer| {
                format!(
                    "plaid-item: the spec defines {} entries of {} itself, which are ignored: \
                     remove them (`plaid-spec --supplement {} check {spec}` lists them)",
                    layer.shadowed.len(),
                    layer.name,
                    layer.name
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    use crate::merge::LayerReport;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn scratch(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("inputs-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("new.yml"), "openapi: 3.0.0\n").unwrap();
        dir
    }

    #[test]
    fn unset_or_empty_variables_mean_the_vendored_spec_and_the_bundled_supplement() {
        let root = Path::new("/pkg/plaid-item");
        for vars in [&[][..], &[(SPEC_VAR, ""), (SUPPLEMENT_VAR, "")][..]] {
            let inputs = Inputs::from_env(env(vars), root).unwrap();
            assert_eq!(inputs.spec, root.join("spec/plaid-item.yml"));
            assert_eq!(inputs.supplement, None);
            assert!(!inputs.rerun_lines().iter().any(|l| l.contains("PWD")));
        }
    }

    #[test]
    fn a_relative_path_is_taken_from_pwd_and_cargo_watches_pwd() {
        let dir = scratch("relative");
        let pwd = dir.to_str().unwrap();
        let vars = [
            (SPEC_VAR, "new.yml"),
            (SUPPLEMENT_VAR, "new.yml"),
            ("PWD", pwd),
        ];
        let inputs = Inputs::from_env(env(&vars), Path::new("/pkg")).unwrap();
        assert_eq!(inputs.spec, dir.join("new.yml"));
        assert_eq!(inputs.supplement, Some(dir.join("new.yml")));
        let lines = inputs.rerun_lines();
        assert!(lines.contains(&"cargo:rerun-if-env-changed=PWD".to_string()));
        assert!(lines.contains(&format!(
            "cargo:rerun-if-changed={}",
            dir.join("new.yml").display()
        )));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_selection_file_resolves_like_the_spec_and_cargo_watches_it() {
        let dir = scratch("selection");
        std::fs::write(dir.join("sel.yml"), "remove: [/sandbox/item/]\n").unwrap();
        let pwd = dir.to_str().unwrap();
        let inputs = Inputs::from_env(
            env(&[(SELECTION_VAR, "sel.yml"), ("PWD", pwd)]),
            Path::new("/pkg"),
        )
        .unwrap();
        assert_eq!(inputs.selection, Some(dir.join("sel.yml")));
        let selection = inputs.selection().unwrap();
        assert_eq!(selection.remove, ["/sandbox/item/"]);
        assert_eq!(
            selection.source,
            format!("PLAID_ITEM_SELECTION={}", dir.join("sel.yml").display())
        );
        let lines = inputs.rerun_lines();
        assert!(lines.contains(&"cargo:rerun-if-env-changed=PLAID_ITEM_SELECTION".to_string()));
        assert!(lines.contains(&format!(
            "cargo:rerun-if-changed={}",
            dir.join("sel.yml").display()
        )));

        let err = Inputs::from_env(
            env(&[(SELECTION_VAR, "gone.yml"), ("PWD", pwd)]),
            Path::new("/pkg"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("PLAID_ITEM_SELECTION=gone.yml: no such file"),
            "{err}"
        );
        let unset = Inputs::from_env(env(&[]), Path::new("/pkg")).unwrap();
        assert!(unset.selection().unwrap().is_default());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_file_names_the_variable_the_file_and_the_directory() {
        let dir = scratch("missing");
        let pwd = dir.to_str().unwrap();
        let vars = [(SUPPLEMENT_VAR, "mine.yml"), ("PWD", pwd)];
        let err = Inputs::from_env(env(&vars), Path::new("/pkg"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("PLAID_ITEM_SUPPLEMENT=mine.yml"), "{err}");
        assert!(
            err.contains(&dir.join("mine.yml").display().to_string()),
            "{err}"
        );
        assert!(err.contains(&format!("resolved against {pwd}")), "{err}");
        assert!(err.contains("relative = true"), "{err}");

        let err = Inputs::from_env(env(&[(SPEC_VAR, "/nowhere/new.yml")]), Path::new("/pkg"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no such file /nowhere/new.yml"), "{err}");
        assert!(!err.contains("resolved against"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_relative_path_without_pwd_is_an_error_naming_the_fix() {
        for vars in [
            &[(SPEC_VAR, "new.yml")][..],
            &[(SPEC_VAR, "new.yml"), ("PWD", "rel")][..],
        ] {
            let err = Inputs::from_env(env(vars), Path::new("/pkg/plaid-item"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("PLAID_ITEM_SPEC=new.yml is relative"), "{err}");
            assert!(err.contains("/pkg/plaid-item"), "{err}");
            assert!(
                err.contains(r#"[env] PLAID_ITEM_SPEC = { value = "new.yml", relative = true }"#),
                "{err}"
            );
        }
    }

    #[test]
    fn a_project_supplement_warns_in_one_line_and_the_bundled_one_never() {
        let inputs = Inputs {
            spec: PathBuf::from("/p/new.yml"),
            supplement: Some(PathBuf::from("/p/mine.yml")),
            selection: None,
            relative_base: None,
        };
        let layer = |name: &str, n: usize| LayerReport {
            name: name.into(),
            shadowed: (0..n).map(|i| format!("components.schemas.S{i}")).collect(),
            ..LayerReport::default()
        };
        let report = MergeReport {
            layers: vec![layer("/p/mine.yml", 2), layer(BUNDLED_SUPPLEMENT_NAME, 47)],
            ..MergeReport::default()
        };
        let warnings = inputs.warnings(&report);
        assert_eq!(
            warnings,
            [
                "plaid-item: the spec defines 2 entries of /p/mine.yml itself, which are \
              ignored: remove them (`plaid-spec --supplement /p/mine.yml check /p/new.yml` \
              lists them)"
            ]
        );
        assert!(warnings
            .iter()
            .all(|w| !w.contains('\n') && !w.contains("components.")));
        // Plaid's whole file defines every bundled entry: the normal update path is quiet.
        let whole_file = MergeReport {
            layers: vec![layer(BUNDLED_SUPPLEMENT_NAME, 63)],
            ..MergeReport::default()
        };
        assert!(inputs.warnings(&whole_file).is_empty());
    }
}
