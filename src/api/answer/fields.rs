//! The field numbers the answer writer uses, one module per message, each
//! constant named as its field in upper case. A test reads every one of
//! them back from the descriptor set built from proto/, so a field
//! renumbered or renamed there fails it.

/// Declares one module of field-number constants per message, and (for
/// the test) the list of (message, constant name, number) they make.
macro_rules! fields {
    ($($(#[$doc:meta])* $module:ident = $message:literal { $($name:ident = $number:literal),* $(,)? })*) => {
        $(
            $(#[$doc])*
            pub mod $module {
                $(pub const $name: u32 = $number;)*
            }
        )*

        /// Every constant above: the message's full name, the constant's
        /// name and its number.
        #[cfg(test)]
        pub(super) const ALL: &[(&str, &str, u32)] = &[
            $($(($message, stringify!($name), $module::$name),)*)*
        ];
    };
}

fields! {
    /// `scorecard.v1.ScoreReviewsResponse`.
    score_reviews_response = "scorecard.v1.ScoreReviewsResponse" {
        REVIEW_ID = 1,
        INDEX = 2,
        RESULT = 3,
        ERROR = 4,
    }
    /// `scorecard.v1.ScoreReviewResponse`.
    score_review_response = "scorecard.v1.ScoreReviewResponse" {
        REVIEW_ID = 1,
        RUBRIC = 2,
        SERVICE_VERSION = 3,
        LOCALE = 4,
        EMPLOYEE_ID = 5,
        PERIOD_LABEL = 6,
        SELF_ASSESSMENT = 7,
        SUPERVISOR_ASSESSMENT = 8,
        SELF_WEIGHT_PERCENT = 9,
        SUPERVISOR_WEIGHT_PERCENT = 10,
        FINAL_SCORE = 11,
        BONUS_COEFFICIENT = 12,
        GRADE_BAND = 13,
        LARGEST_LOSSES = 14,
        GAP = 15,
        COMPLETE = 16,
        MAX_REACHABLE_FINAL_SCORE = 17,
        SUMMARY = 18,
    }
    /// `scorecard.v1.RubricInfo`.
    rubric_info = "scorecard.v1.RubricInfo" {
        ID = 1,
        VERSION = 2,
        CONTENT_HASH = 3,
        NAME = 4,
    }
    /// `scorecard.v1.GradeBandResult`.
    grade_band_result = "scorecard.v1.GradeBandResult" {
        ID = 1,
        NAME = 2,
        MIN_SCORE = 3,
        MAX_SCORE = 4,
        BONUS_COEFFICIENT = 5,
    }
    /// `scorecard.v1.Loss`.
    loss = "scorecard.v1.Loss" {
        INDICATOR_ID = 1,
        DIMENSION_ID = 2,
        NAME = 3,
        FINAL_SCORE_POINTS = 4,
        SELF_DEDUCTION = 5,
        SUPERVISOR_DEDUCTION = 6,
        FULL_POINTS_VALUE = 7,
        DIRECTION = 8,
        UNIT = 9,
        EXPLANATION = 10,
    }
    /// `scorecard.v1.RaterGap`.
    rater_gap = "scorecard.v1.RaterGap" {
        SELF_MINUS_SUPERVISOR = 1,
        THRESHOLD = 2,
        FLAGGED = 3,
        EXPLANATION = 4,
    }
    /// `scorecard.v1.RaterBreakdown`.
    rater_breakdown = "scorecard.v1.RaterBreakdown" {
        RATER = 1,
        INDICATORS = 2,
        DIMENSIONS = 3,
        TOTAL = 4,
        MAX_REACHABLE_TOTAL = 5,
        MISSING_INDICATOR_IDS = 6,
    }
    /// `scorecard.v1.IndicatorResult`.
    indicator_result = "scorecard.v1.IndicatorResult" {
        INDICATOR_ID = 1,
        DIMENSION_ID = 2,
        NAME = 3,
        INPUT_KIND = 4,
        SOURCE = 5,
        SUBMISSION_INDEX = 6,
        VALUE = 7,
        UNIT = 8,
        DIRECTION = 9,
        TARGET = 10,
        SHORTFALL = 11,
        STEPS = 12,
        DEDUCTION = 13,
        POINTS = 14,
        FULL_POINTS = 15,
        EXPLANATION = 16,
        COMMENT = 17,
    }
    /// `scorecard.v1.DimensionResult`.
    dimension_result = "scorecard.v1.DimensionResult" {
        DIMENSION_ID = 1,
        NAME = 2,
        SCORE = 3,
        MAX_SCORE = 4,
        WEIGHT_PERCENT = 5,
        WEIGHTED_SCORE = 6,
    }
}

#[cfg(test)]
mod tests {
    use super::ALL;
    use crate::api::pb;
    use prost_reflect::DescriptorPool;
    use std::collections::BTreeSet;

    /// Each constant is the number of the field of its name in the
    /// descriptor set compiled from proto/.
    #[test]
    fn every_field_number_is_the_descriptor_sets() {
        let pool = DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET).expect("the embedded set");
        for &(message, name, number) in ALL {
            let descriptor = pool
                .get_message_by_name(message)
                .unwrap_or_else(|| panic!("{message} is not in the descriptor set"));
            let field = descriptor
                .fields()
                .find(|f| f.name().to_ascii_uppercase() == name)
                .unwrap_or_else(|| panic!("{message} has no field named {name}"));
            assert_eq!(field.number(), number, "{message}.{}", field.name());
        }
    }

    /// Every field of the messages written has its constant: a field
    /// added to one of them fails here until the writer knows it.
    #[test]
    fn every_field_of_the_written_messages_has_a_constant() {
        let pool = DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET).expect("the embedded set");
        let known: BTreeSet<(&str, String)> = ALL
            .iter()
            .map(|&(message, name, _)| (message, name.to_owned()))
            .collect();
        let messages: BTreeSet<&str> = ALL.iter().map(|&(message, ..)| message).collect();
        for message in messages {
            let descriptor = pool.get_message_by_name(message).expect("checked above");
            for field in descriptor.fields() {
                let name = field.name().to_ascii_uppercase();
                assert!(
                    known.contains(&(message, name)),
                    "{message}.{} has no constant",
                    field.name()
                );
            }
        }
    }
}
