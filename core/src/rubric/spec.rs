//! The unvalidated shape of a rubric: what a file holds and what an inline
//! rubric converts to. Field names are the proto field names, so a rubric
//! file in JSON is also valid proto3 JSON for `grpcurl -d @`. Numbers are
//! doubles, read as their shortest decimal by validation.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A rubric as written. [`super::validate`] turns it into a [`super::Rubric`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricSpec {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: u32,
    #[serde(default, alias = "defaultLocale")]
    pub default_locale: String,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blend: Option<BlendSpec>,
    #[serde(default, alias = "gradeBands", skip_serializing_if = "Vec::is_empty")]
    pub grade_bands: Vec<GradeBandSpec>,
    #[serde(
        default,
        alias = "gapThreshold",
        skip_serializing_if = "Option::is_none"
    )]
    pub gap_threshold: Option<f64>,
    #[serde(default)]
    pub dimensions: Vec<DimensionSpec>,
    /// The printed form has an HR signature line. Left out of the
    /// canonical form when false, so existing content hashes stay.
    #[serde(
        default,
        alias = "hrSignature",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub hr_signature: bool,
}

/// Self / supervisor blend weights in percent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlendSpec {
    #[serde(default, alias = "selfWeightPercent")]
    pub self_weight_percent: f64,
    #[serde(default, alias = "supervisorWeightPercent")]
    pub supervisor_weight_percent: f64,
}

/// A grade band with inclusive edges.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBandSpec {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    #[serde(default, alias = "minScore")]
    pub min_score: f64,
    #[serde(default, alias = "maxScore")]
    pub max_score: f64,
    #[serde(default, alias = "bonusCoefficient")]
    pub bonus_coefficient: f64,
}

/// A dimension as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionSpec {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    #[serde(default, alias = "weightPercent")]
    pub weight_percent: f64,
    #[serde(default)]
    pub indicators: Vec<IndicatorSpec>,
}

/// An indicator as written. `unit` is `PERCENT`, `SCORE`, `COUNT`,
/// `MINUTES` or `HOURS` (the proto names `UNIT_PERCENT`… are accepted too).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    #[serde(default)]
    pub unit: String,
    #[serde(default, alias = "minValue", skip_serializing_if = "Option::is_none")]
    pub min_value: Option<f64>,
    #[serde(default, alias = "maxValue", skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
    #[serde(default, alias = "fullPoints")]
    pub full_points: f64,
    #[serde(default)]
    pub rule: Option<RuleSpec>,
    #[serde(
        default,
        alias = "responseLimitMinutes",
        skip_serializing_if = "Option::is_none"
    )]
    pub response_limit_minutes: Option<f64>,
}

/// A rule as written. `direction` is `AT_LEAST` or `AT_MOST`; `rounding`
/// is `LINEAR` (default), `PER_FULL_STEP` or `PER_STARTED_STEP` (proto
/// names with their `DIRECTION_` / `ROUNDING_` prefix are accepted too).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub target: f64,
    #[serde(default)]
    pub step: f64,
    #[serde(default)]
    pub penalty: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rounding: String,
}
