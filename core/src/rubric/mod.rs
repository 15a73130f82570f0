//! Rubrics: the file/inline shape ([`RubricSpec`]), the validated model
//! ([`Rubric`]), validation that reports every violation, the built-in
//! rubric and the registry of loaded rubrics.

mod builtin;
mod load;
mod model;
mod registry;
mod spec;
mod validate;

pub use builtin::{BUILTIN_RUBRIC_ID, BUILTIN_RUBRIC_SOURCE, builtin_rubric};
pub use load::{LoadError, ParseError, load_dir, parse_file, parse_text};
pub use model::{
    Blend, CostUnits, Dimension, Direction, GradeBand, Indicator, IndicatorUnits, Names, Rounding,
    Rubric, RubricShown, RubricUnits, Rule, Unit,
};
pub use registry::{AlreadyLoaded, Registry, RubricEntry};
pub use spec::{BlendSpec, DimensionSpec, GradeBandSpec, IndicatorSpec, RubricSpec, RuleSpec};
pub use validate::{to_spec, validate};
