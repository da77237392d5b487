//! Reading spec files into a JSON tree: the one representation every later stage works on.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::CodegenError;

/// Reads a YAML (or JSON) file into a JSON value, with the file and line on any syntax error.
pub fn load_yaml(path: &Path) -> Result<Value, CodegenError> {
    parse_yaml(path, &read(path)?)
}

/// Reads a spec file's text.
pub fn read(path: &Path) -> Result<String, CodegenError> {
    std::fs::read_to_string(path).map_err(|source| CodegenError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Parses YAML text; `path` only names the source in errors.
pub fn parse_yaml(path: &Path, text: &str) -> Result<Value, CodegenError> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let location = e.location();
        CodegenError::Yaml {
            path: path.to_owned(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: strip_location(&e.to_string()),
        }
    })?;
    Ok(yaml_to_json(yaml))
}

/// serde_yaml repeats the location in its message; we print it once, up front.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// YAML allows non-string keys (`200:` is an integer); OpenAPI means them as strings.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().map(Value::from).unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (key_string(k), yaml_to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn key_string(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        other => serde_yaml::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Checks the parts of the document the pipeline relies on before anything walks it.
pub fn check_is_openapi(path: &Path, doc: &Value) -> Result<(), CodegenError> {
    let not = |message: &str| CodegenError::NotOpenApi {
        path: path.to_owned(),
        message: message.to_string(),
    };
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or_else(|| not("it has no `openapi` version field"))?;
    if !version.starts_with("3.0") {
        return Err(not(&format!(
            "its version is {version}; only OpenAPI 3.0.x is supported"
        )));
    }
    if !doc.get("paths").is_some_and(Value::is_object) {
        return Err(not("it has no `paths` object"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_keys_become_strings() {
        let v = parse_yaml(Path::new("x.yml"), "responses:\n  200: {description: ok}\n").unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let err = parse_yaml(Path::new("spec/x.yml"), "a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("spec/x.yml:"), "{text}");
        match err {
            CodegenError::Yaml { line, .. } => assert!(line.is_some_and(|l| l >= 2), "{line:?}"),
            other => panic!("expected a YAML error, got {other:?}"),
        }
    }

    #[test]
    fn rejects_documents_that_are_not_openapi_3_0() {
        let swagger = parse_yaml(Path::new("s.yml"), "swagger: '2.0'\npaths: {}\n").unwrap();
        assert!(check_is_openapi(Path::new("s.yml"), &swagger).is_err());
        let v31 = parse_yaml(Path::new("s.yml"), "openapi: 3.1.0\npaths: {}\n").unwrap();
        let err = check_is_openapi(Path::new("s.yml"), &v31).unwrap_err();
        assert!(err.to_string().contains("3.1.0"));
        let ok = parse_yaml(Path::new("s.yml"), "openapi: 3.0.0\npaths: {}\n").unwrap();
        assert!(check_is_openapi(Path::new("s.yml"), &ok).is_ok());
    }

    #[test]
    fn unreadable_file_is_a_read_error() {
        let err = load_yaml(Path::new("/nonexistent/plaid.yml")).unwrap_err();
        assert!(matches!(err, CodegenError::Read { .. }));
        assert!(err.to_string().contains("/nonexistent/plaid.yml"));
    }
}
