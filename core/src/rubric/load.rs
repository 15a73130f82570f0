//! Reading rubric files (JSON or TOML, one shape) and rubric directories.

use super::{Rubric, RubricSpec, validate};
use crate::Violation;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a rubric file or directory could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The directory or a file could not be read.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A file is not valid JSON/TOML of the rubric shape.
    Parse { path: PathBuf, error: ParseError },
    /// A file parsed but breaks rubric rules; every violation is listed.
    Invalid {
        path: PathBuf,
        violations: Vec<Violation>,
    },
    /// Two files define the same (id, version).
    Duplicate {
        path: PathBuf,
        other: PathBuf,
        id: String,
        version: u32,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            LoadError::Parse { path, error } => write!(f, "{}: {error}", path.display()),
            LoadError::Invalid { path, violations } => {
                write!(f, "{}: {} violation(s)", path.display(), violations.len())?;
                for v in violations {
                    write!(f, "\n  {v}")?;
                }
                Ok(())
            }
            LoadError::Duplicate {
                path,
                other,
                id,
                version,
            } => write!(
                f,
                "{}: rubric {id} version {version} is also defined by {}",
                path.display(),
                other.display()
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// Why rubric text could not be read as a rubric.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not JSON of the rubric shape.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// Not TOML of the rubric shape.
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    /// Neither "json" nor "toml".
    #[error("unknown rubric format \"{0}\" (expected .json or .toml)")]
    UnknownFormat(String),
}

/// Parses rubric text; `format` is "json" or "toml".
pub fn parse_text(text: &str, format: &str) -> Result<RubricSpec, ParseError> {
    match format {
        "json" => Ok(serde_json::from_str(text)?),
        "toml" => Ok(toml::from_str(text)?),
        other => Err(ParseError::UnknownFormat(other.to_string())),
    }
}

/// Reads, parses and validates one rubric file.
pub fn parse_file(path: &Path) -> Result<Rubric, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let spec = parse_text(&text, &format).map_err(|error| LoadError::Parse {
        path: path.to_path_buf(),
        error,
    })?;
    validate(&spec).map_err(|violations| LoadError::Invalid {
        path: path.to_path_buf(),
        violations,
    })
}

/// Loads every `*.json` and `*.toml` file of a directory, in name order.
/// Returns every file's errors, not just the first.
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, Rubric)>, Vec<LoadError>> {
    let entries = std::fs::read_dir(dir).map_err(|error| {
        vec![LoadError::Io {
            path: dir.to_path_buf(),
            error,
        }]
    })?;
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => {
                let path = e.path();
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if path.is_file() && matches!(ext, "json" | "toml") {
                    paths.push(path);
                }
            }
            Err(error) => errors.push(LoadError::Io {
                path: dir.to_path_buf(),
                error,
            }),
        }
    }
    paths.sort();
    let mut rubrics: Vec<(PathBuf, Rubric)> = Vec::new();
    for path in paths {
        match parse_file(&path) {
            Ok(rubric) => {
                if let Some((other, _)) = rubrics
                    .iter()
                    .find(|(_, r)| r.id == rubric.id && r.version == rubric.version)
                {
                    errors.push(LoadError::Duplicate {
                        path: path.clone(),
                        other: other.clone(),
                        id: rubric.id.clone(),
                        version: rubric.version,
                    });
                } else {
                    rubrics.push((path, rubric));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(rubrics)
    } else {
        Err(errors)
    }
}
