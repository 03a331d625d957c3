//! Integration tests of the `denali` binary: it is run on the fixtures and its output compared
//! with golden files under `fixtures/expected/` (rewrite them with `DENALI_BLESS=1`).

mod balance;
mod edits_ig;
mod explain;
mod fmt;
mod parse;
mod report;
mod track;
mod util;
mod validate;
