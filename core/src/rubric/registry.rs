//! The rubrics a server knows: the built-in one plus those loaded at
//! start-up. Immutable once built and shared behind `Arc`.

use super::{Rubric, builtin_rubric};
use crate::{Error, Violation};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A loaded rubric and where it came from.
#[derive(Debug, Clone)]
pub struct RubricEntry {
    pub rubric: Arc<Rubric>,
    pub built_in: bool,
}

/// Why [`Registry::add`] refused a rubric: its (id, version) is loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rubric {id} version {version} is already loaded")]
pub struct AlreadyLoaded {
    pub id: String,
    pub version: u32,
}

/// Rubrics by id, then version.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    rubrics: BTreeMap<String, BTreeMap<u32, RubricEntry>>,
}

impl Registry {
    /// A registry holding only the built-in rubric.
    pub fn with_builtin() -> Self {
        let mut registry = Registry::default();
        let rubric = Arc::new(builtin_rubric().clone());
        registry
            .rubrics
            .entry(rubric.id.clone())
            .or_default()
            .insert(
                rubric.version,
                RubricEntry {
                    rubric,
                    built_in: true,
                },
            );
        registry
    }

    /// Adds a rubric; refuses an (id, version) already present, since a
    /// published version never changes.
    pub fn add(&mut self, rubric: Rubric) -> Result<(), AlreadyLoaded> {
        let versions = self.rubrics.entry(rubric.id.clone()).or_default();
        if versions.contains_key(&rubric.version) {
            return Err(AlreadyLoaded {
                id: rubric.id,
                version: rubric.version,
            });
        }
        versions.insert(
            rubric.version,
            RubricEntry {
                rubric: Arc::new(rubric),
                built_in: false,
            },
        );
        Ok(())
    }

    /// The built-in rubric, what a request that names no rubric is scored
    /// against, even when further versions of its id are loaded from files.
    pub fn builtin(&self) -> Result<&RubricEntry, Error> {
        self.rubrics
            .get(super::BUILTIN_RUBRIC_ID)
            .and_then(|versions| versions.values().find(|entry| entry.built_in))
            .ok_or_else(|| Error::RubricNotFound {
                field: String::new(),
                what: "the built-in rubric is not loaded".to_string(),
            })
    }

    /// Finds a rubric; `version` `None` means the latest.
    pub fn get(&self, id: &str, version: Option<u32>) -> Result<&RubricEntry, Error> {
        let versions = self.rubrics.get(id).ok_or_else(|| Error::RubricNotFound {
            field: "id".to_string(),
            what: format!("no rubric with id \"{id}\" is loaded"),
        })?;
        let found = match version {
            Some(v) => versions.get(&v),
            None => versions.values().next_back(),
        };
        found.ok_or_else(|| Error::RubricNotFound {
            field: "version".to_string(),
            what: format!("rubric \"{id}\" has no version {}", version.unwrap_or(0)),
        })
    }

    /// Why `rubric` may not be used, when its (id, version) is loaded with
    /// other content: a published pair never changes (docs/scoring.md section 1), so
    /// an answer naming it must mean the published rules. The violation
    /// is at `version`, relative to the rubric.
    pub fn conflict(&self, rubric: &Rubric) -> Option<Violation> {
        let published = &self.rubrics.get(&rubric.id)?.get(&rubric.version)?.rubric;
        (published.content_hash != rubric.content_hash).then(|| {
            Violation::new(
                "version",
                format!(
                    "rubric \"{}\" version {} is published with other content (content hash {}, \
                     this one {}); a published version never changes: give this rubric a version \
                     of its own",
                    rubric.id, rubric.version, published.content_hash, rubric.content_hash
                ),
            )
        })
    }

    /// The violation of a rubric that is not valid at all but names a
    /// loaded (id, version): whatever it holds, it is not the published
    /// content (which was valid), so it is reported beside the rubric's
    /// own violations. At `version`, relative to the rubric.
    pub fn conflict_of_invalid(&self, id: &str, version: u32) -> Option<Violation> {
        let published = &self.rubrics.get(id)?.get(&version)?.rubric;
        Some(Violation::new(
            "version",
            format!(
                "rubric \"{id}\" version {version} is published with other content (content hash \
                 {}); a published version never changes: give this rubric a version of its own",
                published.content_hash
            ),
        ))
    }

    /// Every loaded rubric, by id then version.
    pub fn entries(&self) -> impl Iterator<Item = &RubricEntry> {
        self.rubrics.values().flat_map(|v| v.values())
    }
}
