use serde::{Deserialize, Serialize};

/// A cross-field rule. The vocabulary of rule kinds is code; which rules a type
/// uses, and on which fields, is data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Rule {
    /// The birth date inside a citizen ID number equals a date field.
    CitizenIdBirthDate {
        /// Key of the citizen-ID field.
        id_field: String,
        /// Key of the date-of-birth field.
        date_field: String,
    },
    /// The sex digit of a citizen ID number (odd = male) agrees with a sex field.
    CitizenIdSex {
        /// Key of the citizen-ID field.
        id_field: String,
        /// Key of the sex field.
        sex_field: String,
    },
    /// The validity term matches the 居民身份证法 Art. 5 term for the holder's age
    /// at application (under 16: 5 years; 16–25: 10; 26–45: 20; 46+: long-term),
    /// the application lying at most 90 days before the start of validity
    /// (see [`crate::ids::check_id_card_validity`]).
    IdCardTerm {
        /// Key of the date-of-birth field.
        birth_field: String,
    },
    /// A date field is not after another (a long-term end always passes).
    DateNotAfter {
        /// Earlier field.
        field: String,
        /// Later field (date or long-term).
        other: String,
    },
    /// The credential's validity starts on the date in this field (e.g. 体检日期).
    ValidFromField {
        /// Key of the date field.
        field: String,
    },
    /// The validity term is at most this many years, and not long-term.
    MaxTermYears {
        /// Maximum years.
        years: u32,
    },
}

impl Rule {
    /// Snake-case name of the rule kind.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::CitizenIdBirthDate { .. } => "citizen_id_birth_date",
            Rule::CitizenIdSex { .. } => "citizen_id_sex",
            Rule::IdCardTerm { .. } => "id_card_term",
            Rule::DateNotAfter { .. } => "date_not_after",
            Rule::ValidFromField { .. } => "valid_from_field",
            Rule::MaxTermYears { .. } => "max_term_years",
        }
    }

    /// Field keys the rule reads.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Rule::CitizenIdBirthDate {
                id_field,
                date_field,
            } => vec![id_field, date_field],
            Rule::CitizenIdSex {
                id_field,
                sex_field,
            } => vec![id_field, sex_field],
            Rule::IdCardTerm { birth_field } => vec![birth_field],
            Rule::DateNotAfter { field, other } => vec![field, other],
            Rule::ValidFromField { field } => vec![field],
            Rule::MaxTermYears { .. } => vec![],
        }
    }
}

use std::collections::BTreeMap;

use super::types::LicenseType;
use super::value::FieldValue;
use crate::ids::{Date, IdNumber, Sex};

/// What a rule sees: field values by key, and the credential's validity dates (CST).
pub struct RuleInput<'a> {
    /// Values by field key (only the disclosed ones, at verification).
    pub values: &'a BTreeMap<String, FieldValue>,
    /// First day of validity.
    pub valid_from: Date,
    /// Last day of validity (None = long-term).
    pub valid_until: Option<Date>,
}

impl Rule {
    /// Checks the rule. `None` when a field it needs is absent (not disclosed).
    pub fn check(&self, ty: &LicenseType, input: &RuleInput<'_>) -> Option<Result<(), String>> {
        let get = |k: &str| input.values.get(k);
        let _ = ty;
        match self {
            Rule::CitizenIdBirthDate {
                id_field,
                date_field,
            } => {
                let id = IdNumber::parse(get(id_field)?.as_text()?).ok()?;
                let date = get(date_field)?.as_date()?;
                Some(if id.birth_date() == date {
                    Ok(())
                } else {
                    Err("the ID number's birth date differs from the date of birth".into())
                })
            }
            Rule::CitizenIdSex {
                id_field,
                sex_field,
            } => {
                let id = IdNumber::parse(get(id_field)?.as_text()?).ok()?;
                let code = match get(sex_field)? {
                    FieldValue::Code(c) => *c,
                    _ => return None,
                };
                let sex = u8::try_from(code).ok().and_then(Sex::from_code);
                Some(match sex {
                    Some(Sex::Male | Sex::Female) if sex != Some(id.sex()) => {
                        Err("the ID number's sex digit differs from the sex field".into())
                    }
                    _ => Ok(()),
                })
            }
            Rule::IdCardTerm { birth_field } => {
                let birth = get(birth_field)?.as_date()?;
                Some(
                    crate::ids::check_id_card_validity(birth, input.valid_from, input.valid_until)
                        .map_err(|e| {
                            use crate::lang::Localized as _;
                            e.en().into_owned()
                        }),
                )
            }
            Rule::DateNotAfter { field, other } => {
                let a = get(field)?.as_date()?;
                Some(match get(other)? {
                    FieldValue::LongTerm => Ok(()),
                    FieldValue::Date(b) if a <= *b => Ok(()),
                    _ => Err(format!("{field} is after {other}")),
                })
            }
            Rule::ValidFromField { field } => {
                let d = get(field)?.as_date()?;
                Some(if d == input.valid_from {
                    Ok(())
                } else {
                    Err(format!("validity does not start on {field}"))
                })
            }
            Rule::MaxTermYears { years } => Some(match input.valid_until {
                None => Err("long-term validity not allowed".into()),
                Some(end)
                    if end
                        > input
                            .valid_from
                            .add_years(i32::try_from(*years).unwrap_or(i32::MAX)) =>
                {
                    Err(format!("validity longer than {years} year(s)"))
                }
                Some(_) => Ok(()),
            }),
        }
    }
}

/// Builds a [`RuleInput`].
pub fn rules_input(
    values: &BTreeMap<String, FieldValue>,
    valid_from: Date,
    valid_until: Option<Date>,
) -> RuleInput<'_> {
    RuleInput {
        values,
        valid_from,
        valid_until,
    }
}
