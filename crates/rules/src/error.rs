//! The error type for user-supplied text: override files, payer rules, code lists and code
//! arguments.
//!
//! Classification itself never fails: unknown codes come back as [`Kind::Unknown`](crate::Kind).

/// An error in text the user gave us. Messages name the line or key and the offending value;
/// the inputs are code tables, never patient data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The override file is not valid TOML, or has a field or section we do not know.
    #[error("override file: {message}")]
    Toml {
        /// The TOML parser's message (it includes the line and column).
        message: String,
    },
    /// An override entry has a bad key or value, e.g. `route = "fax"` or `[carc."C O"]`.
    #[error("override [{section}.{key}]: {message}")]
    Override {
        /// `carc` or `rarc`.
        section: &'static str,
        /// The entry key as written.
        key: String,
        /// What is wrong with it.
        message: String,
    },
    /// The payer-rules file is not valid TOML, or has a field or table we do not know.
    #[error("payer rules: {message}")]
    PayerRules {
        /// The TOML parser's message (it includes the line and column).
        message: String,
    },
    /// A line of a tab- or comma-separated table could not be read.
    #[error("line {line}: {message}")]
    Table {
        /// 1-based line number in the text given.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A code argument such as `"CO-16 N290"` could not be understood.
    #[error("code argument {token:?}: {message}")]
    Argument {
        /// The token (or whole argument) at fault.
        token: String,
        /// What is wrong with it.
        message: String,
    },
}
